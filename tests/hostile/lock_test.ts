/**
 * The ingest lock: one holder at a time, even when several processes find
 * a stale lock at once; a live holder in another process is respected under
 * the task's own permissions.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createLake, lockLake } from "../../ingest/lake.ts";
import { LakeLockedError } from "../../errors.ts";
import { podtrail, record, withTempDir, writeRecords } from "./_hostile.ts";

Deno.test("lockLake(): concurrent takeovers of a stale lock leave exactly one holder", async () => {
  await withTempDir(async (dir) => {
    const lake = await createLake(join(dir, "lake"));
    const dead = JSON.stringify({ pid: 2 ** 22 + 4321, hostname: Deno.hostname(), since: "x" });
    for (let round = 0; round < 25; round++) {
      await Deno.writeTextFile(lake.lock, dead);
      const tries = await Promise.allSettled([1, 2, 3, 4].map(() => lockLake(lake)));
      const held = tries.flatMap((t) => t.status === "fulfilled" ? [t.value] : []);
      for (const t of tries) {
        if (t.status === "rejected") assert.ok(t.reason instanceof LakeLockedError, t.reason);
      }
      assert.equal(held.length, 1, `round ${round}: ${held.length} holders at once`);
      // While it is held, nobody else gets it.
      await assert.rejects(lockLake(lake), LakeLockedError);
      await held[0].release();
    }
    // Released: free for the next one.
    await (await lockLake(lake)).release();
  });
});

Deno.test("a lock held by a live process is respected by podtrail run with the task's permissions", async () => {
  await withTempDir(async (dir) => {
    await writeRecords(join(dir, "a.json"), [record(1)]);
    const lakeDir = join(dir, "lake");
    const lake = await createLake(lakeDir);
    const lock = await lockLake(lake);
    try {
      const r = await podtrail(["ingest", join(dir, "a.json"), "--lake", lakeDir]);
      assert.equal(r.code, 4, r.stderr + r.stdout);
      assert.match(r.stderr, /^podtrail: Lake ".*" is locked by another ingest \(pid \d+ /);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1);
    } finally {
      await lock.release();
    }
    const after = await podtrail(["ingest", join(dir, "a.json"), "--lake", lakeDir, "-q"]);
    assert.equal(after.code, 0, after.stderr);
  });
});
