/**
 * `timeline()`: every event of the session tree that holds an access key —
 * the root credential's issuance and each call made with any credential of
 * the tree (the service account's own and those chained from it) — in time
 * order; and {@linkcode toTimesketch}, one event as a Timesketch JSONL line.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { EngineOptions } from "../ingest/_duckdb.ts";
import { setVariable } from "../ingest/_duckdb.ts";
import { openLakeDb } from "../queries/open_lake.ts";
import { parseJsonText } from "../queries/query_lake.ts";
import { loadActionCatalog } from "../queries/action_catalog.ts";
import timelineSql from "../queries/timeline.sql" with { type: "text" };
import keyEventsSql from "../queries/key_events.sql" with { type: "text" };
import { readRows } from "./_sql.ts";
import { catalogOf } from "./_inputs.ts";
import type { CatalogEntry } from "../queries/action_catalog.ts";

/** Options of {@linkcode timeline}. */
export interface TimelineOptions extends EngineOptions {
  /** The lake folder. */
  lake: string;
  /** Any access key of the tree (`ASIA…`, or `AKIA…` for an IAM user's own events). */
  key: string;
  /** Only events at or after this time. */
  from?: Date;
  /** Only events before this time. */
  to?: Date;
  /** Catalog additions, as for `hunt()` (a CSV file or entries). */
  actions?: string | readonly CatalogEntry[];
}

/** One event of a timeline. */
export interface TimelineEvent {
  /** ISO-8601 UTC. */
  eventTime: string;
  eventID: string;
  /** `issuance`: the root credential was issued (accessKeyId is the key issued); `call`: made with accessKeyId. */
  kind: "issuance" | "call";
  accessKeyId: string | null;
  /** The credential whose sts:AssumeRole issued accessKeyId, or null. */
  parentAccessKeyId: string | null;
  /** The tree's root credential (the key itself when it belongs to no service-account tree). */
  rootAccessKeyId: string;
  /** 0 for the root credential, 1 for a session chained from it, … */
  depth: number;
  eventSource: string;
  eventName: string;
  /** The catalog category when the action is sensitive, else null. */
  category: string | null;
  controlPlane: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  sourceIPAddress: string | null;
  userAgent: string | null;
  awsRegion: string | null;
  readOnly: boolean | null;
  roleArn: string | null;
  /** The tree's service account (`namespace/name`), when its issuance is in the lake. */
  serviceAccount: string | null;
  /** The tree's cluster (OIDC issuer or EKS cluster name), when known. */
  cluster: string | null;
  /** `irsa`, `pod-identity`, `web-identity` (no issuance seen), or null for a key outside any tree. */
  attribution: "irsa" | "pod-identity" | "web-identity" | null;
  /** The call's requestParameters (parsed JSON), or null. */
  requestParameters: unknown;
}

interface Row extends Omit<TimelineEvent, "parentAccessKeyId" | "rootAccessKeyId"> {
  parentKey: string | null;
  federatedProvider: string | null;
  subject: string | null;
}

const KEY = /^(ASIA|AKIA|ABIA|ACCA)[A-Z0-9]{12,124}$/;

/**
 * The whole UTC days from the first issuance or use of any key of `key`'s
 * tree to its last, from the lake index; null when the tree has no dated
 * activity (or undated calls, which only an open range shows).
 */
async function treeDays(
  conn: DuckDBConnection,
  key: string,
): Promise<{ from: Date; to: Date } | null> {
  const [span] = await readRows<{ first: string | null; last: string | null; undated: number }>(
    conn,
    `WITH root AS (
       SELECT coalesce((SELECT rootKey FROM session_links WHERE accessKeyId = $1 LIMIT 1), $1) AS k
     ),
     tree AS (
       SELECT accessKeyId AS k FROM session_links WHERE rootKey = (SELECT k FROM root)
       UNION SELECT $1 UNION SELECT k FROM root
     ),
     times AS (
       SELECT firstTime AS first, lastTime AS last FROM key_activity WHERE accessKeyId IN (SELECT k FROM tree)
       UNION ALL
       SELECT eventTime, eventTime FROM credential_events WHERE issuedKey IN (SELECT k FROM tree)
     )
     SELECT min(first) AS first, max(last) AS last, count(*) FILTER (WHERE first IS NULL) AS undated
     FROM times`,
    [key],
  );
  if (!span?.first || !span.last || Number(span.undated) > 0) return null;
  const DAY = 86_400_000;
  const from = Math.floor(Date.parse(span.first) / DAY) * DAY;
  const to = (Math.floor(Date.parse(span.last) / DAY) + 1) * DAY;
  return { from: new Date(from), to: new Date(to) };
}

/**
 * The events of the session tree that holds `options.key`, in time order; a
 * key outside every service-account tree gives its own calls. An unknown key
 * gives an empty list.
 *
 * @example
 * ```ts ignore
 * import { timeline } from "./timeline.ts";
 * for (const e of await timeline({ lake: "./lake", key: "ASIAEXAMPLEKEY000001" })) {
 *   console.log(e.eventTime, e.accessKeyId, `${e.eventSource}:${e.eventName}`, e.errorCode ?? "");
 * }
 * ```
 */
export async function timeline(options: TimelineOptions): Promise<TimelineEvent[]> {
  if (typeof options.key !== "string" || !KEY.test(options.key)) {
    throw new RangeError(
      `Invalid --key "${options.key}": give an AWS access key id such as ASIAIOSFODNN7EXAMPLE`,
    );
  }
  const catalog = await catalogOf(options.actions);
  const open = (range: { from?: Date; to?: Date }) =>
    openLakeDb({
      lake: options.lake,
      ...range,
      threads: options.threads,
      memoryLimit: options.memoryLimit,
    });
  const asked = { from: options.from, to: options.to };
  let db = await open(asked);
  let narrowed: { from: Date; to: Date } | undefined;
  try {
    // The lake index says when the tree's keys were issued and used: read those days only.
    const span = await treeDays(db.conn, options.key);
    const from = Math.max(span?.from.getTime() ?? -Infinity, asked.from?.getTime() ?? -Infinity);
    const to = Math.min(span?.to.getTime() ?? Infinity, asked.to?.getTime() ?? Infinity);
    if (span && from < to) narrowed = { from: new Date(from), to: new Date(to) };
  } catch (e) {
    db.close();
    throw e;
  }
  if (narrowed) {
    db.close();
    db = await open(narrowed);
  }
  try {
    const { conn } = db;
    await loadActionCatalog(conn, catalog);
    await setVariable(conn, "timeline_key", options.key);
    const [{ rootKey }] = await readRows<{ rootKey: string }>(
      conn,
      `SELECT coalesce(
         (SELECT rootKey FROM session_links WHERE accessKeyId = $1 LIMIT 1), $1) AS rootKey`,
      [options.key],
    );
    await setVariable(conn, "timeline_root", rootKey);
    let rows = await readRows<Row>(conn, timelineSql);
    const inTree = rows.length > 0;
    if (!inTree) rows = await readRows<Row>(conn, keyEventsSql);
    const issuance = rows.find((r) => r.kind === "issuance");
    const attribution: TimelineEvent["attribution"] = !inTree
      ? null
      : (issuance?.attribution as TimelineEvent["attribution"]) ?? "web-identity";
    const cluster = issuance?.cluster ?? rows.find((r) => r.cluster)?.cluster ?? null;
    return rows.map((r) => ({
      eventTime: r.eventTime,
      eventID: r.eventID,
      kind: r.kind,
      accessKeyId: r.accessKeyId,
      parentAccessKeyId: r.parentKey,
      rootAccessKeyId: inTree ? rootKey : options.key,
      depth: r.depth,
      eventSource: r.eventSource,
      eventName: r.eventName,
      category: r.category,
      controlPlane: r.controlPlane,
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
      sourceIPAddress: r.sourceIPAddress,
      userAgent: r.userAgent,
      awsRegion: r.awsRegion,
      readOnly: r.readOnly,
      roleArn: r.roleArn,
      serviceAccount: issuance?.serviceAccount ?? null,
      cluster,
      attribution,
      requestParameters: typeof r.requestParameters === "string"
        ? parseJsonText(r.requestParameters)
        : r.requestParameters ?? null,
    }));
  } finally {
    db.close();
  }
}

/** Microseconds since the epoch of an ISO-8601 UTC time with up to 6 fraction digits. */
function micros(iso: string): number {
  const m = iso.match(/\.(\d{1,6})Z$/);
  const base = Date.parse(iso.replace(/\.\d+Z$/, "Z"));
  return base * 1000 + (m ? Number(m[1].padEnd(6, "0")) : 0);
}

/**
 * One timeline event as a Timesketch JSONL object: `message`, `datetime`,
 * `timestamp` (microseconds), `timestamp_desc`, and the event's fields.
 *
 * @example
 * ```ts
 * import { toTimesketch } from "./timeline.ts";
 * const line = toTimesketch({
 *   eventTime: "2026-11-05T03:06:10Z", eventID: "e1", kind: "call", accessKeyId: "ASIAEXAMPLE000000001",
 *   parentAccessKeyId: null, rootAccessKeyId: "ASIAEXAMPLE000000001", depth: 0,
 *   eventSource: "sts.amazonaws.com", eventName: "GetCallerIdentity", category: "reconnaissance",
 *   controlPlane: true, errorCode: null, errorMessage: null, sourceIPAddress: "203.0.113.7",
 *   userAgent: "aws-cli/2", awsRegion: "us-east-1", readOnly: true, roleArn: null,
 *   serviceAccount: "web/frontend", cluster: null, attribution: "irsa", requestParameters: null,
 * });
 * console.assert(line.timestamp_desc === "Event Time" && line.timestamp === 1793847970000000);
 * ```
 */
export function toTimesketch(e: TimelineEvent): Record<string, unknown> {
  const who = e.serviceAccount ??
    (e.attribution ? "unknown service account" : "no service account");
  const what = e.kind === "issuance"
    ? `${e.eventName} issued ${e.accessKeyId} to ${who}`
    : `${
      e.eventSource.replace(/\.amazonaws\.com$/, "")
    }:${e.eventName} by ${e.accessKeyId} (${who})`;
  return {
    message: `${what}${e.errorCode ? ` failed: ${e.errorCode}` : ""}`,
    datetime: e.eventTime,
    timestamp: micros(e.eventTime),
    timestamp_desc: "Event Time",
    data_type: "aws:cloudtrail:event",
    event_id: e.eventID,
    kind: e.kind,
    access_key_id: e.accessKeyId,
    parent_access_key_id: e.parentAccessKeyId,
    root_access_key_id: e.rootAccessKeyId,
    depth: e.depth,
    event_source: e.eventSource,
    event_name: e.eventName,
    category: e.category,
    error_code: e.errorCode,
    error_message: e.errorMessage,
    source_ip: e.sourceIPAddress,
    user_agent: e.userAgent,
    aws_region: e.awsRegion,
    role_arn: e.roleArn,
    service_account: e.serviceAccount,
    cluster: e.cluster,
    attribution: e.attribution,
    request_parameters: e.requestParameters === null ? null : JSON.stringify(e.requestParameters),
  };
}
