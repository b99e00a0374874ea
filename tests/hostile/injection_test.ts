/**
 * Injection: lake paths, input paths, file names and CLI values that hold
 * quotes, semicolons, `$`, newlines, `../` and `key=value` folders are data,
 * never SQL or Hive partitions; nothing is written outside the lake or the
 * requested output.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  cli,
  podtrail,
  queryJson,
  record,
  ROOT,
  TASK_PERMISSIONS,
  withTempDir,
  writeRecords,
} from "./_hostile.ts";

/** Every file below `dir` (relative), links not followed. */
function tree(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...tree(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

Deno.test("key=value folders in the lake path or an input path are not Hive partitions", async (t) => {
  await withTempDir(async (dir) => {
    // A case folder named like a partition, with names of lake columns.
    const lake = join(dir, "eventName=HIJACK", "day=1999-01-01", "x=1", "lake");
    await Deno.mkdir(join(dir, "eventName=HIJACK", "day=1999-01-01", "x=1"), { recursive: true });
    // Input folders named after the readers' own columns.
    const inputs = ["json=PWN", "Records=PWN", "filename=PWN"].map((d) => join(dir, "in", d));
    for (const [i, d] of inputs.entries()) {
      await Deno.mkdir(d, { recursive: true });
      await writeRecords(join(d, "a.json"), [record(i + 1), record(i + 10)]);
    }
    const first = await cli(["ingest", ...inputs, "--lake", lake, "--json"]);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    await t.step("every record is read as written", () => {
      assert.deepEqual(JSON.parse(first.stdout).records, {
        read: 6,
        written: 6,
        duplicates: 0,
        rejected: 0,
      });
    });
    await t.step("the events view shows the logged values and the real day", async () => {
      const rows = await queryJson(
        lake,
        `SELECT DISTINCT eventName, day FROM events`,
      );
      assert.deepEqual(rows, [{ eventName: "ListUsers", day: "2026-11-05" }]);
      const columns = await queryJson(lake, `SELECT column_name FROM (DESCRIBE events)`);
      assert.ok(!columns.some((c) => c.column_name === "x"), "no column from the lake path");
    });
    await t.step(
      "the Parquet files hold the logged values (what Athena or Spark read)",
      async () => {
        const files = tree(join(lake, "events")).map((f) => join(lake, "events", f));
        const { runBound, openEngine } = await import("../../ingest/_duckdb.ts");
        const engine = await openEngine({ threads: 1 });
        try {
          const r = await runBound(
            engine.conn,
            `SELECT DISTINCT eventName FROM read_parquet($1::VARCHAR[], hive_partitioning = false)`,
            [files],
          );
          assert.deepEqual(r.getRowsJson(), [["ListUsers"]]);
        } finally {
          engine.close();
        }
      },
    );
    await t.step("a re-delivery into that lake is a duplicate", async () => {
      await writeRecords(join(dir, "in", "again.json"), [record(1), record(99)]);
      const again = await cli(["ingest", join(dir, "in", "again.json"), "--lake", lake, "--json"]);
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(JSON.parse(again.stdout).records, {
        read: 2,
        written: 1,
        duplicates: 1,
        rejected: 0,
      });
    });
    await t.step("the manifest and rejects views read the lake's own values", async () => {
      const bad = join(dir, "in", "id=PWN", "reason=PWN");
      await Deno.mkdir(bad, { recursive: true });
      await writeRecords(join(bad, "bad.json"), [record(50, { eventTime: "soon" })]);
      const badLake = join(dir, "batch=PWN", "id=PWN", "lake");
      const r = await cli(["ingest", bad, "--lake", badLake, "-q"]);
      assert.equal(r.code, 3, r.stderr);
      const rejects = await queryJson(badLake, `SELECT reason, batch FROM rejects`);
      assert.equal(rejects.length, 1);
      assert.match(String(rejects[0].reason), /^eventTime is not a time/);
      assert.match(String(rejects[0].batch), /^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
      const manifest = await queryJson(badLake, `SELECT batch FROM manifest`);
      assert.match(String(manifest[0].batch), /^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    });
  });
});

Deno.test("a query that spills to disk writes nothing into the working directory or the lake", async () => {
  await withTempDir(async (dir) => {
    await writeRecords(join(dir, "a.json"), [record(1)]);
    const lake = join(dir, "lake");
    assert.equal((await cli(["ingest", join(dir, "a.json"), "--lake", lake, "-q"])).code, 0);
    const before = tree(lake);
    const cwd = join(dir, "cwd");
    await Deno.mkdir(cwd);
    // A window over 3M strings under a 100MB limit spills (and DuckDB removes its
    // spill folder at the end: the folder is watched while the query runs).
    const script = `
      import { queryLake } from ${JSON.stringify(join(ROOT, "queries", "query_lake.ts"))};
      const r = await queryLake({ lake: ${JSON.stringify(lake)}, memoryLimit: "100MB", threads: 1,
        sql: "SELECT max(rn) AS n FROM (SELECT row_number() OVER (ORDER BY m) AS rn FROM (SELECT md5(range::VARCHAR) AS m FROM range(3000000)))" });
      console.log(JSON.stringify(r.rows));`;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", "--config", join(ROOT, "deno.json"), ...TASK_PERMISSIONS, script],
      cwd,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const seen = new Set<string>();
    let done = false;
    const result = child.output().finally(() => (done = true));
    while (!done) {
      for (const e of Deno.readDirSync(cwd)) seen.add(e.name);
      for (const f of tree(lake)) if (!before.includes(f)) seen.add(`lake/${f}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const out = await result;
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), [{ n: 3000000 }]);
    assert.deepEqual([...seen], [], "nothing written into the working directory or the lake");
  });
});

/** Names that would do something if pasted into SQL, a shell or a path. */
const HOSTILE_NAMES = [
  "x'); COPY (SELECT 42) TO 'canary-sql.csv'; --.json",
  "\"; ATTACH 'canary.db' AS c; --.json",
  "$(touch canary-shell).json",
  "`touch canary-tick`.json",
  "line\nbreak\r.json",
  "semi;colon&amp;.json",
  "back\\slash%s%n{{x}}.json",
  "..json",
  "-rf --lake .json",
  " lead and trail .json",
  "\u001b[31mred\u001b[0m.json",
  "unicode-ünï©ødé-\u202Egnp.json",
  "day=1999-01-01.json",
];

Deno.test("hostile file names, lake path and CLI values are data for every command", async (t) => {
  await withTempDir(async (dir) => {
    const inputs = join(dir, "in");
    await Deno.mkdir(inputs);
    const paths = HOSTILE_NAMES.map((name) => join(inputs, name));
    for (const [i, p] of paths.entries()) await writeRecords(p, [record(i + 1)]);
    // The lake path goes through ../ and holds quotes, a semicolon, $ and a newline.
    await Deno.mkdir(join(dir, "up"));
    const lake = join(dir, "up", "..", `lake'"; DROP TABLE events; --$HOME\nx`);
    const resolvedLake = join(dir, `lake'"; DROP TABLE events; --$HOME\nx`);
    const output = join(dir, `report'"; $(id)\n.html`);
    const cwd = join(dir, "cwd");
    await Deno.mkdir(cwd);
    const run = (args: string[]) => podtrail(args, { cwd });

    await t.step("ingest: every file read, its exact path kept as provenance", async () => {
      const r = await run(["ingest", inputs, "--lake", lake, "--json"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).records.written, paths.length);
      const rows = await queryJson(resolvedLake, `SELECT DISTINCT _source_file AS f FROM events`);
      assert.deepEqual(rows.map((x) => x.f).sort(), [...paths].sort());
    });
    await t.step("query, hunt, timeline, sigma run and report over that lake", async () => {
      const q = await run([
        "query",
        "--lake",
        lake,
        "--format",
        "json",
        "SELECT count(*) AS n FROM events",
      ]);
      assert.equal(q.code, 0, q.stderr);
      assert.deepEqual(JSON.parse(q.stdout), [{ n: paths.length }]);
      const h = await run(["hunt", "--lake", lake, "--format", "json"]);
      assert.equal(h.code, 0, h.stderr);
      const tl = await run(["timeline", "--lake", lake, "--key", "ASIAEXAMPLEKEY000001"]);
      assert.ok([0, 2].includes(tl.code), tl.stderr);
      assert.doesNotMatch(tl.stderr, /internal error/);
      const rule = join(dir, "rule'; --.yml");
      await Deno.writeTextFile(
        rule,
        [
          "title: hostile values",
          "id: 6f1b7d8e-3c2a-4b5d-9e8f-0a1b2c3d4e5f",
          "logsource: {product: aws, service: cloudtrail}",
          "detection:",
          "  selection:",
          `    eventName: ["x'); COPY (SELECT 1) TO 'canary-sigma.csv'; --", "ListUsers"]`,
          `    userAgent|contains: "'; --"`,
          "  condition: not selection",
          "level: low",
        ].join("\n"),
      );
      const s = await run(["sigma", "run", rule, "--lake", lake, "--format", "json"]);
      assert.equal(s.code, 0, s.stderr);
      const title = `<'"; $(id) \`id\` ${"${x}"}>`;
      const rep = await run(["report", "--lake", lake, "-o", output, "--title", title]);
      assert.equal(rep.code, 0, rep.stderr);
      assert.ok((await Deno.readTextFile(output)).includes("&lt;&#39;&quot;; $(id) `id` ${x}&gt;"));
    });
    // The loops run in this process: their canaries are absolute paths in the watched folder.
    const canary = (name: string) => join(cwd, name).replaceAll("'", "''");
    await t.step("CLI values that are not values are refused, one line, exit 2", async () => {
      const bad: string[][] = [
        [
          "ingest",
          inputs,
          "--lake",
          lake,
          "--memory-limit",
          `1GB'; COPY (SELECT 1) TO '${canary("canary.csv")}`,
        ],
        ["ingest", inputs, "--lake", lake, "--threads", "1; DROP TABLE events"],
        ["query", "--lake", lake, "--from", "2026-11-05'; --", "SELECT 1"],
        ["query", "--lake", lake, "--format", "json; rm -rf /", "SELECT 1"],
        ["hunt", "--lake", lake, "--window", "1h'; --"],
        ["hunt", "--lake", lake, "--min-actions", "3 OR 1=1"],
        ["hunt", "--lake", lake, "--rule", "x' OR '1'='1"],
        ["report", "--lake", lake, "-o", output, "--min-severity", "high'; --"],
      ];
      for (const args of bad) {
        const r = await cli(args);
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.code} ${r.stderr}`);
        assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
      }
    });
    await t.step("statements that write are refused, however they are spelled", async () => {
      const copy = `COPY (SELECT 1) TO '${canary("canary.csv")}'`;
      for (
        const sql of [
          copy,
          `SELECT 1; ${copy}`,
          `EXPORT DATABASE '${canary("canary-db")}'`,
          `ATTACH '${canary("canary.db")}' AS c`,
          "INSTALL httpfs",
          `SET temp_directory = '${canary("canary-dir")}'`,
          "CREATE TABLE canary AS SELECT 1",
          "CALL pragma_version()",
          `EXPLAIN ANALYZE COPY (SELECT 1) TO '${canary("canary-explain.csv")}'`,
          "EXPLAIN ANALYZE CREATE TABLE canary AS SELECT 1",
          `SELECT * FROM query('${copy.replaceAll("'", "''")}')`,
        ]
      ) {
        const r = await cli(["query", "--lake", lake, sql]);
        assert.equal(r.code, 5, `${sql}: ${r.stderr}`);
      }
    });
    await t.step("queries that only read still run", async () => {
      for (
        const sql of [
          "EXPLAIN SELECT * FROM events",
          "EXPLAIN ANALYZE SELECT count(*) FROM events",
          "DESCRIBE events",
          "SHOW TABLES",
          "SUMMARIZE SELECT 1",
          "PRAGMA version",
          "FROM events LIMIT 1",
        ]
      ) {
        const r = await cli(["query", "--lake", lake, sql]);
        assert.equal(r.code, 0, `${sql}: ${r.stderr}`);
      }
    });
    await t.step("nothing was written outside the lake and the report", () => {
      assert.deepEqual([...Deno.readDirSync(cwd)].map((e) => e.name), [], "the working directory");
      const top = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
      assert.deepEqual(
        top,
        [
          "cwd",
          "in",
          `lake'"; DROP TABLE events; --$HOME\nx`,
          `report'"; $(id)\n.html`,
          "rule'; --.yml",
          "up",
        ].sort(),
      );
      assert.deepEqual([...Deno.readDirSync(join(dir, "up"))], []);
      assert.deepEqual(
        [...Deno.readDirSync(inputs)].map((e) => e.name).sort(),
        [...HOSTILE_NAMES].sort(),
        "the inputs are untouched",
      );
    });
  });
});
