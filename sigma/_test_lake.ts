/**
 * Test helpers for `sigma/`: a lake from a few CloudTrail records, and a
 * runner that returns the eventIDs a rule matches.
 *
 * @module
 */
import { join } from "node:path";
import { ingest } from "../ingest/ingest.ts";
import { runBound } from "../ingest/_duckdb.ts";
import { type LakeDb, openLakeDb } from "../queries/open_lake.ts";
import { toPlain } from "../queries/query_lake.ts";
import { record, writeRecords } from "../tests/_helpers.ts";
import { IP_BITS_MACRO } from "./_match.ts";
import { compileSigma } from "./compile_sigma.ts";
import { parseSigma, type SigmaRule } from "./parse_sigma.ts";

/** A record with `eventID` = `id` and fields replaced by `over`. */
export function event(id: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...record(0), eventID: id, requestID: `req-${id}`, ...over };
}

/** Ingests `records` into `<dir>/lake` and returns the lake path. */
export async function lakeOf(dir: string, records: unknown[]): Promise<string> {
  const file = join(dir, "records.json");
  await writeRecords(file, records);
  const lake = join(dir, "lake");
  await ingest({ inputs: [file], lake });
  return lake;
}

/** Opens the lake for compiled rules (with the `podtrail_ip_bits` macro). */
export async function openForSigma(lake: string): Promise<LakeDb> {
  const db = await openLakeDb({ lake });
  await db.conn.run(IP_BITS_MACRO);
  return db;
}

const HEADER = "title: test\nid: 11111111-1111-4111-8111-111111111111\n" +
  "logsource: {product: aws, service: cloudtrail}\n";

/** A detection rule from the YAML of its `detection` section (indented by 2). */
export function detectionRule(detection: string): SigmaRule {
  return parseSigma(`${HEADER}detection:\n${detection}`, "test.yml")[0];
}

/** Runs a compiled rule and returns its rows as plain values. */
export async function rowsOf(
  db: LakeDb,
  rule: SigmaRule,
  rules: readonly SigmaRule[] = [rule],
): Promise<Record<string, unknown>[]> {
  const c = compileSigma(rule, { rules });
  if (c.kind !== "compiled") throw new Error(`not compiled: ${c.construct}: ${c.reason}`);
  const reader = await runBound(db.conn, c.sql, c.params);
  const cols = reader.columnNames();
  return reader.getRows().map((r) => Object.fromEntries(cols.map((k, i) => [k, toPlain(r[i])])));
}

/** The sorted eventIDs a detection rule matches. */
export async function matchIds(db: LakeDb, detection: string): Promise<string[]> {
  const rows = await rowsOf(db, detectionRule(detection));
  return rows.map((r) => String(r.eventID)).sort();
}
