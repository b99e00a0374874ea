/**
 * `compileSigma()`: a parsed Sigma rule → one DuckDB SELECT over the lake's
 * `events` view, with every rule value as a bound `$n` parameter.
 *
 * Detection rules select the matching events. Correlation rules
 * (`event_count`, `value_count`, `temporal`, `temporal_ordered`, chains of
 * them) select one row per group and window:
 *
 * - the window is a sliding one: every matching event of a group starts a
 *   window that ends `timespan` later, both ends included (a self-join on
 *   time, not fixed buckets), and the condition is tested on each window;
 * - windows of a group that satisfy the condition and overlap are merged into
 *   one result (start of the first, end of the last event, all their events);
 * - `temporal_ordered` windows start at an event of the first rule and need
 *   an event of each next rule at the same time or later (ties count as in
 *   order: CloudTrail times have one-second resolution);
 * - a group-by key or value that is NULL on an event leaves that event out;
 * - a correlation used by another correlation contributes one event per
 *   result, at the time of its window's last event.
 *
 * @module
 */
import type { Param } from "../ingest/_duckdb.ts";
import { conditionSql, parseCondition } from "./_condition.ts";
import { firstValue, Params, quoteIdent, resolveField, Unsupported } from "./_fields.ts";
import { selectionSql } from "./_match.ts";
import type { SigmaCorrelationRule, SigmaDetectionRule, SigmaRule } from "./parse_sigma.ts";

/** A rule compiled to SQL. */
export interface CompiledSigma {
  /** Discriminant: the rule compiled. */
  kind: "compiled";
  /** The rule. */
  rule: SigmaRule;
  /** `detection`, or the correlation type. */
  type: "detection" | CorrelationType;
  /** One SELECT; `$1…$n` are {@linkcode CompiledSigma.params}. */
  sql: string;
  /** The values bound to `$1…$n`, in order. */
  params: Param[];
  /** Correlations: the group-by names, in the order of the `g0…gN` columns. */
  groupBy: string[];
}

/** A rule podtrail cannot run, with the construct and the reason. */
export interface UnsupportedSigma {
  /** Discriminant: the rule cannot run. */
  kind: "unsupported";
  /** The rule. */
  rule: SigmaRule;
  /** The construct, e.g. `field "status"`. */
  construct: string;
  /** Why it cannot run. */
  reason: string;
}

/** The correlation types podtrail runs. */
export type CorrelationType = "event_count" | "value_count" | "temporal" | "temporal_ordered";

const CORRELATION_TYPES: readonly string[] = [
  "event_count",
  "value_count",
  "temporal",
  "temporal_ordered",
];

/** Options of {@linkcode compileSigma}. */
export interface CompileOptions {
  /** The rules a correlation may refer to (by `id` or `name`); rules of its own file win. */
  rules?: readonly SigmaRule[];
}

/** The output columns of a detection rule's SELECT. */
export const MATCH_COLUMNS = [
  "eventID",
  "eventTime",
  "eventName",
  "eventSource",
  "userIdentity.arn",
  "sourceIPAddress",
] as const;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Checks the logsource: podtrail only holds AWS CloudTrail. */
function checkLogsource(rule: SigmaDetectionRule): void {
  const { product, service } = rule.logsource;
  if (product !== "aws" || (service !== undefined && service !== "cloudtrail")) {
    throw new Unsupported(
      `logsource ${JSON.stringify(rule.logsource)}`,
      "the lake holds AWS CloudTrail only (product: aws, service: cloudtrail)",
    );
  }
}

/** The WHERE clause of a detection rule. */
function detectionWhere(rule: SigmaDetectionRule, params: Params): string {
  checkLogsource(rule);
  const { condition, ...selections } = rule.detection;
  const names = Object.keys(selections);
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length === 0 || !conditions.every((c) => typeof c === "string")) {
    throw new Unsupported("detection.condition", "it must be a string (or a list of strings)");
  }
  const trees = conditions.map((c) => parseCondition(c as string, names));
  const used = new Set<string>();
  const walk = (n: ReturnType<typeof parseCondition>) => {
    if (n.op === "ref") used.add(n.name);
    else if (n.op === "not") walk(n.arg);
    else n.args.forEach(walk);
  };
  trees.forEach(walk);
  const sql = new Map<string, string>();
  for (const name of names) {
    if (used.has(name)) sql.set(name, selectionSql(name, selections[name], params));
  }
  const parts = trees.map((t) => conditionSql(t, sql));
  return parts.length === 1 ? parts[0] : `(${parts.join(" OR ")})`;
}

/** `timespan` → seconds (`s`, `m`, `h`, `d`, `w`). */
export function timespanSeconds(value: unknown): number {
  const m = typeof value === "string" ? /^(\d+)([smhdw])$/.exec(value.trim()) : null;
  if (!m || Number(m[1]) === 0) {
    throw new Unsupported(
      `timespan ${JSON.stringify(value)}`,
      "use a positive number and one of s, m, h, d, w (months and years have no fixed length)",
    );
  }
  const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as "s"];
  return Number(m[1]) * unit;
}

const COMPARISONS: Record<string, string> = { gt: ">", gte: ">=", lt: "<", lte: "<=", eq: "=" };

interface Relation {
  /** CTE name holding g0…gN, _ws, _we, _metric, _evs. */
  name: string;
  groupBy: string[];
}

class Builder {
  readonly ctes: string[] = [];
  readonly params = new Params();
  #n = 0;
  constructor(readonly all: readonly SigmaRule[]) {}

  cte(sql: string): string {
    const name = `c${this.#n++}`;
    this.ctes.push(`${name} AS (\n${sql}\n)`);
    return name;
  }

  find(ref: string, from: SigmaRule): SigmaRule {
    const hits = this.all.filter((r) => r !== from && (r.id === ref || r.name === ref));
    const hit = hits.find((r) => r.file === from.file) ?? hits[0];
    if (!hit) {
      throw new Unsupported(`rule reference "${ref}"`, "no loaded rule has this id or name");
    }
    return hit;
  }

  correlation(rule: SigmaCorrelationRule, stack: SigmaRule[]): Relation {
    if (stack.includes(rule)) {
      throw new Unsupported(`correlation "${rule.title}"`, "it refers to itself through its rules");
    }
    const c = rule.correlation;
    const type = c.type;
    if (typeof type !== "string" || !CORRELATION_TYPES.includes(type)) {
      throw new Unsupported(
        `correlation type ${JSON.stringify(type)}`,
        `podtrail runs ${CORRELATION_TYPES.join(", ")}`,
      );
    }
    const refs = typeof c.rules === "string" ? [c.rules] : c.rules;
    if (!Array.isArray(refs) || refs.length === 0 || !refs.every((r) => typeof r === "string")) {
      throw new Unsupported("correlation.rules", "it must be a list of rule ids or names");
    }
    const groupBy = c["group-by"] === undefined ? [] : c["group-by"];
    if (!Array.isArray(groupBy) || !groupBy.every((g) => typeof g === "string")) {
      throw new Unsupported("correlation.group-by", "it must be a list of field names");
    }
    const aliases = c.aliases === undefined ? {} : c.aliases;
    if (!isObject(aliases) || !Object.values(aliases).every(isObject)) {
      throw new Unsupported("correlation.aliases", "it must map alias names to {rule name: field}");
    }
    const span = timespanSeconds(c.timespan);
    const condition = c.condition === undefined ? null : c.condition;
    if (condition !== null && !isObject(condition)) {
      throw new Unsupported("correlation.condition", "it must be a map such as {gte: 3}");
    }
    const tests: [string, number][] = [];
    let valueField: string | null = null;
    for (const [k, v] of Object.entries(condition ?? {})) {
      if (k === "field") {
        if (type !== "value_count") {
          throw new Unsupported(`correlation.condition.field`, `only value_count counts a field`);
        }
        if (typeof v !== "string") {
          throw new Unsupported(
            `correlation.condition.field`,
            "podtrail counts the values of one field",
          );
        }
        valueField = v;
      } else if (k in COMPARISONS) {
        if (typeof v !== "number" || !Number.isInteger(v)) {
          throw new Unsupported(`correlation.condition.${k}`, "it must be a whole number");
        }
        tests.push([k, v]);
      } else {
        throw new Unsupported(`correlation.condition.${k}`, "use gt, gte, lt, lte, eq (and field)");
      }
    }
    if (type === "value_count" && valueField === null) {
      throw new Unsupported("correlation.condition", "value_count needs condition.field");
    }
    if ((type === "event_count" || type === "value_count") && tests.length === 0) {
      throw new Unsupported("correlation.condition", `${type} needs a count such as {gte: 3}`);
    }
    if (type === "temporal_ordered" && tests.length > 0) {
      const holds = (n: number) =>
        tests.every(([k, v]) =>
          ({ gt: n > v, gte: n >= v, lt: n < v, lte: n <= v, eq: n === v })[k]
        );
      if (!holds(refs.length) || holds(refs.length - 1)) {
        throw new Unsupported(
          "correlation.condition",
          `temporal_ordered runs the full sequence of its ${refs.length} rules only; ` +
            "a condition met by fewer rules in order is not supported",
        );
      }
    }
    const nextStack = [...stack, rule];

    // One relation of matches per referenced rule: _key, _t, _evs, g0…gN, _v, _r.
    const parts = refs.map((ref, r) => {
      const target = this.find(ref, rule);
      const fieldFor = (name: string) => {
        const alias = isObject(aliases[name]) ? aliases[name] as Record<string, unknown> : null;
        const mapped = alias && (alias[target.name ?? ""] ?? alias[target.id ?? ""]);
        return typeof mapped === "string" ? mapped : name;
      };
      try {
        if (target.kind === "detection") {
          const where = detectionWhere(target, this.params);
          const groups = groupBy.map((g, i) =>
            `${firstValue(resolveField(fieldFor(g), this.params))} AS g${i}`
          );
          const v = valueField === null
            ? "NULL::VARCHAR"
            : firstValue(resolveField(fieldFor(valueField), this.params));
          return `SELECT eventID AS _key, eventTime AS _t, [{'t': eventTime, 'id': eventID}] AS _evs, ` +
            `${[...groups, ""].join(", ")}${v} AS _v, ${r} AS _r FROM events WHERE ${where}`;
        }
        if (target.kind === "correlation") {
          if (valueField !== null) {
            throw new Unsupported(
              "correlation.condition.field",
              "value_count over a correlation's results",
            );
          }
          const inner = this.correlation(target, nextStack);
          const groups = groupBy.map((g, i) => {
            const j = inner.groupBy.indexOf(fieldFor(g));
            if (j < 0) {
              throw new Unsupported(
                `group-by "${g}"`,
                `the correlation "${target.title}" groups by ${JSON.stringify(inner.groupBy)} only`,
              );
            }
            return `g${j} AS g${i}`;
          });
          const keys = inner.groupBy.map((_, j) => `coalesce(g${j}, '')`);
          return `SELECT concat_ws('|', ${
            [...keys, "CAST(_ws AS VARCHAR)"].join(", ")
          }) AS _key, ` +
            `_we AS _t, _evs, ${
              [...groups, ""].join(", ")
            }NULL::VARCHAR AS _v, ${r} AS _r FROM ${inner.name}`;
        }
        throw new Unsupported(`filter rule "${target.title}"`, "Sigma filters are not supported");
      } catch (e) {
        if (e instanceof Unsupported && target !== rule) {
          throw new Unsupported(`rule "${ref}" (${target.file}): ${e.construct}`, e.reason);
        }
        throw e;
      }
    });
    const gCols = groupBy.map((_, i) => `g${i}`);
    const notNull = ["_t IS NOT NULL", ...gCols.map((g) => `${g} IS NOT NULL`)];
    if (valueField !== null) notNull.push("_v IS NOT NULL");
    const matches = this.cte(
      `SELECT * FROM (${parts.join("\nUNION ALL\n")}) WHERE ${notNull.join(" AND ")}`,
    );
    const spanP = this.params.bind(span);
    const sameGroup = gCols.map((g) => `b.${g} = a.${g}`);
    const aG = gCols.map((g) => `a.${g}`);
    let windows: string;
    if (type === "temporal_ordered") {
      let step = this.cte(
        `SELECT DISTINCT ${
          [...gCols, ""].join(", ")
        }_t AS _ws, _t AS _s0 FROM ${matches} WHERE _r = 0`,
      );
      for (let r = 1; r < refs.length; r++) {
        const on = [...sameGroup, `b._r = ${r}`, `b._t >= a._s${r - 1}`];
        on.push(`b._t <= a._ws + to_seconds(CAST(${spanP} AS BIGINT))`);
        step = this.cte(
          `SELECT a.*, min(b._t) AS _s${r} FROM ${step} a JOIN ${matches} b ON ${
            on.join(" AND ")
          } GROUP BY ALL`,
        );
      }
      const last = `a._s${refs.length - 1}`;
      const on = [...sameGroup, "b._t >= a._ws", `b._t <= ${last}`];
      windows = this.cte(
        `SELECT ${[...aG, ""].join(", ")}a._ws, ${last} AS _we, ${refs.length} AS _metric, ` +
          `flatten(list(b._evs)) AS _evs FROM ${step} a JOIN ${matches} b ON ${on.join(" AND ")} ` +
          `GROUP BY ${[...aG, "a._ws", last].join(", ")}`,
      );
    } else {
      const anchors = this.cte(
        `SELECT DISTINCT ${[...gCols, ""].join(", ")}_t AS _ws FROM ${matches}`,
      );
      const metric = type === "event_count"
        ? "count(DISTINCT b._key)"
        : type === "value_count"
        ? "count(DISTINCT b._v)"
        : "count(DISTINCT b._r)";
      const checks = tests.length > 0
        ? tests.map(([k, v]) => `${metric} ${COMPARISONS[k]} ${this.params.bind(v)}`)
        : [`${metric} = ${this.params.bind(refs.length)}`];
      const on = [
        ...sameGroup,
        "b._t >= a._ws",
        `b._t <= a._ws + to_seconds(CAST(${spanP} AS BIGINT))`,
      ];
      windows = this.cte(
        `SELECT ${[...aG, ""].join(", ")}a._ws, max(b._t) AS _we, ${metric} AS _metric, ` +
          `flatten(list(b._evs)) AS _evs FROM ${anchors} a JOIN ${matches} b ON ${
            on.join(" AND ")
          } ` +
          `GROUP BY ${[...aG, "a._ws"].join(", ")} HAVING ${checks.join(" AND ")}`,
      );
    }
    const partition = gCols.length ? `PARTITION BY ${gCols.join(", ")} ` : "";
    const prev = this.cte(
      `SELECT *, max(_we) OVER (${partition}ORDER BY _ws ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) ` +
        `AS _prev FROM ${windows}`,
    );
    const islands = this.cte(
      `SELECT *, sum(CASE WHEN _prev IS NOT NULL AND _ws <= _prev THEN 0 ELSE 1 END) ` +
        `OVER (${partition}ORDER BY _ws ROWS UNBOUNDED PRECEDING) AS _island FROM ${prev}`,
    );
    const name = this.cte(
      `SELECT ${
        [...gCols, ""].join(", ")
      }min(_ws) AS _ws, max(_we) AS _we, max(_metric) AS _metric, ` +
        `list_distinct(flatten(list(_evs))) AS _evs FROM ${islands} GROUP BY ${
          [...gCols, "_island"].join(", ")
        }`,
    );
    return { name, groupBy };
  }
}

/**
 * Compiles `rule` to SQL over `events`, or says why it cannot.
 *
 * A detection rule's SELECT returns {@linkcode MATCH_COLUMNS}; a correlation's
 * returns `g0…gN` (its group-by values), `_ws`/`_we` (window start and end),
 * `_metric` (the count the condition tested) and `_evs` (the events, as
 * `{t, id}` structs). The SQL may call the macro `podtrail_ip_bits`
 * (`cidr`), which `runSigma()` creates.
 *
 * @example
 * ```ts
 * import { compileSigma } from "./compile_sigma.ts";
 * import { parseSigma } from "./parse_sigma.ts";
 * import assert from "node:assert/strict";
 * const [rule] = parseSigma(
 *   "title: t\nlogsource: {product: aws, service: cloudtrail}\n" +
 *     "detection: {sel: {eventName: ListRoles}, condition: sel}\n",
 *   "rule.yml",
 * );
 * const compiled = compileSigma(rule);
 * assert.equal(compiled.kind, "compiled");
 * if (compiled.kind === "compiled") assert.deepEqual(compiled.params, ["ListRoles"]);
 * ```
 */
export function compileSigma(
  rule: SigmaRule,
  options: CompileOptions = {},
): CompiledSigma | UnsupportedSigma {
  try {
    if (rule.kind === "filter") {
      throw new Unsupported("filter document", "Sigma filters (v2 meta filters) are not supported");
    }
    if (rule.kind === "detection") {
      const params = new Params();
      const where = detectionWhere(rule, params);
      const sql = `SELECT eventID, eventTime, eventName, eventSource, ` +
        `struct_extract(${
          quoteIdent("userIdentity")
        }, 'arn') AS "userIdentity.arn", sourceIPAddress ` +
        `FROM events WHERE ${where} ORDER BY eventTime, eventID`;
      return { kind: "compiled", rule, type: "detection", sql, params: params.values, groupBy: [] };
    }
    const b = new Builder(options.rules ?? [rule]);
    const rel = b.correlation(rule, []);
    const gCols = rel.groupBy.map((_, i) => `g${i}`);
    const sql =
      `WITH ${b.ctes.join(",\n")}\nSELECT ${[...gCols, ""].join(", ")}_ws, _we, _metric, _evs ` +
      `FROM ${rel.name} ORDER BY _ws${gCols.map((g) => `, ${g}`).join("")}`;
    return {
      kind: "compiled",
      rule,
      type: rule.correlation.type as CorrelationType,
      sql,
      params: b.params.values,
      groupBy: rel.groupBy,
    };
  } catch (e) {
    if (e instanceof Unsupported) {
      return {
        kind: "unsupported",
        rule,
        construct: e.construct,
        reason: e.reason,
      };
    }
    throw e;
  }
}
