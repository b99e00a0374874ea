import assert from "node:assert/strict";
import { join } from "node:path";
import { ingest } from "../ingest/ingest.ts";
import { openLake, readBatches, recoverLake } from "../ingest/lake.ts";
import { hunt } from "../hunt/hunt.ts";
import { FIXTURES, tempDir } from "../hunt/_fixture_lake.ts";
import { openLakeDb, type OpenLakeOptions } from "./open_lake.ts";
import { collectReportData } from "../report/collect_report_data.ts";
import { huntSource } from "../report/hunt_source.ts";
import { timeline } from "../hunt/timeline.ts";
import { DEFAULT_CATALOG, loadActionCatalog } from "./action_catalog.ts";
import { setVariable } from "../ingest/_duckdb.ts";
import timelineSql from "./timeline.sql" with { type: "text" };

/**
 * The fixture cases and a generated estate of a few days in two ingests, the
 * second re-delivering part of the first.
 */
async function twoBatchLake(): Promise<string> {
  const cases = [...Deno.readDirSync(FIXTURES)].filter((e) => e.isDirectory).map((e) => e.name)
    .sort();
  const half = Math.ceil(cases.length / 2);
  const lake = join(await tempDir("podtrail-index-test-"), "lake");
  await ingest({ inputs: cases.slice(0, half).map((c) => join(FIXTURES, c)), lake });
  // Re-formatted copies: other files (other SHA-256), the same records, so every record is a
  // duplicate of one in the first ingest.
  const again = await tempDir("podtrail-index-again-");
  for (const c of cases.slice(0, 2)) {
    for (const f of Deno.readDirSync(join(FIXTURES, c))) {
      const text = await Deno.readTextFile(join(FIXTURES, c, f.name));
      await Deno.writeTextFile(
        join(again, `${c}-${f.name}`),
        JSON.stringify(JSON.parse(text), null, 1),
      );
    }
  }
  const { generateEstate } = await import("../generate/mod.ts");
  const estate = await tempDir("podtrail-index-estate-");
  await generateEstate({ out: estate, seed: 3, days: 2.5, scale: 0.1 });
  const second = await ingest({
    inputs: [...cases.slice(half).map((c) => join(FIXTURES, c)), again, join(estate, "AWSLogs")],
    lake,
  });
  assert.ok(second.records.duplicates > 0, "the second ingest re-delivers records");
  return lake;
}

/** A copy of `lake` whose manifests name no index: read as a lake of an older podtrail. */
async function withoutIndex(lake: string): Promise<string> {
  const copy = join(await tempDir("podtrail-noindex-"), "lake");
  await Deno.mkdir(copy);
  await new Deno.Command("cp", { args: ["-a", `${lake}/.`, copy] }).output();
  await Deno.remove(join(copy, "index"), { recursive: true });
  const dir = join(copy, "_podtrail", "batches");
  for (const e of Deno.readDirSync(dir)) {
    const batch = JSON.parse(Deno.readTextFileSync(join(dir, e.name)));
    delete batch.indexFiles;
    Deno.writeTextFileSync(join(dir, e.name), JSON.stringify(batch));
  }
  return copy;
}

async function rows(options: OpenLakeOptions, sql: string): Promise<string[]> {
  const db = await openLakeDb(options);
  try {
    const result = await db.conn.runAndReadAll(sql);
    return result.getRowsJson().map((r) => JSON.stringify(r)).sort();
  } finally {
    db.close();
  }
}

const FACTS =
  `SELECT * REPLACE (list_sort(candidateTimes) AS candidateTimes) FROM sa_session_facts`;

let shared: Promise<string> | undefined;
const sharedLake = () => shared ??= twoBatchLake();

Deno.test("the lake index gives the hunt what the events give it", async (t) => {
  const lake = await sharedLake();
  const bare = await withoutIndex(lake);
  const batches = await readBatches(await openLake(lake));
  assert.equal(batches.length, 2);

  await t.step("every batch lists its index files, and they exist", async () => {
    for (const b of batches) {
      assert.ok(b.indexFiles!.some((f) => f.startsWith("index/activity/day=")));
      for (const f of b.indexFiles!) await Deno.stat(join(lake, f));
    }
    assert.ok(batches.some((b) => b.indexFiles!.some((f) => f.startsWith("index/credentials/"))));
  });

  await t.step("the index holds every call with a key once (duplicates left out)", async () => {
    const [indexed] = await rows({ lake }, `SELECT sum(events) FROM key_activity`);
    const [events] = await rows(
      { lake },
      `SELECT count(*) FROM events WHERE userIdentity.accessKeyId IS NOT NULL`,
    );
    // RunInstances+PassRole rows repeat their RunInstances calls.
    const [passRole] = await rows(
      { lake },
      `SELECT coalesce(sum(events), 0) FROM key_activity WHERE action = 'RunInstances+PassRole'`,
    );
    const n = (row: string) => Number(JSON.parse(row)[0]);
    assert.equal(n(indexed) - n(passRole), n(events));
    assert.deepEqual(
      await rows({ lake }, `SELECT * FROM credential_rows`),
      await rows({ lake: bare }, `SELECT * FROM credential_rows`),
    );
  });

  const from = new Date(
    Date.parse(JSON.parse((await rows({ lake }, `SELECT min(eventTime) FROM events`))[0])[0]) +
      26.2 * 3600e3,
  );
  const to = new Date(
    Date.parse(JSON.parse((await rows({ lake }, `SELECT max(eventTime) FROM events`))[0])[0]) -
      3.7 * 3600e3,
  );
  for (
    const [name, range] of [
      ["the whole lake", {}],
      ["a range that starts and ends inside days", { from, to }],
      ["a range of whole days", {
        from: new Date(from.toISOString().slice(0, 10)),
        to: new Date(to.toISOString().slice(0, 10)),
      }],
    ] as const
  ) {
    await t.step(
      `${name}: the same session facts and findings with and without the index`,
      async () => {
        const facts = await rows({ lake, ...range }, FACTS);
        assert.ok(facts.length > 0);
        assert.deepEqual(facts, await rows({ lake: bare, ...range }, FACTS));
        const found = await hunt({ lake, ...range, minSeverity: "info" });
        const bareFound = await hunt({ lake: bare, ...range, minSeverity: "info" });
        assert.ok(found.length > 0);
        assert.deepEqual(found, bareFound);
      },
    );
  }

  await t.step("the same report data with and without the index", async () => {
    const report = (l: string) =>
      collectReportData({
        lake: l,
        hunt: huntSource(),
        minSeverity: "info",
        now: new Date("2026-12-01T00:00:00Z"),
      });
    const [withIndex, without] = [await report(lake), await report(bare)];
    assert.ok(withIndex.findings.length > 0 && withIndex.lake.sessions > 0);
    assert.deepEqual(withIndex.findings, without.findings);
    assert.deepEqual({ ...withIndex.lake, path: "" }, { ...without.lake, path: "" });
  });

  await t.step("recovery removes index files no manifest names", async () => {
    const stray = join(lake, "index", "activity", "day=2026-01-01", "killed_0.parquet");
    await Deno.mkdir(join(stray, ".."), { recursive: true });
    await Deno.writeTextFile(stray, "left by a killed ingest");
    const paths = await openLake(lake);
    assert.equal(await recoverLake(paths, await readBatches(paths)), 1);
    await assert.rejects(Deno.stat(stray), Deno.errors.NotFound);
    for (const b of batches) for (const f of b.indexFiles!) await Deno.stat(join(lake, f));
  });
});

Deno.test("selectDays() points events_of_days at the chosen days within the range", async () => {
  const lake = await sharedLake();
  const perDay = async (options: OpenLakeOptions, days: string[], view: string) => {
    const db = await openLakeDb(options);
    try {
      await db.selectDays(days);
      return (await db.conn.runAndReadAll(
        `SELECT day, count(*) AS n, min(eventTime)::VARCHAR AS first FROM ${view} GROUP BY day ORDER BY day`,
      )).getRowsJson();
    } finally {
      db.close();
    }
  };
  const all = await perDay({ lake }, [], "events");
  assert.ok(all.length >= 3, "the lake spans several days");
  const [first, second] = [String(all[0][0]), String(all[1][0])];
  assert.deepEqual(await perDay({ lake }, [second], "events_of_days"), [all[1]]);
  assert.deepEqual(await perDay({ lake }, [], "events_of_days"), []);
  // Within the session's range: a --from inside the chosen day cuts it.
  const from = new Date(`${second}T12:00:00Z`);
  assert.deepEqual(
    await perDay({ lake, from }, [first, second], "events_of_days"),
    (await perDay({ lake, from }, [], "events")).filter((r) => r[0] === second),
  );
});

Deno.test("timeline(), narrowed to the days of the tree, gives every event of the tree", async () => {
  const lake = await sharedLake();
  const findings = await hunt({ lake, minSeverity: "info" });
  const keys = [...new Set(findings.flatMap((f) => f.sessionKeys))].sort().slice(0, 12);
  assert.ok(keys.length >= 6);
  // The tree's events computed over the whole lake, without narrowing.
  const db = await openLakeDb({ lake });
  try {
    await loadActionCatalog(db.conn, DEFAULT_CATALOG);
    for (const key of keys) {
      const got = await timeline({ lake, key });
      const root = got[0].rootAccessKeyId;
      await setVariable(db.conn, "timeline_root", root);
      const want = (await db.conn.runAndReadAll(timelineSql)).getRowsJson();
      assert.ok(want.length > 0);
      assert.deepEqual(
        got.map((e) => `${e.kind} ${e.eventID} ${e.accessKeyId}`),
        want.map((r) => `${r[2]} ${r[1]} ${r[3]}`),
        key,
      );
    }
  } finally {
    db.close();
  }
});
