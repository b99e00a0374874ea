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
