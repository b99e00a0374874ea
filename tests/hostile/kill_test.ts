/**
 * Crash safety beyond tests/crash_test.ts: a bigger input with rejects and
 * re-deliveries, ingested in several batches, killed with SIGKILL at the
 * failpoints and at points of the run found by watching the lake (reading the
 * first batch, the Parquet write of the third, between batches). After each
 * kill `podtrail query` reads the lake and holds no row twice, a re-run ends
 * with exactly the events and rejects of a clean run, and nothing is left
 * outside the manifest. A second ingest while one runs is refused with exit 4.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  cli,
  podtrailCommand,
  record,
  ROOT,
  TASK_PERMISSIONS,
  withTempDir,
  writeRecords,
} from "./_hostile.ts";

const FILES = 36;
const PER_FILE = 300;

async function makeLogs(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  let i = 0;
  let previous: unknown[] = [];
  for (let f = 0; f < FILES; f++) {
    const day = String(1 + (f % 6)).padStart(2, "0");
    const recs: unknown[] = [];
    for (let r = 0; r < PER_FILE; r++) {
      recs.push(
        record(++i, { eventTime: `2026-11-${day}T10:${String(r % 60).padStart(2, "0")}:00Z` }),
      );
    }
    if (f > 0) recs.push(previous[3]); // a re-delivery of the previous file's record
    if (f % 7 === 0) recs.push(record(++i, { eventTime: "not a time" })); // a reject
    previous = recs;
    await writeRecords(join(dir, `f${String(f).padStart(3, "0")}.json.gz`), recs);
  }
  const gz = gzipSync(JSON.stringify({ Records: [record(++i)] }));
  await Deno.writeFile(join(dir, "truncated.json.gz"), gz.subarray(0, gz.length - 9));
}

/** An order-free fingerprint of the lake's events and rejects, as a responder would query it. */
async function fingerprint(lake: string): Promise<Record<string, unknown>> {
  const r = await cli([
    "query",
    "--lake",
    lake,
    "--format",
    "json",
    `SELECT (SELECT count(*) FROM events) AS n,
       (SELECT count(DISTINCT (eventID, _source_sha256, _record)) FROM events) AS distinct_rows,
       (SELECT bit_xor(hash(eventID, eventTime, _source_sha256, _record)) FROM events)::VARCHAR AS events,
       (SELECT count(*) FROM rejects) AS rejects,
       (SELECT bit_xor(hash(source_sha256, record, reason)) FROM rejects)::VARCHAR AS reasons`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout)[0];
}

/** Parquet files an outside reader (Athena, Spark) would glob, against those the manifest names. */
async function leftovers(lake: string): Promise<string[]> {
  const named = new Set<string>();
  for (const e of Deno.readDirSync(join(lake, "_podtrail", "batches"))) {
    const b = JSON.parse(await Deno.readTextFile(join(lake, "_podtrail", "batches", e.name)));
    for (const f of b.dataFiles) named.add(f);
    if (b.rejectsFile) named.add(b.rejectsFile);
  }
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of Deno.readDirSync(join(lake, rel))) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory) walk(p);
      else if (!named.has(p)) out.push(p);
    }
  };
  walk("events");
  walk("rejects");
  return out;
}

function driver(lake: string, logs: string, env: Record<string, string> = {}) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...TASK_PERMISSIONS,
      "--quiet",
      join(ROOT, "tests", "hostile", "_ingest_driver.ts"),
      String(3 * 1024 * 1024), // about a fifth of the input per batch
      lake,
      logs,
    ],
    stdout: "piped",
    stderr: "piped",
    env,
  });
}

async function waitFor(path: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      await Deno.lstat(path);
      return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${path} did not appear`);
}

Deno.test({
  name: "ingest killed at failpoints and at points of a several-batch run: readable, then exact",
  sanitizeResources: false,
  async fn(t) {
    await withTempDir(async (dir) => {
      const logs = join(dir, "logs");
      await makeLogs(logs);
      const clean = join(dir, "clean");
      await t.step("clean run; a second ingest meanwhile is refused with exit 4", async () => {
        const first = podtrailCommand(["ingest", logs, "--lake", clean, "-q"]).spawn();
        await waitFor(join(clean, "_podtrail", "lock"));
        const second = await podtrailCommand(["ingest", logs, "--lake", clean]).output();
        const status = await first.output();
        assert.equal(status.code, 3, new TextDecoder().decode(status.stderr));
        const err = new TextDecoder().decode(second.stderr);
        assert.equal(second.code, 4, err);
        assert.match(err, /^podtrail: Lake ".*" is locked by another ingest/);
        assert.equal(err.trimEnd().split("\n").length, 1);
      });
      const expected = await fingerprint(clean);
      assert.equal(expected.n, FILES * PER_FILE);
      assert.equal(expected.distinct_rows, expected.n);
      assert.equal(expected.rejects, Math.ceil(FILES / 7) + 1); // the bad times and the truncated file

      /** Manifests committed so far. */
      const committedBatches = (lake: string) => {
        try {
          return [...Deno.readDirSync(join(lake, "_podtrail", "batches"))]
            .filter((e) => e.name.endsWith(".json")).length;
        } catch {
          return 0;
        }
      };
      /**
       * Batches in staging, and whether one holds pass-1 Parquet (the full reader's staging
       * rows, `p1_*`, or the fast reader's lake rows, `direct_*`).
       */
      const staging = (lake: string) => {
        try {
          const batches = [...Deno.readDirSync(join(lake, "_podtrail", "staging"))];
          const written = batches.some((b) =>
            [...Deno.readDirSync(join(lake, "_podtrail", "staging", b.name))].some((f) =>
              f.name.startsWith("p1_") || f.name.startsWith("direct_")
            )
          );
          return { batches: batches.length, written };
        } catch {
          return { batches: 0, written: false };
        }
      };
      // Kills at points of the run itself (not at times, which depend on the machine).
      const kills: [string, Record<string, string>, ((lake: string) => boolean) | undefined][] = [
        [
          "failpoint moved (data files in place, no manifest)",
          { PODTRAIL_FAILPOINT: "moved" },
          undefined,
        ],
        [
          "failpoint manifest (manifest written, not renamed)",
          { PODTRAIL_FAILPOINT: "manifest" },
          undefined,
        ],
        ["while reading the first batch", {}, (lake) => staging(lake).batches > 0],
        [
          "during the Parquet write of the third batch",
          {},
          (lake) => committedBatches(lake) >= 2 && staging(lake).written,
        ],
        ["between batches, three committed", {}, (lake) => committedBatches(lake) >= 3],
      ];
      for (const [name, env, when] of kills) {
        await t.step(name, async () => {
          const lake = join(dir, `lake-${name.replace(/\W+/g, "-")}`);
          const child = driver(lake, logs, env).spawn();
          if (when) {
            await waitFor(join(lake, "_podtrail", "lock"));
            while (!when(lake)) await new Promise((r) => setTimeout(r, 2));
            try {
              child.kill("SIGKILL");
            } catch { /* it had finished */ }
          }
          const status = await child.output();
          assert.equal(status.signal, "SIGKILL", "killed before it finished");
          // The lake reads right after the kill, and holds no row twice.
          const during = await fingerprint(lake).catch((e) => {
            // A kill before the lake was even created leaves nothing to read.
            if (when) return { n: 0, distinct_rows: 0 };
            throw e;
          });
          assert.ok(Number(during.n) <= Number(expected.n));
          assert.equal(during.n, during.distinct_rows, "never a row twice");
          const rerun = await cli(["ingest", logs, "--lake", lake, "-q"]);
          assert.ok([0, 3].includes(rerun.code), rerun.stderr);
          assert.deepEqual(await fingerprint(lake), expected);
          assert.deepEqual(await leftovers(lake), [], "no file outside the manifest");
        });
      }
    });
  },
});
