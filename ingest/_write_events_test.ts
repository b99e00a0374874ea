import assert from "node:assert/strict";
import { join } from "node:path";
import { openEngine, runBound } from "./_duckdb.ts";
import { walkFiles } from "./_walk.ts";
import { copyEvents, MAX_DAY_COPIES } from "./_write_events.ts";

async function layout(conn: Parameters<typeof copyEvents>[0], dir: string) {
  const files: string[] = [];
  for await (const f of walkFiles(dir)) files.push(f.slice(dir.length + 1));
  files.sort();
  const rows = (await runBound(
    conn,
    `SELECT regexp_extract(filename, 'day=([^/]+)', 1) AS day, count(*)::INTEGER AS n, sum(x)::INTEGER AS s
     FROM read_parquet($1, filename = true, hive_partitioning = false) GROUP BY 1 ORDER BY 1`,
    [files.map((f) => join(dir, f))],
  )).getRowsJson();
  const columns = (await runBound(
    conn,
    `SELECT list(name ORDER BY name) FROM parquet_schema($1) WHERE name <> 'duckdb_schema'`,
    [join(dir, files[0])],
  )).getRowsJson()[0][0];
  return { files, rows, columns };
}

Deno.test("copyEvents() writes the layout of a partitioned COPY, by day or in one COPY", async (t) => {
  const dir = await Deno.makeTempDir();
  const engine = await openEngine({ threads: 2 });
  try {
    const { conn } = engine;
    for (const days of [3, MAX_DAY_COPIES + 2]) {
      await t.step(`${days} days`, async () => {
        await conn.run(`CREATE OR REPLACE TEMP TABLE t AS
          SELECT i AS x, CASE WHEN i % ${days} = 0 THEN NULL
            ELSE TIMESTAMPTZ '2026-11-01 23:30:00+00' + (i % ${days}) * INTERVAL 1 DAY END AS eventTime
          FROM range(1000) r(i)`);
        const select = `SELECT x, eventTime, $1 AS b,
          coalesce(strftime(eventTime, '%Y-%m-%d'), 'undated') AS day FROM t`;
        const dayList = (await conn.runAndReadAll(
          `SELECT DISTINCT ${"coalesce(strftime(eventTime, '%Y-%m-%d'), 'undated')"} FROM t ORDER BY 1`,
        ))
          .getRowsJson().map((r) => String(r[0]));
        const byDay = join(dir, `by-day-${days}`);
        const n = await copyEvents(conn, {
          select,
          params: ["batch"],
          dir: byDay,
          batchId: "20261105T000000Z-0a1b2c3d",
          days: dayList,
        });
        assert.equal(n, 1000);
        const partitioned = join(dir, `partitioned-${days}`);
        await runBound(
          conn,
          `COPY (${select}) TO $2 (FORMAT parquet, PARTITION_BY (day), FILENAME_PATTERN '20261105T000000Z-0a1b2c3d_{i}')`,
          ["batch", partitioned],
        );
        assert.deepEqual(await layout(conn, byDay), await layout(conn, partitioned));
      });
    }
    await t.step("refuses a day that is not a day", async () => {
      await assert.rejects(
        copyEvents(conn, {
          select: `SELECT 1 AS x, NULL::TIMESTAMPTZ AS eventTime, 'undated' AS day`,
          params: [],
          dir,
          batchId: "b",
          days: ["../x"],
        }),
        /Bad day/,
      );
    });
  } finally {
    engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});
