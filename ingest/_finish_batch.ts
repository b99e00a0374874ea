/**
 * Pass 2 of a batch: drops duplicates (inside the batch and against the
 * lake), writes the typed events partitioned by day and the rejects, counts
 * every record per file, and moves the files into the lake. The manifest
 * (written by the caller) is the commit point.
 *
 * @module
 */
import { dirname, join, relative } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { runBound, setVariable } from "./_duckdb.ts";
import { traced } from "./_trace.ts";
import { walkFiles } from "./_walk.ts";
import type { Staged } from "./_stage.ts";
import type { LakePaths } from "./lake.ts";
import { FIELDS, UNDATED } from "./schema.ts";
import { writeLakeIndex } from "./_lake_index.ts";
import { copyEvents, DAY_TEXT } from "./_write_events.ts";

/** Per-file record counts. */
export interface FileCounts {
  read: number;
  written: number;
  duplicates: number;
  rejected: number;
}

/** What pass 2 wrote. */
export interface Finished {
  dataFiles: string[];
  /** The batch's index files (see `_lake_index.ts`), relative to the lake. */
  indexFiles: string[];
  rejectsFile: string | null;
  counts: Map<number, FileCounts>;
}

/**
 * The dedup key. CloudTrail re-delivers an event with identical content, so
 * a duplicate is the same eventID with the same source, name, time, account,
 * caller and request id; records that only share an eventID (seen in sanitised samples,
 * or forged) are different events and both are kept. A record without an
 * eventID is keyed by the hash of its content.
 */
const KEY_FIELDS = {
  i: "eventID",
  s: "coalesce(eventSource, '')",
  n: "coalesce(eventName, '')",
  t: "eventTime",
  a: "coalesce(recipientAccountId, '')",
  p: "coalesce(userIdentity.principalId, '')",
  k: "coalesce(userIdentity.accessKeyId, '')",
  q: "coalesce(requestID, '')",
  c: "CASE WHEN eventID IS NULL THEN _content_hash END",
};
/** The key itself: rows are duplicates when their keys are equal. */
const EXACT = `{${Object.entries(KEY_FIELDS).map(([k, v]) => `${k}: ${v}`).join(", ")}}`;
/**
 * A 64-bit hash of the key's fields: rows whose hashes meet are compared by
 * the key itself. Hashing every row is ten times cheaper than the MD5 of the
 * key's text that it replaced (0.05 against 0.5 s on the benchmark's 965k
 * rows), and only re-deliveries and the rare collisions are compared.
 */
const HASH = `hash(${Object.values(KEY_FIELDS).join(", ")})`;
/** A row's day partition, from its eventTime (the session is UTC). */
const DAY = `coalesce(strftime(eventTime, '%Y-%m-%d'), '${UNDATED}')`;

/** Writes the batch's events and rejects under `stagingDir`, then moves them into the lake. */
export async function finishBatch(
  conn: DuckDBConnection,
  lake: LakePaths,
  batchId: string,
  stagingDir: string,
  staged: Staged,
  existingFiles: string[],
): Promise<Finished> {
  const counts = new Map<number, FileCounts>();
  for (const f of staged.files) {
    counts.set(f.id, { read: 0, written: 0, duplicates: 0, rejected: 0 });
  }
  const failures = staged.files.filter((f) => f.failure);
  let rejectsFile: string | null = null;
  const dataFiles: string[] = [];
  let indexFiles: string[] = [];

  // The fast reader's files, with the files whose rows in them are kept (others were read again).
  const superseded = new Set(staged.superseded);
  const direct = staged.direct.map((d, src) => ({
    ...d,
    src,
    files: d.files.filter((f) => !superseded.has(f.id)),
  }));
  if (staged.parts.length > 0 || direct.length > 0) {
    // Each source's rows (src -1: the staging rows; n: the fast reader's n-th file), given the
    // columns to take and a filter.
    const sources: ((cols: string, where: string) => string)[] = [];
    if (staged.parts.length > 0) {
      await setVariable(conn, "stage_parts", staged.parts);
      await setVariable(conn, "superseded", staged.superseded.map(String));
      await conn.run(
        `CREATE OR REPLACE TEMP VIEW _stage AS SELECT * FROM read_parquet(getvariable('stage_parts'), hive_partitioning = false)
        WHERE _file_id NOT IN (SELECT unnest(getvariable('superseded')::INTEGER[]))`,
      );
      sources.push((cols, where) =>
        `SELECT _file_id AS f, _record AS r, ${cols}, -1 AS src FROM _stage WHERE ${where}`
      );
    }
    if (direct.length > 0) {
      const members = direct.flatMap((d) => d.files.map((f) => ({ f, src: d.src })));
      await runBound(
        conn,
        `CREATE OR REPLACE TEMP TABLE _direct_files AS SELECT unnest($1::VARCHAR[])::INTEGER AS file_id,
          unnest($2::VARCHAR[]) AS path, unnest($3::VARCHAR[])::INTEGER AS src`,
        [
          members.map((m) => String(m.f.id)),
          members.map((m) => m.f.file.path),
          members.map((m) => String(m.src)),
        ],
      );
      await setVariable(conn, "direct_parts", direct.map((d) => d.path));
      sources.push((cols, where) =>
        `SELECT d.file_id AS f, c._record AS r, ${cols}, d.src
        FROM (SELECT *, NULL AS _reject
          FROM read_parquet(getvariable('direct_parts'), hive_partitioning = false)) c
        JOIN _direct_files d ON d.path = c._source_file WHERE ${where}`
      );
    }
    const all = (cols: string, where = "true") =>
      sources.map((source) => source(cols, where)).join(" UNION ALL ");
    // One scan of the key columns: each record's key hash and day.
    await traced(
      "keys",
      () =>
        conn.run(
          `CREATE OR REPLACE TEMP TABLE _keys AS ${
            all(`_reject IS NOT NULL AS rejected, CASE WHEN _reject IS NULL THEN ${HASH} END AS h,
          ${DAY} AS day`)
          }`,
        ),
    );
    // Events already in the lake: only the days this batch touches are read.
    const days = (await conn.runAndReadAll(`SELECT DISTINCT day FROM _keys WHERE NOT rejected`))
      .getRowsJson().map((r) => String(r[0]));
    const overlapping = existingFiles.filter((f) => days.some((d) => f.includes(`/day=${d}/`)));
    const lakeRows = overlapping.length > 0
      ? "read_parquet(getvariable('overlapping'), union_by_name = true, hive_partitioning = false)"
      : `(SELECT ${FIELDS.map((f) => `NULL::${f.lake} AS "${f.name}"`).join(", ")},
          NULL::VARCHAR AS _content_hash WHERE false)`;
    if (overlapping.length > 0) await setVariable(conn, "overlapping", overlapping);
    // The rows to drop: re-deliveries of lake events, and every occurrence in the batch but the
    // first (file order, then position). Hashes that meet (in the batch, or with the lake's)
    // pick the rows whose keys are compared.
    await traced("dups", async () => {
      await conn.run(`CREATE OR REPLACE TEMP TABLE _meet AS
        SELECT h FROM _keys WHERE h IS NOT NULL GROUP BY h HAVING count(*) > 1
        UNION SELECT h FROM _keys WHERE h IN (SELECT ${HASH} FROM ${lakeRows})`);
      await conn.run(`CREATE OR REPLACE TEMP TABLE _dup_rows AS
        WITH compared AS (SELECT f, r, x, fl.ord AS o
            FROM (${all(`${EXACT} AS x`, `_reject IS NULL AND ${HASH} IN (SELECT h FROM _meet)`)})
            JOIN _files fl ON fl.file_id = f),
          first AS (SELECT x, min({o: o, r: r}) AS keep FROM compared GROUP BY x HAVING count(*) > 1)
        SELECT f, r FROM compared
          WHERE x IN (SELECT ${EXACT} FROM ${lakeRows} WHERE ${HASH} IN (SELECT h FROM _meet))
        UNION
        SELECT compared.f, compared.r FROM compared JOIN first USING (x)
          WHERE {o: compared.o, r: compared.r} <> first.keep`);
    });
    const rows = (await conn.runAndReadAll(`
      SELECT f, count(*) AS n, count(*) FILTER (rejected) AS rejected,
        (SELECT count(*) FROM _dup_rows d WHERE d.f = _keys.f) AS dups
      FROM _keys GROUP BY f`)).getRowsJson();
    for (const [f, n, rejected, dups] of rows) {
      const c = counts.get(Number(f))!;
      c.read += Number(n);
      c.rejected += Number(rejected);
      c.duplicates += Number(dups);
      c.written += Number(n) - Number(rejected) - Number(dups);
    }
    const columns = FIELDS.map((f) => `c."${f.name}"`).join(", ");
    const eventsDir = join(stagingDir, "events");
    // The days each source writes (rows neither rejected nor duplicates), in one scan of the keys.
    const written = new Map(
      (await conn.runAndReadAll(`SELECT src, count(*), list(DISTINCT day ORDER BY day) FROM _keys k
        ANTI JOIN _dup_rows d ON d.f = k.f AND d.r = k.r WHERE NOT k.rejected GROUP BY src`))
        .getRowsJson().map((r) => [Number(r[0]), { n: Number(r[1]), days: r[2] as string[] }]),
    );
    let writtenRows = 0;
    const staging = written.get(-1);
    if (staging) {
      writtenRows += await traced("events copy", () =>
        copyEvents(conn, {
          select: `SELECT ${columns}, c.extra, c.eventType = 'AwsCloudTrailInsight' AS _insight,
            f.path AS _source_file, f.sha256 AS _source_sha256, c._record, $1 AS _batch,
            c._content_hash, ${DAY} AS day
          -- The written rows: neither rejected nor duplicates (an anti join, which DuckDB streams).
          FROM _stage c ANTI JOIN _dup_rows d ON d.f = c._file_id AND d.r = c._record
          JOIN _files f ON f.file_id = c._file_id
          WHERE c._reject IS NULL`,
          params: [batchId],
          dir: eventsDir,
          batchId,
          days: staging.days,
        }));
    }
    // A fast reader's file whose rows are all kept and of one day is a lake file as it is;
    // the others are written again together (one read of many files is parallel), by day,
    // without the duplicates and the files read again.
    await traced("events direct", async () => {
      const again: string[] = [];
      const days = new Set<string>();
      for (const d of direct) {
        const k = written.get(d.src);
        if (!k) continue;
        const [day] = k.days;
        if (k.n === d.rows && k.days.length === 1 && (day === UNDATED || DAY_TEXT.test(day))) {
          const folder = join(eventsDir, `day=${day}`);
          await Deno.mkdir(folder, { recursive: true });
          await Deno.rename(d.path, join(folder, `${batchId}-d${d.src}.parquet`));
          writtenRows += k.n;
        } else {
          again.push(d.path);
          for (const x of k.days) days.add(x);
        }
      }
      if (again.length === 0) return;
      writtenRows += await copyEvents(conn, {
        select: `SELECT c.*, ${DAY} AS day FROM read_parquet($1, hive_partitioning = false) c
          JOIN _direct_files f ON f.path = c._source_file
          ANTI JOIN _dup_rows x ON x.f = f.file_id AND x.r = c._record`,
        params: [again],
        dir: eventsDir,
        batchId: `${batchId}-d`,
        days: [...days].sort(),
      });
    });
    const expected = [...counts.values()].reduce((a, c) => a + c.written, 0);
    if (writtenRows !== expected) {
      throw new Error(
        `Internal accounting mismatch: wrote ${writtenRows} rows, counted ${expected}`,
      );
    }
    const eventFiles: string[] = [];
    for await (const path of walkFiles(eventsDir)) eventFiles.push(path);
    indexFiles = await traced("index", () => writeLakeIndex(conn, eventFiles, stagingDir, batchId));
    for (const path of [...eventFiles, ...indexFiles.map((f) => join(stagingDir, f))]) {
      const rel = relative(stagingDir, path);
      const target = join(lake.root, rel);
      await Deno.mkdir(dirname(target), { recursive: true });
      await Deno.rename(path, target);
      if (rel.startsWith("events/")) dataFiles.push(rel);
    }
  }

  // Rejects: refused records with their raw text, and files that could not be read at all.
  const rejectedRecords = [...counts.values()].reduce((a, c) => a + c.rejected, 0);
  if (rejectedRecords > 0 || failures.length > 0) {
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE _file_failures (_file_id INTEGER, reason VARCHAR)`,
    );
    for (const f of failures) {
      await runBound(conn, `INSERT INTO _file_failures VALUES ($1, $2)`, [f.id, f.failure!]);
    }
    const recordRejects = staged.parts.length > 0
      ? `SELECT _file_id, _record, _reject AS reason, _raw AS raw FROM _stage WHERE _reject IS NOT NULL`
      : `SELECT NULL::INTEGER AS _file_id, NULL::BIGINT AS _record, NULL::VARCHAR AS reason, NULL::VARCHAR AS raw WHERE false`;
    const rel = `rejects/${batchId}.parquet`;
    const out = join(stagingDir, `${batchId}.rejects.parquet`);
    await runBound(
      conn,
      `COPY (
        SELECT f.path AS source_file, f.sha256 AS source_sha256, r._record AS record, r.reason, r.raw, $2 AS batch
        FROM (${recordRejects}
              UNION ALL SELECT _file_id, NULL, reason, NULL FROM _file_failures) r
        JOIN _files f ON f.file_id = r._file_id
        ORDER BY f.path, r._record
      ) TO $1 (FORMAT parquet, COMPRESSION zstd)`,
      [out, batchId],
    );
    await Deno.rename(out, join(lake.root, rel));
    rejectsFile = rel;
  }
  return { dataFiles: dataFiles.sort(), indexFiles, rejectsFile, counts };
}
