/**
 * Sigma field names (CloudTrail dot notation) → SQL over the lake's `events`
 * view. Only names that resolve to a lake column, a STRUCT member, or a path
 * inside a JSON-text column are accepted; identifiers come from the lake
 * schema and are quoted here, JSON paths are bound as parameters.
 *
 * @module
 */
import { FIELDS } from "../ingest/schema.ts";
import type { Param } from "../ingest/_duckdb.ts";

/** A rule construct podtrail cannot run; `construct` names it, `reason` says why. */
export class Unsupported extends Error {
  /** The construct, e.g. `field "status"` or `modifier "expand"`. */
  readonly construct: string;
  /** Why it cannot run. */
  readonly reason: string;
  constructor(construct: string, reason: string) {
    super(`${construct}: ${reason}`);
    this.name = "Unsupported";
    this.construct = construct;
    this.reason = reason;
  }
}

/** Collects bound values and hands out their `$n` placeholders. */
export class Params {
  readonly values: Param[] = [];
  /** Binds `value` and returns its placeholder. */
  bind(value: Param): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A lake type, as far as matching cares. */
export type LakeType =
  | { kind: "VARCHAR" }
  | { kind: "BOOLEAN" }
  | { kind: "TIMESTAMPTZ" }
  | { kind: "JSON" }
  | { kind: "STRUCT"; members: Map<string, LakeType> };

/** Parses the DuckDB type text used in `ingest/schema.ts` (VARCHAR, JSON, STRUCT(…), …). */
export function parseLakeType(text: string): LakeType {
  let i = 0;
  const s = text;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i])) i++;
  };
  const ident = (): string => {
    ws();
    if (s[i] === '"') {
      const end = s.indexOf('"', i + 1);
      const name = s.slice(i + 1, end);
      i = end + 1;
      return name;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (!m) throw new SyntaxError(`Bad type text at ${i}: ${s.slice(i, i + 20)}`);
    i += m[0].length;
    return m[0];
  };
  const type = (): LakeType => {
    const name = ident().toUpperCase();
    if (name === "STRUCT") {
      ws();
      if (s[i++] !== "(") throw new SyntaxError(`Expected "(" at ${i - 1}`);
      const members = new Map<string, LakeType>();
      for (;;) {
        const member = ident();
        members.set(member, type());
        ws();
        const c = s[i++];
        if (c === ")") break;
        if (c !== ",") throw new SyntaxError(`Expected "," or ")" at ${i - 1}`);
      }
      return { kind: "STRUCT", members };
    }
    if (name === "VARCHAR" || name === "JSON" || name === "BOOLEAN" || name === "TIMESTAMPTZ") {
      return { kind: name };
    }
    throw new SyntaxError(`Unknown lake type "${name}"`);
  };
  const t = type();
  ws();
  if (i !== s.length) throw new SyntaxError(`Trailing type text: ${s.slice(i)}`);
  return t;
}

const COLUMNS: ReadonlyMap<string, LakeType> = new Map(
  FIELDS.map((f) => [f.name, parseLakeType(f.lake)]),
);

/** Quotes a SQL identifier (names come from the lake schema, never from rules). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * How a field's values are read: one value per event (`scalar`, SQL of its
 * text, NULL when absent), or several (`list`, SQL of a VARCHAR[] without
 * NULLs: a path inside JSON text crosses arrays, so `resources.ARN` has one
 * value per resource).
 */
export type Access =
  | { kind: "scalar"; text: string; native: string; type: LakeType["kind"] }
  | { kind: "list"; list: string };

/** A JSON value (or NULL) → a list of JSON values: arrays are expanded, NULL gives []. */
const expandJson = (v: string) =>
  `(CASE WHEN ${v} IS NULL THEN []::JSON[] WHEN json_type(${v}) = 'ARRAY' ` +
  `THEN json_extract(${v}, '$[*]') ELSE [${v}] END)`;

let lambdaCounter = 0;
/** A fresh lambda variable name (nested lambdas must not shadow each other). */
export function lambdaVar(): string {
  lambdaCounter = (lambdaCounter + 1) % 1_000_000;
  return `v${lambdaCounter}`;
}

/** The JSON path text of one key, e.g. `$."policyArn"`. */
function jsonKeyPath(key: string): string {
  return `$."${key.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** Values at `path` inside the JSON expression `json`: a VARCHAR[] SQL expression. */
function jsonValues(json: string, path: string[], params: Params): string {
  let list = expandJson(json);
  for (const key of path) {
    if (key === "") throw new Unsupported(`field path "${path.join(".")}"`, "it has an empty part");
    const x = lambdaVar();
    const p = params.bind(jsonKeyPath(key));
    list = `flatten(list_transform(${list}, lambda ${x}: ${
      expandJson(`json_extract(${x}, ${p})`)
    }))`;
  }
  const x = lambdaVar();
  const y = lambdaVar();
  return `list_filter(list_transform(${list}, lambda ${x}: json_extract_string(${x}, '$')), ` +
    `lambda ${y}: ${y} IS NOT NULL)`;
}

/** Text of a whole JSON column: the stored text, and the same with one level of `\"` unescaped. */
function jsonTextVariants(json: string): string {
  const t = `CAST(${json} AS VARCHAR)`;
  const y = lambdaVar();
  return `list_filter([${t}, replace(replace(${t}, '\\"', '"'), '\\\\', '\\')], lambda ${y}: ${y} IS NOT NULL)`;
}

/** Text of a scalar of `type`. */
function scalarText(sql: string, type: LakeType["kind"]): string {
  switch (type) {
    case "VARCHAR":
      return sql;
    case "BOOLEAN":
      return `CAST(${sql} AS VARCHAR)`;
    case "TIMESTAMPTZ":
      return `strftime(timezone('UTC', ${sql}), '%Y-%m-%dT%H:%M:%SZ')`;
    default:
      return `CAST(to_json(${sql}) AS VARCHAR)`;
  }
}

/** Close names for an unknown field, to make the report useful. */
function hint(name: string, known: Iterable<string>): string {
  const lower = name.toLowerCase();
  const close = [...known].filter((k) => k.toLowerCase() === lower);
  return close.length ? ` (did you mean "${close[0]}"? field names are case-sensitive)` : "";
}

/**
 * Resolves a Sigma field name to SQL.
 *
 * @throws {Unsupported} for a name that is not a CloudTrail record field.
 */
export function resolveField(name: string, params: Params): Access {
  const parts = name.split(".");
  const top = parts[0];
  const column = COLUMNS.get(top);
  if (!column) {
    throw new Unsupported(
      `field "${name}"`,
      `"${top}" is not a CloudTrail record field of the lake${hint(top, COLUMNS.keys())}`,
    );
  }
  let sql = quoteIdent(top);
  let type: LakeType = column;
  let i = 1;
  while (i < parts.length && type.kind === "STRUCT") {
    const member = type.members.get(parts[i]);
    if (!member) {
      throw new Unsupported(
        `field "${name}"`,
        `"${parts.slice(0, i + 1).join(".")}" is not a member of ${parts.slice(0, i).join(".")}` +
          hint(parts[i], type.members.keys()),
      );
    }
    sql = `struct_extract(${sql}, '${parts[i].replaceAll("'", "''")}')`;
    type = member;
    i++;
  }
  const rest = parts.slice(i);
  if (type.kind === "JSON") {
    if (rest.length === 0) return { kind: "list", list: jsonTextVariants(sql) };
    return { kind: "list", list: jsonValues(sql, rest, params) };
  }
  if (rest.length > 0) {
    throw new Unsupported(
      `field "${name}"`,
      `${parts.slice(0, i).join(".")} is a ${type.kind} value without members`,
    );
  }
  return { kind: "scalar", text: scalarText(sql, type.kind), native: sql, type: type.kind };
}

/** Two-valued "some value of the field satisfies `pred`" (`pred` maps a text SQL to a boolean). */
export function anyValue(access: Access, pred: (text: string) => string): string {
  if (access.kind === "scalar") return `coalesce(${pred(access.text)}, false)`;
  const x = lambdaVar();
  return `coalesce(list_bool_or(list_transform(${access.list}, lambda ${x}: ${pred(x)})), false)`;
}

/** Two-valued "the field has a value". */
export function hasValue(access: Access): string {
  return access.kind === "scalar" ? `(${access.text} IS NOT NULL)` : `(len(${access.list}) > 0)`;
}

/** One text value of the field (the first, for lists): for group-by keys and value counts. */
export function firstValue(access: Access): string {
  return access.kind === "scalar" ? access.text : `(${access.list})[1]`;
}
