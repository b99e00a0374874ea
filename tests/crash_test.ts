/**
 * Crash safety: `podtrail ingest` killed with SIGKILL at several points leaves
 * a lake that `podtrail query` reads, and a re-run ends with exactly the
 * records of a clean run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, record, spawnCli, withTempDir, writeRecords } from "./_helpers.ts";

async function makeLogs(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  let i = 0;
  let previous: unknown[] = [];
  for (let f = 0; f < 40; f++) {
    const recs: unknown[] = [];
    for (let r = 0; r < 500; r++) {
      recs.push(record(++i, { eventTime: `2026-11-0${1 + (f % 5)}T10:00:00Z` }));
    }
    if (f > 0) recs.push(previous[7]); // a re-delivered duplicate in most files
    previous = recs;
    await writeRecords(join(dir, `f${String(f).padStart(3, "0")}.json.gz`), recs);
  }
}

/** Waits until a batch of the lake holds pass-1 output (a read is writing). */
async function reading(lake: string): Promise<void> {
  const staging = join(lake, "_podtrail", "staging");
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    try {
      for (const batch of Deno.readDirSync(staging)) {
        for (const f of Deno.readDirSync(join(staging, batch.name))) {
          if (f.name.startsWith("direct_") || f.name.startsWith("p1_")) return;
        }
      }
    } catch { /* not there yet */ }
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error("no read began");
}

async function count(lake: string): Promise<{ n: number; ids: number }> {
  const r = await cli([
    "query",
    "--lake",
    lake,
    "--format",
    "json",
    "SELECT count(*) AS n, count(DISTINCT eventID) AS ids FROM events",
  ]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout)[0];
}

Deno.test("ingest killed at any point: the lake stays readable and a re-run completes it exactly", async (t) => {
  await withTempDir(async (dir) => {
    const logs = join(dir, "logs");
    await makeLogs(logs);
    const clean = join(dir, "clean");
    const ok = await spawnCli(["ingest", logs, "--lake", clean, "--json"]).output();
    assert.equal(ok.code, 0, new TextDecoder().decode(ok.stderr));
    const expected = await count(clean);
    assert.deepEqual(expected, { n: 20000, ids: 20000 });

    const kills: [string, Record<string, string>, boolean][] = [
      ["while reading", {}, true],
      ["after staging, before the Parquet write", { PODTRAIL_FAILPOINT: "staged" }, false],
      ["after the data files moved, before the manifest", { PODTRAIL_FAILPOINT: "moved" }, false],
      ["while renaming the manifest into place", { PODTRAIL_FAILPOINT: "manifest" }, false],
    ];
    for (const [name, env, whileReading] of kills) {
      await t.step(name, async () => {
        const lake = join(dir, `lake-${name.replace(/\W+/g, "-")}`);
        const child = spawnCli(["ingest", logs, "--lake", lake], { env }).spawn();
        if (whileReading) {
          // Killed once a read has begun to write (a fixed delay outlived the whole ingest).
          await reading(lake);
          try {
            child.kill("SIGKILL");
          } catch { /* already gone */ }
        }
        const status = await child.output();
        assert.notEqual(status.code, 0, "the ingest was killed");
        // The lake is readable right after the kill (perhaps empty).
        const during = await count(lake).catch(() => ({ n: 0, ids: 0 }));
        assert.ok(during.n <= expected.n);
        assert.equal(during.n, during.ids, "never a duplicate row");
        const rerun = await spawnCli(["ingest", logs, "--lake", lake, "--json"]).output();
        assert.equal(rerun.code, 0, new TextDecoder().decode(rerun.stderr));
        assert.deepEqual(await count(lake), expected);
        // What an outside reader (Athena, Spark) sees in the folder matches too: no leftovers.
        const glob = await cli([
          "query",
          "--lake",
          lake,
          "--format",
          "json",
          `SELECT count(*) AS n FROM read_parquet('${lake}/events/*/*.parquet')`,
        ]);
        assert.equal(JSON.parse(glob.stdout)[0].n, expected.n);
      });
    }
  });
});

Deno.test("a second ingest into a locked lake exits 4 and changes nothing", async () => {
  await withTempDir(async (dir) => {
    const logs = join(dir, "logs");
    await Deno.mkdir(logs);
    await writeRecords(join(logs, "a.json"), [record(1)]);
    const lake = join(dir, "lake");
    assert.equal((await cli(["ingest", logs, "--lake", lake, "-q"])).code, 0);
    // A live process (this test) holds the lock.
    await Deno.writeTextFile(
      join(lake, "_podtrail", "lock"),
      JSON.stringify({ pid: Deno.pid, hostname: Deno.hostname(), since: "now" }),
    );
    await writeRecords(join(logs, "b.json"), [record(2)]);
    const r = await spawnCli(["ingest", logs, "--lake", lake]).output();
    assert.equal(r.code, 4);
    assert.match(
      new TextDecoder().decode(r.stderr),
      /^podtrail: Lake ".*" is locked by another ingest/,
    );
    await Deno.remove(join(lake, "_podtrail", "lock"));
    assert.deepEqual(await count(lake), { n: 1, ids: 1 });
  });
});
