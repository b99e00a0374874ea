import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ingest, type IngestSummary } from "./ingest.ts";
import { queryLake } from "../queries/query_lake.ts";
import { LakePaths, lockLake } from "./lake.ts";
import { LakeLockedError } from "../errors.ts";
import { record, withTempDir, writeRecords } from "../tests/_helpers.ts";

const SHAPES = new URL("./testdata/shapes/", import.meta.url).pathname;

function assertAccounting(s: IngestSummary): void {
  const r = s.records;
  assert.equal(
    r.read,
    r.written + r.duplicates + r.rejected,
    "read = written + duplicates + rejected",
  );
}

async function rows(lake: string, sql: string) {
  return (await queryLake({ lake, sql })).rows;
}

Deno.test("ingest() reads every shape detected from content", async (t) => {
  await withTempDir(async (dir) => {
    const lake = join(dir, "lake");
    const s = await ingest({ inputs: [SHAPES], lake });
    assertAccounting(s);
    const perFile = new Map(
      (await rows(
        lake,
        `SELECT regexp_extract(path, '[^/]+$') AS f, status, records_written AS w FROM manifest`,
      )).map((r) => [r.f as string, r]),
    );
    const expected: Record<string, number> = {
      "records.json": 3, // 1. {"Records":[…]} on one line
      "records_pretty.json": 2, // 1. pretty-printed
      "records.json.gz": 4,
      "array.json": 2, // 2. bare array
      "single.json": 1, // 3. single record object
      "lines.jsonl": 3, // 4. JSON lines of records
      "batches.jsonl": 4, // 4. JSON lines of {"Records":[…]} batches
      "lines.ndjson.gz": 2,
      "lookup.json": 2, // 5. lookup-events with CloudTrailEvent strings
      "eventbridge.json": 2, // 6. EventBridge envelopes
      "ecs.ndjson": 2, // 7. Elastic/ECS event.original
      "bom.json": 2, // 8. UTF-8 BOM
      "lake_time.json": 1, // 8. CloudTrail-Lake eventTime
      "insight.json": 1,
    };
    for (const [file, n] of Object.entries(expected)) {
      await t.step(`${file}: ${n} records`, () => {
        assert.equal(perFile.get(file)?.status, "ingested", file);
        assert.equal(perFile.get(file)?.w, n, file);
      });
    }
    await t.step("S3-delivery files are read together in one DuckDB scan", async () => {
      const r = await rows(
        lake,
        `SELECT regexp_extract(path, '[^/]+$') AS f, reader FROM manifest WHERE reader = 'batch' ORDER BY 1`,
      );
      assert.deepEqual(r.map((x) => x.f), [
        "insight.json",
        "records.json",
        "records.json.gz",
        "records_pretty.json",
      ]);
    });
    await t.step("the digest file is skipped and counted", () => {
      assert.equal(s.files.skipped.digest, 1);
      assert.equal(s.records.written, 31);
    });
    await t.step("fields are typed", async () => {
      const [r] = await rows(
        lake,
        `SELECT eventTime, readOnly, managementEvent, userIdentity.sessionContext.sessionIssuer.userName AS issuer,
           userIdentity.sessionContext.webIdFederationData.federatedProvider AS provider,
           typeof(eventTime) AS t, typeof(readOnly) AS b
         FROM events WHERE eventID LIKE '%000000000030'`,
      );
      assert.equal(r.eventTime, "2026-11-05T10:43:57Z"); // "2026-11-05 10:43:57.000000000"
      assert.equal(r.t, "TIMESTAMP WITH TIME ZONE");
      assert.equal(r.b, "BOOLEAN");
      assert.equal(r.readOnly, true);
      assert.equal(r.issuer, "app-role");
      assert.match(String(r.provider), /oidc-provider\/oidc\.eks\.us-east-1/);
    });
    await t.step("provenance: file, SHA-256 and position of every record", async () => {
      const r = await rows(
        lake,
        `SELECT _record, _source_sha256 FROM events WHERE _source_file LIKE '%batches.jsonl' ORDER BY _record`,
      );
      assert.deepEqual(r.map((x) => x._record), [0, 1, 2, 3]);
      const sha = await crypto.subtle.digest(
        "SHA-256",
        await Deno.readFile(join(SHAPES, "batches.jsonl")),
      );
      const hex = [...new Uint8Array(sha)].map((b) => b.toString(16).padStart(2, "0")).join("");
      assert.equal(r[0]._source_sha256, hex);
    });
    await t.step("Insights records are kept and marked", async () => {
      const r = await rows(
        lake,
        `SELECT eventType, insightDetails->>'insightType' AS k FROM events WHERE _insight`,
      );
      assert.deepEqual(r, [{ eventType: "AwsCloudTrailInsight", k: "ApiCallRateInsight" }]);
    });
    await t.step("partitions are Hive-style days", () => {
      const days = [...Deno.readDirSync(join(lake, "events"))].map((e) => e.name);
      assert.deepEqual(days, ["day=2026-11-05"]);
    });
  });
});

Deno.test("ingest() keeps what the schema does not know in extra", async () => {
  await withTempDir(async (dir) => {
    await writeRecords(join(dir, "a.json"), [
      record(1, { newTopLevelField: { x: [1, 2] }, readOnly: "maybe" }),
      record(2, {
        userIdentity: { ...record(0).userIdentity as object, futureIdentityField: "kept" },
      }),
      record(3, { userIdentity: "not an object" }),
    ]);
    const lake = join(dir, "lake");
    const s = await ingest({ inputs: [dir], lake });
    assertAccounting(s);
    assert.equal(s.records.written, 3);
    const r = await rows(lake, `SELECT eventID[-1:] AS i, extra FROM events ORDER BY 1`);
    assert.deepEqual(r[0].extra, { newTopLevelField: { x: [1, 2] }, readOnly: "maybe" });
    assert.equal(
      (r[1].extra as { userIdentity: { futureIdentityField: string } }).userIdentity
        .futureIdentityField,
      "kept",
    );
    assert.deepEqual(r[2].extra, { userIdentity: "not an object" });
  });
});

Deno.test("ingest() drops re-delivered duplicates, within a run and across runs", async (t) => {
  await withTempDir(async (dir) => {
    const lake = join(dir, "lake");
    const logs = join(dir, "logs");
    await Deno.mkdir(logs);
    await writeRecords(join(logs, "a.json.gz"), [record(1), record(2), record(3)]);
    // CloudTrail re-delivers record 2 in a later file; record 4 is new.
    await writeRecords(join(logs, "b.json.gz"), [record(2), record(4)]);
    // Same eventID, different event: not a duplicate (kept, evidence of a collision).
    await writeRecords(join(logs, "c.json"), [record(1, { eventName: "DeleteTrail" })]);
    const first = await ingest({ inputs: [logs], lake });
    assertAccounting(first);
    await t.step("within a run", () => {
      assert.deepEqual(first.records, { read: 6, written: 5, duplicates: 1, rejected: 0 });
    });
    const n = await rows(lake, `SELECT count(*) AS n, count(DISTINCT eventID) AS ids FROM events`);
    assert.deepEqual(n, [{ n: 5, ids: 4 }]);
    await t.step("re-running on the same input adds nothing and says so", async () => {
      const again = await ingest({ inputs: [logs], lake });
      assert.equal(again.files.skipped.alreadyInLake, 3);
      assert.deepEqual(again.records, { read: 0, written: 0, duplicates: 0, rejected: 0 });
    });
    await t.step("a new file is added; its re-delivered records count as duplicates", async () => {
      await writeRecords(join(logs, "d.json"), [record(3), record(5)]);
      const more = await ingest({ inputs: [logs], lake });
      assertAccounting(more);
      assert.equal(more.files.ingested, 1);
      assert.deepEqual(more.records, { read: 2, written: 1, duplicates: 1, rejected: 0 });
      const total = await rows(lake, `SELECT count(*) AS n FROM events`);
      assert.equal(total[0].n, 6);
    });
    await t.step("records without eventID are keyed by content", async () => {
      const noId = { ...record(9) };
      delete noId.eventID;
      await writeRecords(join(logs, "e.json"), [noId, noId, { ...noId, eventName: "GetUser" }]);
      const s = await ingest({ inputs: [logs], lake });
      assert.deepEqual(s.records, { read: 3, written: 2, duplicates: 1, rejected: 0 });
    });
  });
});

Deno.test("ingest() rejects what it cannot read, with reasons, and ingests the rest", async (t) => {
  await withTempDir(async (dir) => {
    const logs = join(dir, "logs");
    await Deno.mkdir(logs);
    await writeRecords(join(logs, "good.json.gz"), [record(1), record(2)]);
    const gz = gzipSync(JSON.stringify({ Records: [record(3), record(4)] }));
    await Deno.writeFile(join(logs, "truncated.json.gz"), gz.subarray(0, gz.length - 30));
    await Deno.writeTextFile(
      join(logs, "invalid.json"),
      '{"Records":[{"eventName":"A" "eventSource"}]}',
    );
    await writeRecords(join(logs, "types.json"), [
      record(5, { eventTime: "yesterday-ish" }),
      record(6, { eventTime: 1730800000 }),
      record(7, { eventName: 42, readOnly: "true" }),
      17,
    ]);
    await Deno.writeTextFile(join(logs, "empty.json"), "");
    await Deno.writeTextFile(join(logs, "config.json"), '{"name":"not a log","version":3}');
    const lake = join(dir, "lake");
    const s = await ingest({ inputs: [logs], lake });
    assertAccounting(s);
    const problems = new Map(s.problems.map((p) => [p.path.split("/").pop(), p.reason]));
    await t.step("truncated gzip", () => {
      assert.match(problems.get("truncated.json.gz") ?? "", /gzip/);
    });
    await t.step("invalid JSON", () => {
      assert.match(problems.get("invalid.json") ?? "", /invalid JSON/);
    });
    await t.step("an empty file and a JSON file that is not CloudTrail", () => {
      assert.match(problems.get("empty.json") ?? "", /empty/);
      assert.match(problems.get("config.json") ?? "", /not CloudTrail/);
    });
    await t.step("records that cannot be typed are rejected one by one", async () => {
      assert.equal(s.files.failed, 4);
      assert.deepEqual(s.records, { read: 6, written: 3, duplicates: 0, rejected: 3 });
      const r = await rows(
        lake,
        `SELECT regexp_extract(source_file, '[^/]+$') AS f, record, reason FROM rejects ORDER BY f, record`,
      );
      const reasons = r.filter((x) => x.f === "types.json");
      assert.deepEqual(reasons.map((x) => x.record), [0, 1, 3]);
      assert.match(String(reasons[0].reason), /eventTime is not a time: "yesterday-ish"/);
      assert.match(String(reasons[2].reason), /not a JSON object/);
      const files = r.filter((x) => x.record === null).map((x) => x.f);
      assert.deepEqual(files, ["config.json", "empty.json", "invalid.json", "truncated.json.gz"]);
    });
    await t.step("a number where a string belongs is kept as text", async () => {
      const r = await rows(lake, `SELECT eventName, readOnly FROM events WHERE eventID LIKE '%7'`);
      assert.deepEqual(r, [{ eventName: "42", readOnly: true }]);
    });
  });
});

Deno.test("lockLake() refuses a second ingest and takes over a dead one's lock", async (t) => {
  await withTempDir(async (dir) => {
    const lake = join(dir, "lake");
    await writeRecords(join(dir, "a.json"), [record(1)]);
    await ingest({ inputs: [join(dir, "a.json")], lake });
    const paths = new LakePaths(lake);
    await t.step("held lock", async () => {
      const lock = await lockLake(paths);
      try {
        await assert.rejects(ingest({ inputs: [join(dir, "a.json")], lake }), LakeLockedError);
      } finally {
        await lock.release();
      }
    });
    await t.step("stale lock of a process that is gone", async () => {
      await Deno.writeTextFile(
        paths.lock,
        JSON.stringify({ pid: 2 ** 22 + 12345, hostname: Deno.hostname(), since: "x" }),
      );
      const s = await ingest({ inputs: [join(dir, "a.json")], lake });
      assert.equal(s.files.skipped.alreadyInLake, 1);
    });
    const holder = (pid: number, since: Date) =>
      Deno.writeTextFile(
        paths.lock,
        JSON.stringify({ pid, hostname: Deno.hostname(), since: since.toISOString() }),
      );
    const hourAgo = new Date(Date.now() - 3600e3);
    await t.step("stale lock whose pid is now this process (containers reuse pids)", async () => {
      await holder(Deno.pid, hourAgo);
      const s = await ingest({ inputs: [join(dir, "a.json")], lake });
      assert.equal(s.files.skipped.alreadyInLake, 1);
    });
    await t.step("stale lock whose pid is now another, younger process", async () => {
      const other = new Deno.Command("sleep", { args: ["30"] }).spawn();
      try {
        // ps reports no sane age for a process started within the current clock tick.
        await new Promise((r) => setTimeout(r, 1100));
        await holder(other.pid, hourAgo);
        const s = await ingest({ inputs: [join(dir, "a.json")], lake });
        assert.equal(s.files.skipped.alreadyInLake, 1);
      } finally {
        other.kill();
        await other.status;
      }
    });
    await t.step("a lock named by a live process older than the lock is kept", async () => {
      const other = new Deno.Command("sleep", { args: ["30"] }).spawn();
      try {
        await new Promise((r) => setTimeout(r, 3500));
        await holder(other.pid, new Date());
        await assert.rejects(ingest({ inputs: [join(dir, "a.json")], lake }), LakeLockedError);
      } finally {
        other.kill();
        await other.status;
        await Deno.remove(paths.lock);
      }
    });
  });
});

Deno.test("ingest() fails a file that changes after it was hashed, and ingests the rest", async () => {
  await withTempDir(async (dir) => {
    const logs = join(dir, "logs");
    await Deno.mkdir(logs);
    await writeRecords(join(logs, "a.json"), [record(1), record(2)]);
    await writeRecords(join(logs, "b.json"), [record(3)]);
    const lake = join(dir, "lake");
    let appended = false;
    const s = await ingest({
      inputs: [logs],
      lake,
      onProgress: (p) => {
        // Every file is hashed: a.json grows before it is read, as a log still being written.
        if (p.phase === "scan" && p.done === p.total && !appended) {
          appended = true;
          Deno.writeTextFileSync(join(logs, "a.json"), "\n", { append: true });
        }
      },
    });
    assertAccounting(s);
    assert.equal(s.files.failed, 1);
    assert.equal(s.records.written, 1);
    assert.match(s.problems[0].reason, /changed while being read .*size went from/);
    assert.match(s.problems[0].path, /a\.json$/);
    // The changed file is read in full on the next run, under its new SHA-256.
    const again = await ingest({ inputs: [logs], lake });
    assert.equal(again.records.written, 2);
    assert.equal(again.files.skipped.alreadyInLake, 1);
  });
});
