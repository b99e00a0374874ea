/**
 * Writes a batch's events as `<dir>/day=<day>/<batch>_<n>.parquet` (zstd),
 * the layout of `COPY … PARTITION_BY (day)`, for pass 2.
 *
 * DuckDB's partitioned COPY buffers every row per partition before writing,
 * and with the lake's wide rows (a 130-byte source path and a hash on each)
 * that cost more than the rest of pass 2: on the benchmark's 965k events (one
 * day) 24 CPU seconds against 5 for a plain COPY of the same rows. So a batch
 * of a few days is written one day at a time, each COPY reading only that
 * day's row groups (the staging rows come in file order, which CloudTrail's
 * paths keep in time order); a batch of many days keeps the one partitioned
 * COPY, which reads the staging rows once.
 *
 * @module
 */
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { type Param, runBound } from "./_duckdb.ts";
import { UNDATED } from "./schema.ts";

/**
 * zstd at level 1: on the benchmark's events the files are as small as at
 * DuckDB's default level 3 (14.56 vs 14.53 MB for 114k events) and the
 * ingest takes ~6 % less CPU. Row groups of 40,960 rows instead of 122,880:
 * the writer's buffers of wide rows set the ingest's peak memory (1.37-1.60 GB
 * on the benchmark, now 1.07-1.14 GB, set by pass 1) and the events copy takes
 * 2.0 s instead of 3.5-3.8 s. Rows need no order within a file, so DuckDB need
 * not keep their insertion order either. A column chunk's dictionary holds at
 * most 2,048 values: DuckDB's default let the writer hash far more of the
 * near-unique columns (eventID, requestID, request texts, record positions)
 * into dictionaries it then mostly dropped. Copying the benchmark's events
 * took 1.71-1.83 s instead of 1.83-2.03 s, the files are 0.7 % larger (only
 * `resources`, `responseElements`, `_record` and `eventTime` changed encoding
 * in some row groups), and the whole ingest took 0.42 CPU seconds less.
 */
export const EVENTS_PARQUET =
  "COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 40960, DICTIONARY_SIZE_LIMIT 2048";

/** Runs `fn` with DuckDB free to write rows in any order (lake files need none). */
export async function withoutInsertionOrder<T>(
  conn: DuckDBConnection,
  fn: () => Promise<T>,
): Promise<T> {
  await conn.run("SET preserve_insertion_order = false");
  try {
    return await fn();
  } finally {
    await conn.run("RESET preserve_insertion_order");
  }
}

/** Up to this many days are written by one plain COPY each. */
export const MAX_DAY_COPIES = 16;

/** What {@linkcode copyEvents} writes. */
export interface EventsCopy {
  /**
   * The rows to write: the lake's columns, then `day` (`YYYY-MM-DD` or
   * `undated`) last, with a TIMESTAMPTZ column `eventTime`; it may use
   * `$1…$n` for `params`.
   */
  select: string;
  params: Param[];
  /** The folder that receives the `day=…` folders. */
  dir: string;
  /** File names start with it (`<batchId>_0.parquet`). */
  batchId: string;
  /** The days that have rows (a day without any would get an empty file). */
  days: string[];
}

/** A day partition's name (`YYYY-MM-DD`), checked before it becomes a folder. */
export const DAY_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** Writes the rows of `copy.select` by day; returns how many rows were written. */
export function copyEvents(conn: DuckDBConnection, copy: EventsCopy): Promise<number> {
  return withoutInsertionOrder(conn, () => copyByDay(conn, copy));
}

async function copyByDay(conn: DuckDBConnection, copy: EventsCopy): Promise<number> {
  const { select, params, dir, batchId, days } = copy;
  if (!/^[A-Za-z0-9-]+$/.test(batchId)) throw new TypeError(`Bad batch id "${batchId}"`);
  const n = params.length;
  if (days.length > MAX_DAY_COPIES) {
    const r = await runBound(
      conn,
      `COPY (${select}) TO $${
        n + 1
      } (FORMAT parquet, ${EVENTS_PARQUET}, PARTITION_BY (day), FILENAME_PATTERN '${batchId}_{i}')`,
      [...params, dir],
    );
    return Number(r.getRowsJson()[0]?.[0] ?? 0);
  }
  let written = 0;
  for (const day of days) {
    if (day !== UNDATED && !DAY_TEXT.test(day)) throw new TypeError(`Bad day "${day}"`);
    const folder = join(dir, `day=${day}`);
    await Deno.mkdir(folder, { recursive: true });
    // The time range selects the day (the session is UTC) and lets the scan skip other days'
    // row groups; `day` itself is then not computed for each row.
    const where = day === UNDATED
      ? `day = $${n + 2} AND eventTime IS NULL`
      : `eventTime >= $${n + 2}::TIMESTAMPTZ AND eventTime < $${
        n + 2
      }::TIMESTAMPTZ + INTERVAL 1 DAY`;
    const r = await runBound(
      conn,
      `COPY (SELECT * EXCLUDE (day) FROM (${select}) WHERE ${where})
       TO $${n + 1} (FORMAT parquet, ${EVENTS_PARQUET})`,
      [
        ...params,
        join(folder, `${batchId}_0.parquet`),
        day === UNDATED ? day : `${day} 00:00:00+00`,
      ],
    );
    written += Number(r.getRowsJson()[0]?.[0] ?? 0);
  }
  return written;
}
