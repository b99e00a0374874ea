/**
 * Opens a lake for reading: a DuckDB session with the views `events` (every
 * committed event, one row per eventID), `rejects` and `manifest`, limited
 * to the partitions a time range needs.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { type EngineOptions, openEngine, setVariable } from "../ingest/_duckdb.ts";
import { type Batch, openLake, readBatches } from "../ingest/lake.ts";
import { FIELDS, UNDATED } from "../ingest/schema.ts";
import { join } from "node:path";
import { createSessionViews } from "./session_views.ts";
import { CREDENTIAL_ROWS_SQL, KEY_ACTIVITY_SQL } from "../ingest/_lake_index.ts";

/** Options of {@linkcode openLakeDb}. */
export interface OpenLakeOptions extends EngineOptions {
  /** The lake folder. */
  lake: string;
  /** Only events at or after this time. */
  from?: Date;
  /** Only events before this time. */
  to?: Date;
}

/** An open lake session. */
export interface LakeDb {
  conn: DuckDBConnection;
  lake: string;
  batches: Batch[];
  /** The data files the `events` view reads. */
  files: string[];
  /**
   * Points the view `events_of_days` at the events of the given days only (UTC
   * `YYYY-MM-DD`; undated events always), within the session's range: a
   * reader that knows when what it wants happened reads those partitions alone.
   */
  selectDays(days: Iterable<string>): Promise<void>;
  close(): void;
}

/** The lake columns after the CloudTrail fields. */
const PROVENANCE = `extra JSON, _insight BOOLEAN, _source_file VARCHAR, _source_sha256 VARCHAR,
  _record BIGINT, _batch VARCHAR, _content_hash VARCHAR, day VARCHAR`;

const EMPTY_EVENTS = `SELECT * FROM (SELECT ${
  FIELDS.map((f) => `NULL::${f.lake} AS "${f.name}"`).join(", ")
}, ${
  PROVENANCE.split(",").map((c) => {
    const [name, type] = c.trim().split(/\s+/);
    return `NULL::${type} AS ${name}`;
  }).join(", ")
}) WHERE false`;

const EMPTY_REJECTS = `SELECT NULL::VARCHAR AS source_file, NULL::VARCHAR AS source_sha256,
  NULL::BIGINT AS record, NULL::VARCHAR AS reason, NULL::VARCHAR AS raw, NULL::VARCHAR AS batch WHERE false`;

/** Parses a `--from`/`--to` value: ISO-8601 (a date alone means midnight UTC). */
export function parseTime(value: string, flag: string): Date {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new RangeError(
      `Invalid ${flag} "${value}": use an ISO-8601 time such as 2026-11-05 or 2026-11-05T14:00:00Z`,
    );
  }
  return d;
}

/** The day partitions a time range needs (inclusive of both ends' days). */
function dayInRange(day: string, from?: Date, to?: Date): boolean {
  if (from && day < from.toISOString().slice(0, 10)) return false;
  if (to && day > to.toISOString().slice(0, 10)) return false;
  return true;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whether the range holds all of `day` (so the day's index can stand for its events). */
function wholeDayInRange(day: string, from?: Date, to?: Date): boolean {
  const start = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(start)) return !from && !to; // undated: only without a range
  return (!from || start >= from.getTime()) && (!to || start + DAY_MS <= to.getTime());
}

const dayOf = (file: string) => file.match(/day=([^/]+)\//)?.[1] ?? "";

/** Opens the lake at `options.lake` and creates its views. */
export async function openLakeDb(options: OpenLakeOptions): Promise<LakeDb> {
  const paths = await openLake(options.lake);
  const batches = await readBatches(paths);
  if (options.from && options.to && options.from >= options.to) {
    throw new RangeError(`--from must be before --to`);
  }
  const ranged = Boolean(options.from || options.to);
  const inRange = (f: string) => {
    const day = dayOf(f);
    return !ranged || (day !== UNDATED && dayInRange(day, options.from, options.to));
  };
  const files = batches.flatMap((b) => b.dataFiles).filter(inRange).map((f) => join(paths.root, f));
  // The index stands for the events of the days it covers whole; the days at a --from or --to
  // that is not midnight are read from the events. A lake with a batch written before the index
  // existed is read without it.
  const indexed = batches.every((b) => Array.isArray(b.indexFiles));
  const whole = (f: string) => wholeDayInRange(dayOf(f), options.from, options.to);
  const indexFiles = batches.flatMap((b) => b.indexFiles ?? []).filter(inRange);
  const activityFiles = indexFiles.filter((f) => f.startsWith("index/activity/") && whole(f))
    .map((f) => join(paths.root, f));
  const credentialFiles = indexFiles.filter((f) => f.startsWith("index/credentials/"))
    .map((f) => join(paths.root, f));
  const unindexedFiles = indexed ? files.filter((f) => !whole(f)) : files;
  const rejects = batches.flatMap((b) => (b.rejectsFile ? [join(paths.root, b.rejectsFile)] : []));
  let maxBatchBytes = 16 * 1024 * 1024;
  for (const b of batches) {
    const size = (await Deno.stat(join(paths.batches, `${b.id}.json`))).size;
    maxBatchBytes = Math.max(maxBatchBytes, size + 1024 * 1024);
  }
  // DuckDB spills into ./.tmp of the working directory by default, and the lake may be
  // read-only evidence: big queries spill into a private temporary folder, removed on close.
  const spill = await Deno.makeTempDir({ prefix: "podtrail-query-" });
  const unspill = () => {
    try {
      Deno.removeSync(spill, { recursive: true });
    } catch { /* already gone */ }
  };
  let engine: Awaited<ReturnType<typeof openEngine>>;
  try {
    engine = await openEngine({ ...options, tempDirectory: join(spill, "spill") });
  } catch (e) {
    unspill();
    throw e;
  }
  const { conn } = engine;
  let daysRange = "";
  try {
    await setVariable(conn, "lake_files", files);
    await setVariable(conn, "lake_rejects", rejects);
    await setVariable(
      conn,
      "lake_batches",
      batches.map((b) => join(paths.batches, `${b.id}.json`)),
    );
    await setVariable(conn, "time_from", options.from?.toISOString() ?? null);
    await setVariable(conn, "time_to", options.to?.toISOString() ?? null);
    // Undated records (no eventTime) only show when no range is asked for.
    const range =
      `(getvariable('time_from') IS NULL OR eventTime >= getvariable('time_from')::TIMESTAMPTZ)
      AND (getvariable('time_to') IS NULL OR eventTime < getvariable('time_to')::TIMESTAMPTZ)`;
    await conn.run(
      files.length > 0
        // The day comes from the file's own folder: Hive detection would also take
        // any key=value folder above the lake (e.g. /cases/eventName=x/lake) as a column.
        ? `CREATE VIEW events AS SELECT * EXCLUDE (filename),
             regexp_extract(filename, '/day=([^/]+)/[^/]*$', 1) AS day
           FROM read_parquet(getvariable('lake_files'), hive_partitioning = false,
             filename = true, union_by_name = true) WHERE ${range}`
        : `CREATE VIEW events AS ${EMPTY_EVENTS}`,
    );
    daysRange = range;
    await createIndexViews(conn, {
      range,
      indexed,
      activityFiles,
      credentialFiles,
      unindexedFiles,
    });
    await conn.run(
      rejects.length > 0
        ? `CREATE VIEW rejects AS SELECT * FROM read_parquet(getvariable('lake_rejects'), union_by_name = true,
             hive_partitioning = false)`
        : `CREATE VIEW rejects AS ${EMPTY_REJECTS}`,
    );
    await conn.run(
      batches.length > 0
        ? `CREATE VIEW manifest AS SELECT id AS batch, f.path, f.size, f.sha256, f.status, f.shape, f.reader, f.reason,
             f.records.read AS records_read, f.records.written AS records_written,
             f.records.duplicates AS records_duplicates, f.records.rejected AS records_rejected
           FROM (SELECT id, unnest(files) AS f FROM read_json(getvariable('lake_batches'),
             columns = {id: 'VARCHAR', files: 'STRUCT(path VARCHAR, size BIGINT, sha256 VARCHAR, status VARCHAR, shape VARCHAR, reader VARCHAR, reason VARCHAR, records STRUCT(read BIGINT, written BIGINT, duplicates BIGINT, rejected BIGINT))[]'},
             format = 'unstructured', maximum_object_size = ${maxBatchBytes}, hive_partitioning = false))`
        : `CREATE VIEW manifest AS SELECT NULL::VARCHAR AS batch, NULL::VARCHAR AS path WHERE false`,
    );
    await createSessionViews(conn);
  } catch (e) {
    engine.close();
    unspill();
    throw e;
  }
  return {
    conn,
    lake: paths.root,
    batches,
    files,
    selectDays: async (days) => {
      const wanted = new Set(days);
      const chosen = files.filter((f) => wanted.has(dayOf(f)) || dayOf(f) === UNDATED);
      await setVariable(conn, "selected_files", chosen);
      await conn.run(
        chosen.length > 0
          ? `CREATE OR REPLACE VIEW events_of_days AS SELECT * EXCLUDE (filename),
               regexp_extract(filename, '/day=([^/]+)/[^/]*$', 1) AS day
             FROM read_parquet(getvariable('selected_files'), hive_partitioning = false,
               filename = true, union_by_name = true) WHERE ${daysRange}`
          : `CREATE OR REPLACE VIEW events_of_days AS ${EMPTY_EVENTS}`,
      );
    },
    close: () => {
      engine.close();
      unspill();
    },
  };
}

/**
 * The views `key_activity` and `credential_rows` (the lake index, see
 * `ingest/_lake_index.ts`): read from the index files where they cover the
 * range, computed from the events (`index_input`) where they do not.
 */
async function createIndexViews(conn: DuckDBConnection, o: {
  range: string;
  indexed: boolean;
  activityFiles: string[];
  credentialFiles: string[];
  unindexedFiles: string[];
}): Promise<void> {
  await setVariable(conn, "index_unindexed_files", o.unindexedFiles);
  await setVariable(conn, "index_activity_files", o.activityFiles);
  await setVariable(conn, "index_credential_files", o.credentialFiles);
  await conn.run(
    o.unindexedFiles.length > 0
      ? `CREATE VIEW index_input AS SELECT * FROM read_parquet(getvariable('index_unindexed_files'),
           hive_partitioning = false, union_by_name = true) WHERE ${o.range}`
      : `CREATE VIEW index_input AS ${EMPTY_EVENTS}`,
  );
  const computedActivity = `SELECT * EXCLUDE (day) FROM (${KEY_ACTIVITY_SQL})`;
  await conn.run(
    o.activityFiles.length > 0
      ? `CREATE VIEW key_activity AS
         SELECT * FROM read_parquet(getvariable('index_activity_files'), hive_partitioning = false)
         UNION ALL BY NAME ${computedActivity}`
      : `CREATE VIEW key_activity AS ${computedActivity}`,
  );
  const computedCredentials = `SELECT * EXCLUDE (day) FROM (${CREDENTIAL_ROWS_SQL})`;
  await conn.run(
    !o.indexed
      ? `CREATE VIEW credential_rows AS ${computedCredentials}`
      : o.credentialFiles.length > 0
      ? `CREATE VIEW credential_rows AS
         SELECT * FROM read_parquet(getvariable('index_credential_files'), hive_partitioning = false)
         WHERE ${o.range}`
      : `CREATE VIEW credential_rows AS ${computedCredentials} WHERE false`,
  );
}
