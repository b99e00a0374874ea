/**
 * Large inputs, generated here (never committed): a single record over
 * 100 MB, and a JSON-lines export larger than half the memory limit. Memory
 * stays bounded by `--memory-limit`; what does not fit is refused with a
 * reason that says what to do, and the other files still ingest.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { podtrailPeak, queryJson, record, withTempDir, writeRecords } from "./_hostile.ts";

const MiB = 1024 * 1024;

/** Writes `{"Records":[one record whose requestParameters.blob is `size` bytes]}` without building it in memory twice. */
async function writeHugeRecord(path: string, size: number): Promise<void> {
  const head = JSON.stringify({ Records: [record(1, { requestParameters: { blob: "" } })] });
  const at = head.indexOf('"blob":""') + '"blob":"'.length;
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    const enc = new TextEncoder();
    await file.write(enc.encode(head.slice(0, at)));
    const chunk = enc.encode("A".repeat(4 * MiB));
    for (let left = size; left > 0; left -= chunk.length) {
      await file.write(left >= chunk.length ? chunk : chunk.subarray(0, left));
    }
    await file.write(enc.encode(head.slice(at)));
  } finally {
    file.close();
  }
}

Deno.test("a single 105 MB record: refused with a reason at 1GB, ingested whole at 4GB, memory bounded", async (t) => {
  await withTempDir(async (dir) => {
    const logs = join(dir, "logs");
    await Deno.mkdir(logs);
    const size = 105 * MiB;
    await writeHugeRecord(join(logs, "huge.json"), size);
    await writeRecords(join(logs, "small.json"), [record(2)]);
    const lake = join(dir, "lake");
    await t.step(
      "default memory limit: the file fails with what to do; the rest ingests",
      async () => {
        const r = await podtrailPeak(["ingest", logs, "--lake", lake, "--json", "--threads", "2"]);
        assert.equal(r.code, 3, r.stderr);
        const s = JSON.parse(r.stdout);
        assert.equal(s.records.written, 1);
        assert.deepEqual(s.problems.map((p: { path: string }) => p.path), [
          join(logs, "huge.json"),
        ]);
        assert.match(s.problems[0].reason, /^too large for the memory limit: .*--memory-limit/);
        if (r.peakMiB !== undefined) assert.ok(r.peakMiB < 1600, `peak RSS ${r.peakMiB} MiB`);
      },
    );
    await t.step("--memory-limit 4GB: the record is ingested with every byte", async () => {
      const r = await podtrailPeak([
        "ingest",
        logs,
        "--lake",
        lake,
        "--json",
        "--memory-limit",
        // DuckDB reserves far more than it touches for one huge JSON value (the peak RSS is ~1 GB).
        "4GB",
        "--threads",
        "2",
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).records.written, 1);
      if (r.peakMiB !== undefined) assert.ok(r.peakMiB < 2600, `peak RSS ${r.peakMiB} MiB`);
      const rows = await queryJson(
        lake,
        `SELECT length(requestParameters->>'$.blob') AS n, md5(requestParameters->>'$.blob') = md5(repeat('A', ${size})) AS same
         FROM events WHERE eventID = '${record(1).eventID}'`,
      );
      assert.deepEqual(rows, [{ n: size, same: true }]);
    });
  });
});

Deno.test("a 50 MB JSON-lines export of small records reads under --memory-limit 280MB", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "export.jsonl");
    const file = await Deno.open(path, { write: true, create: true });
    const enc = new TextEncoder();
    const n = 40_000;
    let lines: string[] = [];
    for (let i = 0; i < n; i++) {
      lines.push(JSON.stringify(record(i, { requestParameters: { key: "k".repeat(300) } })));
      if (lines.length === 10_000) {
        await file.write(enc.encode(lines.join("\n") + "\n"));
        lines = [];
      }
    }
    file.close();
    assert.ok((await Deno.stat(path)).size > 50 * MiB);
    const lake = join(dir, "lake");
    // Each line is its own JSON value: the reader must not need a buffer of twice the file.
    const r = await podtrailPeak([
      "ingest",
      path,
      "--lake",
      lake,
      "--json",
      "--memory-limit",
      "280MB",
      "--threads",
      "2",
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).records, {
      read: n,
      written: n,
      duplicates: 0,
      rejected: 0,
    });
  });
});

Deno.test("S3-delivery files of 20 MB each read under the default memory limit", async () => {
  await withTempDir(async (dir) => {
    const logs = join(dir, "logs");
    await Deno.mkdir(logs);
    // The fast reader parses a file three times at once: files this large go to the full reader.
    const n = 9_000;
    for (let f = 0; f < 3; f++) {
      const records = Array.from(
        { length: n },
        (_, i) => record(f * n + i, { requestParameters: { key: "k".repeat(1500) } }),
      );
      await writeRecords(join(logs, `f${f}.json`), records);
    }
    assert.ok((await Deno.stat(join(logs, "f0.json"))).size > 15 * MiB);
    const lake = join(dir, "lake");
    const r = await podtrailPeak(["ingest", logs, "--lake", lake, "--json"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).records, {
      read: 3 * n,
      written: 3 * n,
      duplicates: 0,
      rejected: 0,
    });
    if (r.peakMiB !== undefined) assert.ok(r.peakMiB < 1600, `peak RSS ${r.peakMiB} MiB`);
    // Read together by the full reader, not one by one after the fast reader ran out of memory.
    assert.deepEqual(
      await queryJson(lake, `SELECT DISTINCT reader FROM manifest WHERE status = 'ingested'`),
      [{ reader: "batch" }],
    );
  });
});
