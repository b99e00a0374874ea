/**
 * `collectReportData()`: lake → {@linkcode ReportData}. Opens the lake once,
 * asks the hunt for its findings and rules, then reads from the lake what
 * explains each finding: the events of its session tree (the first
 * `maxEvents`, with a count of the rest), each credential's span and parent,
 * the summary of what was examined, the manifest and the rejects.
 *
 * Event data is redacted here, before anything else sees it: only a few
 * request parameters are kept, and credential secrets never leave this module.
 *
 * @module
 */
import { type Finding, type Severity, severityRank } from "../hunt/finding.ts";
import { type LakeDb, openLakeDb } from "../queries/open_lake.ts";
import { toPlain } from "../queries/query_lake.ts";
import { type Param, runBound } from "../ingest/_duckdb.ts";
import { traced } from "../ingest/_trace.ts";
import { VERSION } from "../version.ts";
import type {
  LakeSummary,
  ReportBatch,
  ReportData,
  ReportEvent,
  ReportFinding,
  ReportKey,
  ReportRule,
} from "./report_data.ts";
import { pickParams, scrubCommand } from "./_redact.ts";

/** The scope a {@linkcode HuntSource} hunts in. */
export interface HuntScope {
  lake: string;
  from?: Date;
  to?: Date;
  minSeverity: Severity;
  threads?: number;
  /** The report's own lake session (views limited to the range), for sources that query it. */
  db: LakeDb;
}

/** What the report needs from the hunt (`huntSource()` in `hunt_source.ts` wraps `hunt/`). */
export interface HuntSource {
  /** The findings in the scope. */
  findings(scope: HuntScope): Promise<Finding[]>;
  /** The rules' metadata: title, description, SQL text and thresholds. */
  rules(): Promise<ReportRule[]> | ReportRule[];
  /** The sensitive-action category of a call, or null. */
  categoryOf(eventSource: string, eventName: string): string | null;
}

/** Options of {@linkcode collectReportData}. */
export interface CollectOptions {
  /** The lake folder. */
  lake: string;
  /** Where findings, rules and categories come from. */
  hunt: HuntSource;
  /** Only events at or after this time. */
  from?: Date;
  /** Only events before this time. */
  to?: Date;
  /** Findings below this severity are left out; default `low`. */
  minSeverity?: Severity;
  /** The report's title. */
  title?: string;
  /** The generation time written into the report. */
  now: Date;
  /** The command line to record (it is scrubbed of secrets). */
  command?: string[];
  /** The most events shown per finding; default 300. */
  maxEvents?: number;
  /** DuckDB worker threads. */
  threads?: number;
}

/** Default of `maxEvents`. */
export const DEFAULT_MAX_EVENTS = 300;

type Row = Record<string, unknown>;

async function rows(db: LakeDb, sql: string, params: Param[] = []): Promise<Row[]> {
  const result = await runBound(db.conn, sql, params);
  const columns = result.columnNames();
  const json = result.columnTypes().map((t) => t.alias === "JSON");
  return result.getRows().map((r) =>
    Object.fromEntries(columns.map((c, i) => [c, toPlain(r[i], json[i])]))
  );
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Orders findings most severe first, then by first activity, key and rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || cmp(a.firstSeen, b.firstSeen) ||
    cmp(a.accessKeyId, b.accessKeyId) || cmp(a.rule, b.rule);
}

/** `eventTime` as ISO text, whatever DuckDB returned. */
function iso(v: unknown): string {
  const s = String(v ?? "");
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString().replace(".000Z", "Z");
}

const CALLS = `
  SELECT eventTime, eventSource, eventName, errorCode, errorMessage, sourceIPAddress, userAgent,
    awsRegion, eventID, requestParameters, responseElements,
    userIdentity.accessKeyId AS caller,
    CASE WHEN eventSource = 'sts.amazonaws.com'
      THEN json_extract_string(responseElements, '$.credentials.accessKeyId') END AS issued
  FROM events_of_days`;

/** An EKS cluster's OIDC provider id, as it appears inside provider ARNs and URLs. */
const EKS_PROVIDER = "oidc\\.eks\\.[^/]+\\.amazonaws\\.com/id/[A-Za-z0-9]+";

/**
 * The lake's summary: span, accounts, regions, clusters (OIDC
 * providers and Pod Identity cluster names), events, and service-account
 * sessions (keys used with web-identity federation data, or issued by
 * AssumeRoleWithWebIdentity or by Pod Identity's AssumeRole).
 */
async function lakeSummary(db: LakeDb, findings: Finding[]): Promise<LakeSummary> {
  // The cheap columns from the events; providers, Pod Identity clusters and sessions from the
  // lake index (key_activity, credential_rows), which holds every caller and issuance.
  const [r] = await rows(
    db,
    `WITH e AS (
      SELECT count(*) AS n, min(eventTime) AS first, max(eventTime) AS last,
        list(DISTINCT coalesce(recipientAccountId, userIdentity.accountId)) AS accounts,
        list(DISTINCT awsRegion) AS regions
      FROM events
    ),
    issued AS (
      SELECT json_extract_string(responseElements, '$.credentials.accessKeyId') AS k
      FROM credential_rows
      WHERE errorCode IS NULL AND (eventName = 'AssumeRoleWithWebIdentity'
        OR (eventName = 'AssumeRole' AND invokedBy = 'pods.eks.amazonaws.com'))
    ),
    federated AS (
      SELECT accessKeyId AS k, federatedProvider FROM key_activity WHERE federatedProvider IS NOT NULL
    )
    SELECT e.*,
      (SELECT list(DISTINCT regexp_extract(p, '${EKS_PROVIDER}')) FROM (
        SELECT federatedProvider AS p FROM federated
        UNION ALL SELECT identityProvider FROM credential_rows)) AS providers,
      (SELECT list(DISTINCT json_extract_string(requestParameters, '$.clusterName'))
        FROM credential_rows WHERE eventName = 'AssumeRoleForPodIdentity') AS pod_clusters,
      (SELECT count(DISTINCT k) FROM (SELECT k FROM federated UNION ALL SELECT k FROM issued))
        AS sessions
    FROM e`,
  );
  const list = (v: unknown) =>
    (Array.isArray(v) ? v : []).map(str).filter((x): x is string => x !== null && x !== "")
      .sort(cmp);
  const clusters = new Set([...list(r.providers), ...list(r.pod_clusters)]);
  for (const f of findings) if (f.cluster) clusters.add(f.cluster);
  return {
    path: db.lake,
    firstEvent: r.first ? iso(r.first) : null,
    lastEvent: r.last ? iso(r.last) : null,
    accounts: list(r.accounts),
    regions: list(r.regions),
    clusters: [...clusters].sort(cmp),
    events: num(r.n),
    sessions: num(r.sessions),
  };
}

/** Per credential: calls made with it, when it was issued and by which key, and its role. */
interface KeyStats {
  calls: number;
  first: string | null;
  last: string | null;
  parent: string | null;
  roleArn: string | null;
}

async function keyStats(db: LakeDb, keys: string[]): Promise<Map<string, KeyStats>> {
  const out = new Map<string, KeyStats>();
  if (keys.length === 0) return out;
  // From the lake index: every call of a key is counted in key_activity (the RunInstances+PassRole
  // rows repeat RunInstances calls), and every sts issuance of a session key is in credential_rows.
  const found = await rows(
    db,
    `WITH wanted AS (SELECT unnest($1::VARCHAR[]) AS k),
    used AS (SELECT accessKeyId AS k, sum(events) AS calls, min(firstTime) AS first,
        max(lastTime) AS last, min(sessionRoleArn) AS role
      FROM key_activity
      WHERE accessKeyId IN (SELECT k FROM wanted) AND action <> 'RunInstances+PassRole'
      GROUP BY accessKeyId),
    issuances AS (SELECT eventTime, callerKey,
        json_extract_string(responseElements, '$.credentials.accessKeyId') AS k,
        json_extract_string(requestParameters, '$.roleArn') AS role
      FROM credential_rows WHERE eventSource = 'sts.amazonaws.com'),
    issued AS (SELECT k, min(eventTime) AS at, min(callerKey) AS parent, min(role) AS role
      FROM issuances WHERE k IN (SELECT k FROM wanted) GROUP BY k)
    SELECT w.k, coalesce(u.calls, 0) AS calls, least(u.first, i.at) AS first,
      greatest(u.last, i.at) AS last, i.parent, coalesce(u.role, i.role) AS role
    FROM wanted w LEFT JOIN used u ON u.k = w.k LEFT JOIN issued i ON i.k = w.k`,
    [keys],
  );
  for (const r of found) {
    out.set(String(r.k), {
      calls: num(r.calls),
      first: r.first ? iso(r.first) : null,
      last: r.last ? iso(r.last) : null,
      parent: str(r.parent),
      roleArn: str(r.role),
    });
  }
  return out;
}

interface RawEvent {
  event: ReportEvent;
  /** The tree-independent identity of the row, for de-duplication. */
  id: string;
  caller: string | null;
  issued: string | null;
}

/** The first `max` calls made with, and issuances of, each key. */
async function firstEvents(
  db: LakeDb,
  keys: string[],
  stats: Map<string, KeyStats>,
  max: number,
  hunt: HuntSource,
): Promise<RawEvent[]> {
  if (keys.length === 0) return [];
  // Session credentials live hours, not months: only the days they were issued and used on.
  const days = new Set<string>();
  for (const k of keys) {
    const s = stats.get(k);
    if (!s?.first || !s.last) continue;
    for (let t = Date.parse(s.first.slice(0, 10)); t <= Date.parse(s.last); t += 86_400_000) {
      days.add(new Date(t).toISOString().slice(0, 10));
    }
  }
  await db.selectDays(days);
  const found = await rows(
    db,
    `WITH calls AS (${CALLS}), wanted AS (SELECT unnest($1::VARCHAR[]) AS k)
    SELECT *, CASE WHEN issued IN (SELECT k FROM wanted) THEN issued ELSE caller END AS owner
    FROM calls WHERE caller IN (SELECT k FROM wanted) OR issued IN (SELECT k FROM wanted)
    QUALIFY row_number() OVER (PARTITION BY owner ORDER BY eventTime, eventID, eventName) <= $2
    ORDER BY eventTime, eventID, eventName`,
    [keys, max],
  );
  return found.map((r, n) => {
    const eventSource = str(r.eventSource) ?? "";
    const eventName = str(r.eventName) ?? "";
    const caller = str(r.caller);
    const issued = str(r.issued);
    return {
      id: str(r.eventID) ?? `row-${n}`,
      caller,
      issued,
      event: {
        time: iso(r.eventTime),
        eventSource,
        eventName,
        category: hunt.categoryOf(eventSource, eventName),
        errorCode: str(r.errorCode),
        errorMessage: str(r.errorMessage),
        sourceIP: str(r.sourceIPAddress),
        userAgent: str(r.userAgent),
        region: str(r.awsRegion),
        accessKeyId: caller,
        eventID: str(r.eventID),
        params: pickParams(r.requestParameters, r.responseElements),
        issuedKey: r.errorCode ? null : issued,
      },
    };
  });
}

/** Builds one finding's part of the report from the rows read for all findings. */
function buildFinding(
  finding: Finding,
  id: string,
  stats: Map<string, KeyStats>,
  events: RawEvent[],
  max: number,
): ReportFinding {
  const tree = new Set(finding.sessionKeys.length ? finding.sessionKeys : [finding.accessKeyId]);
  const keys: ReportKey[] = [...tree].map((k) => {
    const s = stats.get(k);
    const parent = k === finding.accessKeyId
      ? (finding.parentAccessKeyId ?? s?.parent ?? null)
      : (s?.parent ?? null);
    return {
      accessKeyId: k,
      parentAccessKeyId: parent,
      firstSeen: s?.first ?? finding.firstSeen,
      lastSeen: s?.last ?? finding.lastSeen,
      eventCount: s?.calls ?? 0,
      roleArn: s?.roleArn ?? (k === finding.accessKeyId ? finding.roleArn : null),
    };
  });
  const seen = new Set<string>();
  const mine = events.filter((e) => {
    const inTree = (e.caller !== null && tree.has(e.caller)) ||
      (e.issued !== null && tree.has(e.issued));
    if (!inTree || seen.has(e.id)) return false;
    seen.add(e.id);
    return true;
  });
  // Calls made with the tree's keys, plus issuances of its keys by a caller outside it.
  let total = 0;
  for (const k of tree) total += stats.get(k)?.calls ?? 0;
  total +=
    mine.filter((e) => e.issued !== null && tree.has(e.issued) && !(e.caller && tree.has(e.caller)))
      .length;
  const shown = mine.slice(0, max).map((e) => e.event);
  return {
    id,
    finding,
    keys,
    events: shown,
    eventsOmitted: Math.max(0, total - shown.length),
    alsoFlaggedBy: [],
  };
}

/** Findings grouped by session tree (root key), most severe first; the first of each group leads. */
export function groupByTree(findings: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.rootAccessKeyId ?? f.accessKeyId;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(f);
  }
  return [...groups.values()];
}

/**
 * Reads everything the report shows from the lake.
 *
 * @example
 * ```ts ignore
 * import { collectReportData } from "./collect_report_data.ts";
 * const data = await collectReportData({ lake: "./lake", hunt: huntSource, now: new Date() });
 * ```
 */
export async function collectReportData(options: CollectOptions): Promise<ReportData> {
  const minSeverity = options.minSeverity ?? "low";
  const max = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`Invalid maxEvents "${max}": use a whole number of at least 1`);
  }
  const db = await openLakeDb({
    lake: options.lake,
    from: options.from,
    to: options.to,
    threads: options.threads,
  });
  try {
    const findings = (await options.hunt.findings({
      lake: options.lake,
      from: options.from,
      to: options.to,
      minSeverity,
      threads: options.threads,
      db,
    }))
      .filter((f) => severityRank(f.severity) >= severityRank(minSeverity))
      .sort(compareFindings);
    const allKeys = [
      ...new Set(findings.flatMap((f) => [f.accessKeyId, ...f.sessionKeys])),
    ].sort(cmp);
    const stats = await traced("report key stats", () => keyStats(db, allKeys));
    const events = await traced(
      "report events",
      () => firstEvents(db, allKeys, stats, max, options.hunt),
    );
    const [version] = await rows(db, `SELECT version() AS v`);
    const rejects = await rows(
      db,
      `SELECT coalesce(reason, 'unknown') AS reason, count(*) AS n FROM rejects
       GROUP BY ALL ORDER BY n DESC, reason`,
    );
    const batches: ReportBatch[] = db.batches.map((b) => ({
      id: b.id,
      startedAt: b.startedAt,
      finishedAt: b.finishedAt,
      podtrailVersion: b.podtrailVersion,
      duckdbVersion: b.duckdbVersion,
      command: scrubCommand(b.command ?? []),
      files: b.files,
    }));
    const rules = [...await options.hunt.rules()].sort((a, b) => cmp(a.id, b.id));
    return {
      title: options.title ?? "podtrail report: suspicious service-account sessions",
      generatedAt: options.now.toISOString(),
      podtrailVersion: VERSION,
      duckdbVersion: String(version.v),
      command: scrubCommand(options.command ?? ["podtrail", "report", "--lake", options.lake]),
      range: {
        from: options.from?.toISOString() ?? null,
        to: options.to?.toISOString() ?? null,
      },
      minSeverity,
      maxEvents: max,
      lake: await traced("report lake summary", () => lakeSummary(db, findings)),
      findings: groupByTree(findings).map(([lead, ...rest], i) => ({
        ...buildFinding(lead, `f${i + 1}`, stats, events, max),
        alsoFlaggedBy: rest,
      })),
      rules,
      batches,
      rejects: rejects.map((r) => ({ reason: String(r.reason), count: num(r.n) })),
    };
  } finally {
    db.close();
  }
}
