/**
 * `hunt()`: finds Kubernetes service-account credentials (IRSA, EKS Pod
 * Identity, and the sessions chained from them) used for sensitive AWS
 * control-plane work, and scores each flagged session tree.
 *
 * The pipeline: open the lake (the session views of `queries/` are created
 * with it) → load the action catalog, allowlist and baseline history into
 * tables with bound parameters → materialise the session model (one full scan
 * of the lake, aggregated per credential and action) → run each rule of
 * {@linkcode RULES} → read the flagged trees from `sa_tree_summary` → score
 * them (`severity.ts`) → findings, most severe first.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { EngineOptions } from "../ingest/_duckdb.ts";
import { setVariable } from "../ingest/_duckdb.ts";
import { openLakeDb } from "../queries/open_lake.ts";
import { QueryError } from "../errors.ts";
import { duckdbMessage } from "../ingest/_duckdb.ts";
import { traced } from "../ingest/_trace.ts";
import { type CatalogEntry, loadActionCatalog } from "../queries/action_catalog.ts";
import { VIEW_DEFAULTS } from "../queries/session_views.ts";
import type { AllowEntry } from "./allowlist.ts";
import { allowOf, catalogOf } from "./_inputs.ts";
import { type Finding, type Severity, severityRank } from "./finding.ts";
import { type Rule, RULES } from "./rules.ts";
import { assess, type TreeSummary, type Trigger } from "./severity.ts";
import scorableTreesSql from "../queries/scorable_trees.sql" with { type: "text" };
import { insertColumns, materialise, MATERIALISED, privateSpill, readRows } from "./_sql.ts";

/** What a baseline lake needs computed: the session model up to the trees. */
const BASELINE_MATERIALISED = MATERIALISED.slice(
  0,
  MATERIALISED.findIndex((m) => m.name === "sa_trees") + 1,
);

/** Options of {@linkcode hunt}. */
export interface HuntOptions extends EngineOptions {
  /** The lake folder. */
  lake: string;
  /** Only events at or after this time. */
  from?: Date;
  /** Only events before this time. */
  to?: Date;
  /** `web-identity-lateral-movement`: distinct sensitive actions in the window; default 3. */
  minActions?: number;
  /** `web-identity-lateral-movement`: the sliding window in minutes; default 60. */
  windowMinutes?: number;
  /** `web-identity-multi-control-plane`: distinct control-plane actions; default 10. */
  minControlPlaneActions?: number;
  /** Other session trees of a principal that must show an action before it is routine; default 3. */
  routineSessions?: number;
  /** Leave out findings below this severity; default `low` (routine-only findings are `info`). */
  minSeverity?: Severity;
  /** A lake of known-good history: actions seen there are routine. */
  baseline?: string;
  /** An allowlist CSV file (see `allowlist.ts`), or its entries. */
  allow?: string | readonly AllowEntry[];
  /** A catalog CSV file that adds or replaces catalog entries, or the entries. */
  actions?: string | readonly CatalogEntry[];
  /** Run only these rule ids; default all of {@linkcode RULES}. */
  rules?: readonly string[];
}

/** The settled thresholds of a hunt. */
interface Settings {
  minActions: number;
  windowMinutes: number;
  minControlPlaneActions: number;
  routineSessions: number;
  minSeverity: Severity;
  rules: Rule[];
}

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Invalid ${name} "${value}": use a whole number from ${min} to ${max}`);
  }
  return value;
}

function settle(o: HuntOptions): Settings {
  if (typeof o.lake !== "string" || o.lake === "") {
    throw new TypeError("No lake given: pass --lake <dir>");
  }
  const rules = o.rules
    ? o.rules.map((id) => {
      const r = RULES.find((x) => x.id === id);
      if (!r) {
        throw new RangeError(`Unknown rule "${id}": use ${RULES.map((x) => x.id).join(", ")}`);
      }
      return r;
    })
    : [...RULES];
  return {
    minActions: wholeNumber(
      o.minActions ?? VIEW_DEFAULTS.hunt_min_actions,
      "--min-actions",
      1,
      1000,
    ),
    windowMinutes: wholeNumber(
      o.windowMinutes ?? VIEW_DEFAULTS.hunt_window_minutes,
      "--window (minutes)",
      1,
      7 * 24 * 60,
    ),
    minControlPlaneActions: wholeNumber(
      o.minControlPlaneActions ?? VIEW_DEFAULTS.hunt_min_control_plane,
      "--min-control-plane",
      1,
      10000,
    ),
    routineSessions: wholeNumber(
      o.routineSessions ?? VIEW_DEFAULTS.hunt_routine_sessions,
      "routine sessions",
      1,
      100000,
    ),
    minSeverity: o.minSeverity ?? "low",
    rules,
  };
}

/** History of a baseline lake: which principals did which actions, in how many trees. */
interface Baseline {
  actions: { principal: string; eventSource: string; action: string; sessions: number }[];
  principals: { principal: string; sessions: number }[];
}

async function setVariables(conn: DuckDBConnection, s: Settings): Promise<void> {
  await setVariable(conn, "hunt_min_actions", s.minActions);
  await setVariable(conn, "hunt_window_minutes", s.windowMinutes);
  await setVariable(conn, "hunt_min_control_plane", s.minControlPlaneActions);
  await setVariable(conn, "hunt_routine_sessions", s.routineSessions);
}

async function readBaseline(
  lake: string,
  catalog: CatalogEntry[],
  s: Settings,
  engine: EngineOptions,
): Promise<Baseline> {
  const db = await openLakeDb({ lake, threads: engine.threads, memoryLimit: engine.memoryLimit });
  const unspill = await privateSpill(db.conn).catch((e) => {
    db.close();
    throw e;
  });
  try {
    await loadActionCatalog(db.conn, catalog);
    await setVariables(db.conn, s);
    await db.conn.run("SET preserve_insertion_order = false");
    await materialise(db.conn, BASELINE_MATERIALISED);
    return {
      actions: await readRows(
        db.conn,
        "SELECT principal, eventSource, action, sessions FROM sa_action_history",
      ),
      principals: await readRows(db.conn, "SELECT principal, sessions FROM sa_principals"),
    };
  } finally {
    db.close();
    await unspill();
  }
}

/** A row of a rule's SQL. */
interface RuleRow {
  rootKey: string;
  matched: number;
  matchedActions: string[];
  windowStart: string;
  windowEnd: string;
  deniedInWindow?: string[];
}

function thresholdsOf(rule: Rule, s: Settings): Record<string, number> {
  const value: Record<string, number> = {
    minActions: s.minActions,
    windowMinutes: s.windowMinutes,
    minControlPlaneActions: s.minControlPlaneActions,
  };
  return Object.fromEntries(rule.thresholds.map((t) => [t.name, value[t.name] ?? t.default]));
}

function toFinding(rule: Rule, tree: TreeSummary, trigger: Trigger, s: Settings): Finding {
  const a = assess(tree, trigger, s);
  // The credential of the tree that did the most: where an analyst starts.
  const counted = tree.actionRows.filter((r) =>
    !r.allowed && (rule.id === "web-identity-multi-control-plane" || r.category !== null)
  );
  const perKey = new Map<string, Set<string>>();
  for (const r of counted) {
    if (!perKey.has(r.accessKeyId)) perKey.set(r.accessKeyId, new Set());
    perKey.get(r.accessKeyId)!.add(r.action);
  }
  let hot = tree.sessionRows[0];
  for (const row of tree.sessionRows) {
    if ((perKey.get(row.accessKeyId)?.size ?? 0) > (perKey.get(hot.accessKeyId)?.size ?? 0)) {
      hot = row;
    }
  }
  return {
    rule: rule.id,
    severity: a.severity,
    reasons: a.reasons,
    accessKeyId: hot.accessKeyId,
    parentAccessKeyId: hot.parentKey,
    sessionKeys: tree.sessionKeys,
    serviceAccount: tree.serviceAccount,
    cluster: tree.cluster,
    attribution: tree.attribution,
    roleArn: hot.roleArn,
    roleSessionName: hot.sessionName,
    accountId: tree.accountId,
    firstSeen: tree.firstSeen ?? trigger.windowStart,
    lastSeen: tree.lastSeen ?? trigger.windowEnd,
    actions: a.actions,
    categories: a.categories,
    deniedActions: a.deniedActions,
    novelActions: a.novelActions,
    eventCount: tree.eventCount,
    sourceIPs: tree.sourceIPs,
    userAgents: tree.userAgents,
    thresholds: thresholdsOf(rule, s),
    score: a.score,
    rootAccessKeyId: tree.rootKey,
    rootRoleArn: tree.rootRoleArn,
    subject: tree.subject,
    podName: tree.podName,
    likelyServiceAccount: tree.likelyServiceAccount,
    window: {
      start: trigger.windowStart,
      end: trigger.windowEnd,
      actions: trigger.matchedActions,
      denied: trigger.deniedInWindow ?? [],
    },
    routineActions: a.routineActions,
    allowedActions: a.allowedActions,
    controlPlaneActions: new Set(
      tree.actionRows.filter((r) => !r.allowed).map((r) => `${r.eventSource}:${r.action}`),
    ).size,
    foreignIPs: tree.foreignIPs,
  };
}

/** Most severe first; then score, time, rule and key, so the order is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) ||
    (b.score ?? 0) - (a.score ?? 0) ||
    a.firstSeen.localeCompare(b.firstSeen) ||
    a.rule.localeCompare(b.rule) ||
    a.accessKeyId.localeCompare(b.accessKeyId);
}

/**
 * Hunts the lake at `options.lake` and returns the findings, most severe
 * first (deterministic order).
 *
 * @example
 * ```ts ignore
 * import { hunt } from "./hunt.ts";
 * const findings = await hunt({ lake: "./lake", minSeverity: "high" });
 * for (const f of findings) console.log(f.severity, f.serviceAccount, f.reasons[0]);
 * ```
 */
export async function hunt(options: HuntOptions): Promise<Finding[]> {
  const s = settle(options);
  const catalog = await catalogOf(options.actions);
  const allow = await allowOf(options.allow);
  const baseline = options.baseline
    ? await readBaseline(options.baseline, catalog, s, options)
    : undefined;
  const db = await traced("hunt open", () =>
    openLakeDb({
      lake: options.lake,
      from: options.from,
      to: options.to,
      threads: options.threads,
      memoryLimit: options.memoryLimit,
    }));
  const unspill = await privateSpill(db.conn).catch((e) => {
    db.close();
    throw e;
  });
  try {
    const { conn } = db;
    await loadActionCatalog(conn, catalog);
    await setVariables(conn, s);
    await insertColumns(conn, "hunt_allowlist", [
      allow.map((a) => a.principal),
      allow.map((a) => a.eventSource),
      allow.map((a) => a.eventName),
    ], ["VARCHAR", "VARCHAR", "VARCHAR"]);
    if (baseline) {
      await insertColumns(conn, "baseline_actions", [
        baseline.actions.map((b) => b.principal),
        baseline.actions.map((b) => b.eventSource),
        baseline.actions.map((b) => b.action),
        baseline.actions.map((b) => String(b.sessions)),
      ], ["VARCHAR", "VARCHAR", "VARCHAR", "BIGINT"]);
      await insertColumns(conn, "baseline_principals", [
        baseline.principals.map((b) => b.principal),
        baseline.principals.map((b) => String(b.sessions)),
      ], ["VARCHAR", "BIGINT"]);
    }
    try {
      // Row order never matters here (every result is ordered explicitly); not keeping it
      // lets DuckDB stream and spill the large aggregates within the memory limit.
      await conn.run("SET preserve_insertion_order = false");
      await traced("hunt session model", () => materialise(conn));
    } catch (e) {
      throw new QueryError(`Cannot build the session model: ${duckdbMessage(e)}`, { cause: e });
    }
    const triggered: { rule: Rule; row: RuleRow }[] = [];
    for (const rule of s.rules) {
      const rows = await traced(`hunt rule ${rule.id}`, () => readRows<RuleRow>(conn, rule.sql));
      for (const row of rows) triggered.push({ rule, row });
    }
    if (triggered.length === 0) return [];
    let roots = [...new Set(triggered.map((t) => t.row.rootKey))].sort();
    if (severityRank(s.minSeverity) > severityRank("info")) {
      // Trees that can only score 0 (routine controllers) would be dropped: skip their summary.
      roots = (await traced("hunt scorable", () =>
        readRows<{ rootKey: string }>(conn, scorableTreesSql, [roots]))).map((r) =>
          r.rootKey
        );
      if (roots.length === 0) {
        return [];
      }
    }
    await insertColumns(conn, "hunt_scope", [roots], ["VARCHAR"]);
    const trees = new Map(
      (await traced(
        "hunt summary",
        () => readRows<TreeSummary>(conn, "SELECT * FROM sa_tree_summary"),
      )).map((t) => [
        t.rootKey,
        t,
      ]),
    );
    const findings: Finding[] = [];
    for (const { rule, row } of triggered) {
      const tree = trees.get(row.rootKey);
      if (!tree) continue;
      const finding = toFinding(rule, tree, { rule: rule.id, ...row }, s);
      if (severityRank(finding.severity) >= severityRank(s.minSeverity)) findings.push(finding);
    }
    return findings.sort(compareFindings);
  } finally {
    db.close();
    await unspill();
  }
}
