/**
 * The machine's time zone never changes the lake: day partitions, `--from`
 * and `--to`, and the dedup key are UTC whatever `TZ` says.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { podtrail, record, withTempDir, writeRecords } from "./_hostile.ts";

Deno.test("ingest and query in a non-UTC time zone: UTC days, ranges and dedup", async (t) => {
  await withTempDir(async (dir) => {
    const lake = join(dir, "lake");
    // 02:00Z and 23:30Z on 5 November: the 4th in New York, the 6th in Tokyo.
    const early = record(1, { eventTime: "2026-11-05T02:00:00Z" });
    const late = record(2, { eventTime: "2026-11-05T23:30:00Z" });
    await writeRecords(join(dir, "a.json"), [early, late]);
    const ny = { TZ: "America/New_York" };
    const tokyo = { TZ: "Asia/Tokyo" };
    const r = await podtrail(["ingest", join(dir, "a.json"), "--lake", lake, "--json"], {
      env: ny,
    });
    assert.equal(r.code, 0, r.stderr);
    await t.step("partitions are UTC days", () => {
      const days = [...Deno.readDirSync(join(lake, "events"))].map((e) => e.name).sort();
      assert.deepEqual(days, ["day=2026-11-05"]);
    });
    await t.step("--from/--to select by UTC time in any time zone", async () => {
      for (const env of [ny, tokyo]) {
        const q = await podtrail([
          "query",
          "--lake",
          lake,
          "--from",
          "2026-11-05",
          "--to",
          "2026-11-06",
          "--format",
          "json",
          "SELECT count(*) AS n, min(eventTime) AS first, min(day) AS day FROM events",
        ], { env });
        assert.equal(q.code, 0, q.stderr);
        assert.deepEqual(JSON.parse(q.stdout), [
          { n: 2, first: "2026-11-05T02:00:00Z", day: "2026-11-05" },
        ]);
      }
    });
    await t.step("a re-delivery ingested in another time zone is a duplicate", async () => {
      // In Tokyo both fall on days (6th, 7th) that the New York run did not write.
      await writeRecords(join(dir, "b.json"), [
        late,
        record(3, { eventTime: "2026-11-06T23:00:00Z" }),
      ]);
      const again = await podtrail(["ingest", join(dir, "b.json"), "--lake", lake, "--json"], {
        env: tokyo,
      });
      assert.equal(again.code, 0, again.stderr);
      assert.deepEqual(JSON.parse(again.stdout).records, {
        read: 2,
        written: 1,
        duplicates: 1,
        rejected: 0,
      });
    });
  });
});
