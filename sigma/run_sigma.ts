/**
 * `runSigma()`: Sigma rule files and folders → matches and correlation
 * results over a lake. Rules that cannot be parsed, compiled or run are
 * returned in `unsupported` with the construct and the reason; the others
 * still run.
 *
 * A detection rule reports its own matches unless a correlation refers to it
 * and none of the correlations that refer to it sets `generate: true` (the
 * Sigma default: referred rules only feed the correlation).
 *
 * @module
 */
import { join } from "node:path";
import { runBound } from "../ingest/_duckdb.ts";
import { duckdbMessage } from "../ingest/_duckdb.ts";
import { openLakeDb, type OpenLakeOptions } from "../queries/open_lake.ts";
import { toPlain } from "../queries/query_lake.ts";
import { IP_BITS_MACRO } from "./_match.ts";
import { type CompiledSigma, compileSigma } from "./compile_sigma.ts";
import { parseSigma, type SigmaRule, SigmaSyntaxError } from "./parse_sigma.ts";

/** Options of {@linkcode runSigma}. */
export interface RunSigmaOptions extends Omit<OpenLakeOptions, "lake"> {
  /** Rule files and folders (searched recursively for `.yml` and `.yaml`). */
  rules: string[];
  /** The lake folder. */
  lake: string;
}

/** One event matched by a detection rule. */
export interface SigmaMatch {
  /** The rule's `id`. */
  ruleId: string | null;
  /** The rule's `title`. */
  title: string;
  /** The rule's `level`. */
  level: string | null;
  /** The rule file. */
  file: string;
  /** The event's eventID. */
  eventID: string;
  /** ISO-8601 UTC. */
  eventTime: string | null;
  /** eventName. */
  eventName: string | null;
  /** eventSource. */
  eventSource: string | null;
  /** userIdentity.arn. */
  userIdentityArn: string | null;
  /** sourceIPAddress. */
  sourceIPAddress: string | null;
}

/** One result of a correlation rule: a group and a window. */
export interface SigmaCorrelationMatch {
  /** The correlation's `id`. */
  ruleId: string | null;
  /** The correlation's `title`. */
  title: string;
  /** The correlation's `level`. */
  level: string | null;
  /** The rule file. */
  file: string;
  /** The correlation type, e.g. `value_count`. */
  type: string;
  /** group-by field → value. */
  group: Record<string, string>;
  /** Time of the window's first event, ISO-8601 UTC. */
  windowStart: string;
  /** Time of the window's last event, ISO-8601 UTC. */
  windowEnd: string;
  /** The count the condition tested (events, distinct values, or rules), best window. */
  count: number;
  /** The matching events in the window, in time order. */
  eventIDs: string[];
}

/** A rule (or file) that did not run, and why. */
export interface SigmaUnsupported {
  /** The rule file. */
  file: string;
  /** The rule's `id`, when known. */
  ruleId: string | null;
  /** The rule's `title` (null when the file could not be parsed). */
  title: string | null;
  /** The construct that could not be run, e.g. `field "status"`. */
  construct: string;
  /** Why it could not run. */
  reason: string;
}

/** What {@linkcode runSigma} found. */
export interface SigmaRunResult {
  /** Rules that compiled and ran. */
  ran: number;
  /** Events matched by detection rules, per rule in file order, by time. */
  matches: SigmaMatch[];
  /** Correlation results, per rule, by window start. */
  correlations: SigmaCorrelationMatch[];
  /** Rules and files that could not be parsed, compiled or run. */
  unsupported: SigmaUnsupported[];
}

/** The rule files under `paths`: files as given, folders walked for `.yml`/`.yaml`, sorted. */
export async function findRuleFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile && /\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  for (const p of paths) {
    const info = await Deno.stat(p);
    if (info.isDirectory) await walk(p);
    else out.push(p);
  }
  return out;
}

/** Loads and parses rule files; unparsable files are returned as unsupported. */
export async function loadSigmaRules(
  paths: readonly string[],
): Promise<{ rules: SigmaRule[]; unsupported: SigmaUnsupported[] }> {
  const rules: SigmaRule[] = [];
  const unsupported: SigmaUnsupported[] = [];
  for (const file of await findRuleFiles(paths)) {
    const text = await Deno.readTextFile(file);
    try {
      rules.push(...parseSigma(text, file));
    } catch (e) {
      if (!(e instanceof SigmaSyntaxError)) throw e;
      unsupported.push({
        file,
        ruleId: null,
        title: null,
        construct: "YAML",
        reason: e.message.replace(`Cannot parse "${file}": `, ""),
      });
    }
  }
  return { rules, unsupported };
}

/** Which detection rules report their own matches (see the module docs). */
function standalone(rules: readonly SigmaRule[]): Set<SigmaRule> {
  const referred = new Map<SigmaRule, boolean>();
  for (const c of rules) {
    if (c.kind !== "correlation") continue;
    const refs = Array.isArray(c.correlation.rules) ? c.correlation.rules : [c.correlation.rules];
    for (const ref of refs) {
      const hits = rules.filter((r) => r !== c && (r.id === ref || r.name === ref));
      const hit = hits.find((r) => r.file === c.file) ?? hits[0];
      const generate = c.raw.generate === true || c.correlation.generate === true;
      if (hit) referred.set(hit, (referred.get(hit) ?? false) || generate);
    }
  }
  return new Set(rules.filter((r) => r.kind === "detection" && (referred.get(r) ?? true)));
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function report(compiled: CompiledSigma, rows: Record<string, unknown>[]) {
  const { rule } = compiled;
  const meta = { ruleId: rule.id, title: rule.title, level: rule.level, file: rule.file };
  if (compiled.type === "detection") {
    return rows.map((r): SigmaMatch => ({
      ...meta,
      eventID: String(r.eventID),
      eventTime: text(r.eventTime),
      eventName: text(r.eventName),
      eventSource: text(r.eventSource),
      userIdentityArn: text(r["userIdentity.arn"]),
      sourceIPAddress: text(r.sourceIPAddress),
    }));
  }
  return rows.map((r): SigmaCorrelationMatch => {
    const evs = (r._evs as { t: string; id: string }[])
      .slice()
      .sort((a, b) => a.t < b.t ? -1 : a.t > b.t ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return {
      ...meta,
      type: compiled.type,
      group: Object.fromEntries(compiled.groupBy.map((g, i) => [g, String(r[`g${i}`])])),
      windowStart: String(r._ws),
      windowEnd: String(r._we),
      count: Number(r._metric),
      eventIDs: evs.map((e) => e.id),
    };
  });
}

/**
 * Parses the rules under `options.rules`, compiles each to DuckDB SQL and
 * runs it over the lake.
 *
 * @example
 * ```ts ignore
 * import { runSigma } from "./run_sigma.ts";
 * const { matches, correlations, unsupported } = await runSigma({
 *   rules: ["./rules"],
 *   lake: "./lake",
 * });
 * ```
 */
export async function runSigma(options: RunSigmaOptions): Promise<SigmaRunResult> {
  if (!Array.isArray(options.rules) || options.rules.length === 0) {
    throw new TypeError("No Sigma rules given: pass rule files or folders");
  }
  const { rules, unsupported } = await loadSigmaRules(options.rules);
  const own = standalone(rules);
  const toRun: CompiledSigma[] = [];
  for (const rule of rules) {
    const compiled = compileSigma(rule, { rules });
    if (compiled.kind === "unsupported") {
      unsupported.push({
        file: rule.file,
        ruleId: rule.id,
        title: rule.title,
        construct: compiled.construct,
        reason: compiled.reason,
      });
    } else if (rule.kind === "correlation" || own.has(rule)) {
      toRun.push(compiled);
    }
  }
  const result: SigmaRunResult = { ran: 0, matches: [], correlations: [], unsupported };
  const db = await openLakeDb({ ...options, lake: options.lake });
  try {
    await db.conn.run(IP_BITS_MACRO);
    for (const compiled of toRun) {
      let rows: Record<string, unknown>[];
      try {
        const reader = await runBound(db.conn, compiled.sql, compiled.params);
        const columns = reader.columnNames();
        rows = reader.getRows().map((row) =>
          Object.fromEntries(columns.map((c, i) => [c, toPlain(row[i])]))
        );
      } catch (e) {
        unsupported.push({
          file: compiled.rule.file,
          ruleId: compiled.rule.id,
          title: compiled.rule.title,
          construct: "compiled SQL",
          reason: `DuckDB refused it: ${duckdbMessage(e)}`,
        });
        continue;
      }
      result.ran++;
      const out = report(compiled, rows);
      if (compiled.type === "detection") result.matches.push(...out as SigmaMatch[]);
      else result.correlations.push(...out as SigmaCorrelationMatch[]);
    }
  } finally {
    db.close();
  }
  return result;
}
