/**
 * The lake's index: two small derived tables that ingest writes beside each
 * batch's events, so the hunt need not scan every event.
 *
 * ```
 * <lake>/index/activity/day=YYYY-MM-DD/<batch>_<n>.parquet     calls rolled up per credential and action
 * <lake>/index/credentials/day=YYYY-MM-DD/<batch>_<n>.parquet  the credential-issuing events
 * ```
 *
 * Both are computed from the batch's written rows only (after dedup), so the
 * index of a lake is the union of its batches' indexes. A batch's manifest
 * lists its index files (`indexFiles`); a lake with a batch that has none (an
 * older podtrail wrote it) is read without the index.
 *
 * @module
 */
import { join, relative } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { runBound, setVariable } from "./_duckdb.ts";
import { walkFiles } from "./_walk.ts";
import keyActivitySql from "./key_activity.sql" with { type: "text" };
import credentialRowsSql from "./credential_rows.sql" with { type: "text" };

/** The activity index query; reads the relation `index_input` (columns of `events`). */
export const KEY_ACTIVITY_SQL: string = keyActivitySql;
/** The credential index query; reads the relation `index_input` (columns of `events`). */
export const CREDENTIAL_ROWS_SQL: string = credentialRowsSql;

/** The index tables, by folder under `<lake>/index/`. */
const TABLES = [
  { dir: "activity", sql: KEY_ACTIVITY_SQL },
  { dir: "credentials", sql: CREDENTIAL_ROWS_SQL },
] as const;

/**
 * Writes the index of the events in `eventFiles` under `root/index/`
 * (partitioned by day, files named after `batchId`) and returns the files
 * written, relative to `root`.
 */
export async function writeLakeIndex(
  conn: DuckDBConnection,
  eventFiles: string[],
  root: string,
  batchId: string,
): Promise<string[]> {
  // The batch id becomes part of a file name pattern in the SQL text: ours, but checked.
  if (!/^[A-Za-z0-9-]+$/.test(batchId)) throw new TypeError(`Bad batch id "${batchId}"`);
  if (eventFiles.length === 0) return [];
  await setVariable(conn, "index_files", eventFiles);
  await conn.run(`CREATE OR REPLACE TEMP VIEW index_input AS
    SELECT * FROM read_parquet(getvariable('index_files'), hive_partitioning = false, union_by_name = true)`);
  for (const { dir, sql } of TABLES) {
    await Deno.mkdir(join(root, "index"), { recursive: true });
    await runBound(
      conn,
      `COPY (${sql}) TO $1 (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (day),
        FILENAME_PATTERN '${batchId}_{i}')`,
      [join(root, "index", dir)],
    );
  }
  const written: string[] = [];
  for await (const path of walkFiles(join(root, "index"))) written.push(relative(root, path));
  return written.sort();
}
