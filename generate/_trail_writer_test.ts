import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { PERIOD, TrailWriter } from "./_trail_writer.ts";
import { readTree } from "./_read_tree.ts";
import { HOUR } from "./_time.ts";

const START = Date.UTC(2026, 10, 2, 0, 0, 0);
const A = "111122223333";

function record(i: number, time: number): string {
  return JSON.stringify({
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    eventTime: time,
  });
}

async function write(
  o: { maxRecords?: number; duplicateRate?: number; hours?: number; add: (w: TrailWriter) => void },
) {
  const out = await Deno.makeTempDir();
  const w = new TrailWriter({
    out,
    buckets: new Map([[A, "trail-bucket"]]),
    regions: ["us-east-1"],
    start: START,
    end: START + (o.hours ?? 2) * HOUR,
    seed: 1,
    maxRecords: o.maxRecords,
    duplicateRate: o.duplicateRate,
  });
  o.add(w);
  const totals = w.close();
  return { out, totals, tree: readTree(out) };
}

Deno.test("TrailWriter writes one file per period, splitting at maxRecords", async (t) => {
  const { out, totals, tree } = await write({
    maxRecords: 5,
    add: (w) => {
      for (let i = 0; i < 12; i++) {
        w.add(A, "us-east-1", START + 1000 * i, record(i, START + 1000 * i));
      }
      w.advance(START + PERIOD);
      w.add(A, "us-east-1", START + PERIOD + 10, record(99, START + PERIOD + 10));
    },
  });
  await t.step("file counts and names", () => {
    assert.equal(totals.files, 4);
    assert.deepEqual(tree.logs.map((f) => f.records.length).sort(), [1, 2, 5, 5]);
    for (const f of tree.logs) {
      assert.match(
        f.path,
        /^AWSLogs\/111122223333\/CloudTrail\/us-east-1\/2026\/11\/02\/111122223333_CloudTrail_us-east-1_20261102T00(05|10)Z_[A-Za-z0-9]{16}\.json\.gz$/,
      );
      assert.ok(f.json.startsWith('{"Records":[') && !f.json.includes("\n"));
    }
  });
  await t.step("every record delivered once", () => {
    const ids = tree.logs.flatMap((f) => f.records.map((r) => r.eventID));
    assert.equal(new Set(ids).size, 13);
    assert.equal(totals.records, 13);
  });
  await Deno.remove(out, { recursive: true });
});

Deno.test("TrailWriter re-delivers duplicates in a later file with the same content", async () => {
  const { out, totals, tree } = await write({
    duplicateRate: 1,
    add: (w) => {
      for (let p = 0; p < 6; p++) {
        w.advance(START + p * PERIOD);
        w.add(A, "us-east-1", START + p * PERIOD + 5, record(p, START + p * PERIOD + 5));
      }
    },
  });
  const seen = new Map<string, string>();
  const byPath = [...tree.logs].sort((a, b) => a.path < b.path ? -1 : 1);
  let duplicates = 0;
  for (const f of byPath) {
    for (const r of f.records) {
      const json = JSON.stringify(r);
      const first = seen.get(r.eventID as string);
      if (first !== undefined) {
        duplicates++;
        assert.equal(json, first);
      } else seen.set(r.eventID as string, json);
    }
  }
  assert.equal(duplicates, totals.duplicates);
  assert.ok(duplicates >= 3, `${duplicates} duplicates`);
  await Deno.remove(out, { recursive: true });
});

Deno.test("TrailWriter writes an hourly digest chain naming each log file's hash", async (t) => {
  const { out, totals, tree } = await write({
    hours: 3,
    add: (w) => {
      for (const minute of [1, 7, 62]) {
        w.advance(START + minute * 60_000);
        w.add(A, "us-east-1", START + minute * 60_000, record(minute, START + minute * 60_000));
      }
    },
  });
  await t.step("one digest per hour, even when empty", () => {
    assert.equal(totals.digestFiles, 3);
    const names = tree.digests.map((d) => d.path);
    for (const name of names) {
      assert.match(
        name,
        /^AWSLogs\/111122223333\/CloudTrail-Digest\/us-east-1\/2026\/11\/02\/111122223333_CloudTrail-Digest_us-east-1_20261102T0[123]00Z_[A-Za-z0-9]{16}\.json\.gz$/,
      );
    }
  });
  const digests = tree.digests.map((d) => d.digest).sort((a, b) =>
    String(a.digestStartTime) < String(b.digestStartTime) ? -1 : 1
  );
  await t.step("logFiles are the period's files with their SHA-256", () => {
    const listed = digests.flatMap((d) => d.logFiles as Record<string, string>[]);
    assert.deepEqual(listed.map((l) => l.s3Object).sort(), tree.logs.map((l) => l.path).sort());
    for (const entry of listed) {
      const log = tree.logs.find((l) => l.path === entry.s3Object)!;
      assert.equal(entry.hashValue, createHash("sha256").update(log.json).digest("hex"));
      assert.equal(entry.hashAlgorithm, "SHA-256");
      assert.equal(entry.s3Bucket, "trail-bucket");
    }
    assert.equal((digests[0].logFiles as unknown[]).length, 2);
    assert.equal((digests[2].logFiles as unknown[]).length, 0);
    assert.equal(digests[2].newestEventTime, null);
  });
  await t.step("each digest names the previous one and its hash", () => {
    assert.equal(digests[0].previousDigestS3Object, null);
    for (let i = 1; i < digests.length; i++) {
      const prev = tree.digests.find((d) => d.path === digests[i].previousDigestS3Object)!;
      assert.ok(prev, "previous digest exists");
      assert.equal(
        digests[i].previousDigestHashValue,
        createHash("sha256").update(prev.json).digest("hex"),
      );
      assert.equal(digests[i].digestStartTime, digests[i - 1].digestEndTime);
      assert.match(String(digests[i].previousDigestSignature), /^[0-9a-f]{512}$/);
    }
    for (const d of digests) {
      assert.equal(d.awsAccountId, A);
      assert.equal(d.digestS3Bucket, "trail-bucket");
      assert.equal(d.digestSignatureAlgorithm, "SHA256withRSA");
      assert.ok(tree.digests.some((f) => f.path === d.digestS3Object));
    }
  });
  await Deno.remove(out, { recursive: true });
});
