/**
 * A lake that cannot be written: full, read-only, or a path through a file.
 * Each gives one clear line and a non-zero exit (5, the lake's code), never an
 * internal error; what was committed before stays readable.
 *
 * root can write through chmod, so a read-only or full lake is a small tmpfs
 * mounted here when the test may mount (it is skipped with a note when not).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, podtrail, record, rng, withTempDir, writeRecords } from "./_hostile.ts";

async function run(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

/** Mounts a tmpfs of `size` at `dir` for `fn`, or returns false when this process cannot mount. */
async function withTmpfs(
  dir: string,
  size: string,
  fn: () => Promise<void>,
): Promise<boolean> {
  await Deno.mkdir(dir, { recursive: true });
  if (!(await run("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]))) return false;
  try {
    await fn();
  } finally {
    await run("umount", ["-l", dir]);
  }
  return true;
}

/** Records whose Parquet cannot compress below a few MB. */
function incompressible(n: number): Record<string, unknown>[] {
  const random = rng(11);
  const hex = () => Array.from({ length: 64 }, () => random.int(16).toString(16)).join("");
  return Array.from(
    { length: n },
    (_, i) => record(i, { requestParameters: { blob: Array.from({ length: 40 }, hex).join("") } }),
  );
}

function oneLine(stderr: string): void {
  assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
  assert.doesNotMatch(stderr, /internal error|\n\s+at /);
}

Deno.test("a lake path through a regular file: exit 5, one line", async () => {
  await withTempDir(async (dir) => {
    await writeRecords(join(dir, "a.json"), [record(1)]);
    await Deno.writeTextFile(join(dir, "file"), "not a folder");
    const r = await podtrail(["ingest", join(dir, "a.json"), "--lake", join(dir, "file", "lake")]);
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /^podtrail: Cannot create lake ".*": Not a directory/);
    oneLine(r.stderr);
  });
});

Deno.test("a full lake: exit 5, one line, nothing half-written, the committed part still reads", async (t) => {
  await withTempDir(async (dir) => {
    const mnt = join(dir, "mnt");
    const lake = join(mnt, "lake");
    await writeRecords(join(dir, "small.json"), [record(1), record(2)]);
    await writeRecords(join(dir, "big.json"), incompressible(2000));
    const mounted = await withTmpfs(mnt, "1m", async () => {
      const first = await cli(["ingest", join(dir, "small.json"), "--lake", lake, "-q"]);
      assert.equal(first.code, 0, first.stderr);
      await t.step("ingest into the full lake fails with the reason", async () => {
        const r = await podtrail(["ingest", join(dir, "big.json"), "--lake", lake]);
        assert.equal(r.code, 5, r.stderr);
        assert.match(r.stderr, /^podtrail: Cannot write lake ".*": No space left on device/);
        oneLine(r.stderr);
      });
      await t.step("its staging files are gone: the space is free again", () => {
        const staging = [...Deno.readDirSync(join(lake, "_podtrail", "staging"))];
        assert.deepEqual(staging, []);
      });
      await t.step("the lake still answers with what was committed", async () => {
        const q = await cli([
          "query",
          "--lake",
          lake,
          "--format",
          "json",
          "SELECT count(*) AS n FROM events",
        ]);
        assert.equal(q.code, 0, q.stderr);
        assert.deepEqual(JSON.parse(q.stdout), [{ n: 2 }]);
      });
    });
    if (!mounted) console.log("  (skipped: this process cannot mount a small tmpfs)");
  });
});

Deno.test("a read-only lake: ingest exits 5 with one line; query still reads it", async (t) => {
  await withTempDir(async (dir) => {
    const mnt = join(dir, "mnt");
    const lake = join(mnt, "lake");
    await writeRecords(join(dir, "a.json"), [record(1)]);
    await writeRecords(join(dir, "b.json"), [record(2)]);
    const mounted = await withTmpfs(mnt, "16m", async () => {
      assert.equal((await cli(["ingest", join(dir, "a.json"), "--lake", lake, "-q"])).code, 0);
      assert.ok(await run("mount", ["-o", "remount,ro", mnt]), "remount read-only");
      await t.step("a new lake on a read-only disk", async () => {
        const r = await podtrail(["ingest", join(dir, "b.json"), "--lake", join(mnt, "other")]);
        assert.equal(r.code, 5, r.stderr);
        assert.match(r.stderr, /^podtrail: Cannot create lake ".*": Read-only file system/);
        oneLine(r.stderr);
      });
      await t.step("more into an existing read-only lake", async () => {
        const r = await podtrail(["ingest", join(dir, "b.json"), "--lake", lake]);
        assert.equal(r.code, 5, r.stderr);
        assert.match(
          r.stderr,
          /^podtrail: Cannot (lock|write|create) lake ".*": Read-only file system/,
        );
        oneLine(r.stderr);
      });
      await t.step("query reads a read-only lake (evidence mounted read-only)", async () => {
        const q = await podtrail([
          "query",
          "--lake",
          lake,
          "--format",
          "json",
          "SELECT count(*) AS n FROM events",
        ]);
        assert.equal(q.code, 0, q.stderr);
        assert.deepEqual(JSON.parse(q.stdout), [{ n: 1 }]);
      });
    });
    if (!mounted) console.log("  (skipped: this process cannot mount a tmpfs read-only)");
  });
});
