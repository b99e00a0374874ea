/**
 * `userIdentity`, the one record field the lake types as a nested STRUCT: its
 * typed value, and whether it holds anything that STRUCT does not keep (a key
 * the schema does not know, a repeated key, or a value that is not an object
 * where one belongs, at any level), so that `extra` can keep the whole value.
 *
 * Measured on the benchmark: `json_keys` and `json_type` over a list of paths
 * (one parse of the value each) cost less than building key maps with
 * `from_json`, per record or from each file's text.
 *
 * @module
 */
import { USER_IDENTITY_TYPE } from "./schema.ts";

/** A SQL string literal of our own text (never of user values). */
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
/** A SQL list literal of our own names. */
export const list = (xs: Iterable<string>) => `[${[...xs].map(sqlString).join(", ")}]`;

/** Parses a DuckDB STRUCT type string into `json_transform`'s structure form. */
export function structureOf(type: string): unknown {
  const t = type.trim();
  if (!t.startsWith("STRUCT(")) return t;
  const body = t.slice(7, -1);
  const out: Record<string, unknown> = {};
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  for (const part of parts) {
    const m = part.trim().match(/^"?([A-Za-z0-9_]+)"?\s+([\s\S]+)$/);
    if (!m) throw new Error(`Bad struct member: ${part}`);
    out[m[1]] = structureOf(m[2]);
  }
  return out;
}

/** A STRUCT type in `json_transform`'s form: its members, a nested one or a type name. */
export type Structure = { [key: string]: Structure | string };

/** `userIdentity`'s structure in `json_transform`'s form. */
export const UI_STRUCTURE = structureOf(USER_IDENTITY_TYPE) as Structure;

/** Every object of the structure with its path: `[]` is userIdentity itself. */
function objects(s: Structure, path: string[] = []): [string[], Structure][] {
  return [
    [path, s],
    ...Object.entries(s).flatMap(([k, v]) =>
      typeof v === "object" ? objects(v as Structure, [...path, k]) : []
    ),
  ];
}
const OBJECTS = objects(UI_STRUCTURE);
/** The paths of the objects below userIdentity, e.g. `["sessionContext", "sessionIssuer"]`. */
export const UI_OBJECT_PATHS: string[][] = OBJECTS.slice(1).map(([p]) => p);
/** The paths of userIdentity's non-object fields, at every level. */
export const UI_LEAF_PATHS: string[][] = OBJECTS.flatMap(([p, s]) =>
  Object.entries(s).filter(([, v]) => typeof v !== "object").map(([k]) => [...p, k])
);
/** JSON paths of the objects, userIdentity's own first. */
const PATHS = OBJECTS.map(([p]) => `$${p.map((k) => `.${k}`).join("")}`);

/** The typed userIdentity: only an object is typed (a string or number stays in `extra`). */
export const uiTyped = (v: string) =>
  `CASE WHEN json_type(${v}) = 'OBJECT' THEN json_transform(${v}, ${
    sqlString(JSON.stringify(UI_STRUCTURE))
  }) END`;

/**
 * Columns that {@linkcode uiUntyped} reads, from userIdentity's JSON text `v`:
 * the keys and the JSON type of each object (two parses of the value), and
 * `_ui`, the typed value (the lake column).
 */
export const uiShape = (v: string) =>
  `json_keys(${v}, ${list(PATHS)}) AS _ui_keys, json_type(${v}, ${list(PATHS)}) AS _ui_types,
      ${uiTyped(v)} AS _ui`;

const escape = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/**
 * The keys of every object, each list sorted, as DuckDB prints them, when all
 * are known and none repeats: each known key at most once, in sorted order
 * (a key DuckDB quotes, having odd characters, never matches).
 */
const PLAIN_KEYS = `^\\[${
  OBJECTS.map(([path, s], i) => {
    const keys = Object.keys(s).sort().map((k) => `(${escape(k)}(, |\\]))?`).join("");
    const one = `\\[${keys}`;
    // userIdentity itself is an object here; the others may be absent.
    return i === 0 && path.length === 0 ? `(\\[\\]|${one})` : `(NULL|\\[\\]|${one})`;
  }).join(", ")
}\\]$`;
/**
 * The JSON types of the objects: userIdentity an object, the others objects,
 * `null` (DuckDB prints the type name `'NULL'` quoted) or absent (`NULL`).
 */
const PLAIN_TYPES = `^\\[OBJECT${", (OBJECT|'NULL'|NULL)".repeat(OBJECTS.length - 1)}\\]$`;

/** How many non-object fields of `_ui` hold a value. */
const TYPED_LEAVES = UI_LEAF_PATHS
  .map((p) => `(${["_ui", ...p].map((x) => `"${x}"`).join(".")} IS NOT NULL)::INT`).join(" + ");
/** The objects are objects or absent (never `null`, never anything else): the pre-filter's shape. */
const OBJECT_TYPES = `^\\[OBJECT(, (OBJECT|NULL))*\\]$`;
/**
 * The pre-filter, true only for a plain userIdentity: every object an object
 * or absent, and as many keys in all objects as typed values (non-null
 * fields of `_ui`) plus objects below userIdentity. Each such value or
 * object has its own known key at its level, so at each level the keys
 * number at least the values, and they are equal only when no key is unknown
 * or repeated. One that fails (a `null` value, say) is checked exactly.
 */
const PLAIN_FAST = `(regexp_full_match(_ui_types::VARCHAR, ${sqlString(OBJECT_TYPES)})
    AND len(flatten(_ui_keys)) = list_count(_ui_types) - 1 + ${TYPED_LEAVES})`;

/**
 * Whether a present, non-null userIdentity (JSON text `v`, with the columns of
 * {@linkcode uiShape}) holds anything the typed STRUCT drops: it is not an
 * object, or one of its objects has a key the schema does not know or a
 * repeated key, or is something other than an object or `null`. A cheap
 * count settles most records ({@linkcode PLAIN_FAST}); the rest are checked
 * by two regular expressions over the printed lists (cheaper than a set test
 * per object).
 */
export function uiUntyped(v: string): string {
  return `(${v} IS NOT NULL AND ${v} <> 'null' AND CASE WHEN ${PLAIN_FAST} THEN false ELSE NOT coalesce(
    regexp_full_match(_ui_types::VARCHAR, ${sqlString(PLAIN_TYPES)})
    AND regexp_full_match(list_transform(_ui_keys, l -> list_sort(l))::VARCHAR, ${
    sqlString(PLAIN_KEYS)
  }), false) END)`;
}
