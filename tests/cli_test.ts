/**
 * End-to-end tests of the `podtrail` binary on real files: exit codes,
 * one-line errors, output formats.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { EXIT } from "../cli/exit_codes.ts";
import {
  cli,
  REAL_SAMPLES,
  record,
  ROOT,
  spawnCli,
  withTempDir,
  writeRecords,
} from "./_helpers.ts";

const SHAPES = join(ROOT, "ingest", "testdata", "shapes");
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("podtrail ingest: exit codes and accounting", async (t) => {
  await withTempDir(async (dir) => {
    const lake = join(dir, "lake");
    await t.step("every shape ingested: exit 0 and the accounting line", async () => {
      const r = await spawnCli(["ingest", SHAPES, "--lake", lake]).output();
      assert.equal(r.code, EXIT.ok, decode(r.stderr));
      assert.match(decode(r.stdout), /records: 31 read = 31 written \+ 0 duplicates \+ 0 rejected/);
      assert.equal(decode(r.stderr), "", "nothing but the summary when stderr is not a terminal");
    });
    await t.step("a re-run adds nothing and says so", async () => {
      const r = await cli(["ingest", SHAPES, "--lake", lake]);
      assert.equal(r.code, EXIT.ok);
      assert.match(r.stdout, /nothing new/);
    });
    await t.step(
      "real samples with one non-CloudTrail JSON file: exit 3, rest ingested",
      async () => {
        const r = await spawnCli(["ingest", REAL_SAMPLES, "--lake", join(dir, "real"), "--json"])
          .output();
        assert.equal(r.code, EXIT.partial);
        const s = JSON.parse(decode(r.stdout));
        assert.equal(s.records.written, 342);
        assert.equal(s.files.failed, 1);
      },
    );
    await t.step("--quiet prints nothing", async () => {
      const r = await cli(["ingest", SHAPES, "--lake", lake, "--quiet"]);
      assert.equal(r.stdout + r.stderr, "");
    });
  });
});

Deno.test("podtrail: usage errors exit 2 with one line and no stack trace", async (t) => {
  await withTempDir(async (dir) => {
    const cases: [string, string[], RegExp][] = [
      ["missing --lake", ["ingest", SHAPES], /required option '--lake <dir>'/],
      ["missing input", ["ingest", join(dir, "nope"), "--lake", join(dir, "l")], /does not exist/],
      [
        "bad --threads",
        ["ingest", SHAPES, "--lake", join(dir, "l"), "--threads", "zero"],
        /--threads/,
      ],
      [
        "bad --memory-limit",
        ["ingest", SHAPES, "--lake", join(dir, "l"), "--memory-limit", "lots"],
        /memory limit/,
      ],
      ["unknown command", ["frobnicate"], /unknown command|too many arguments/],
      [
        "bad --format",
        ["query", "--lake", join(dir, "l"), "--format", "xml", "SELECT 1"],
        /--format/,
      ],
      ["bad --from", ["query", "--lake", SHAPES, "--from", "last tuesday", "SELECT 1"], /--from/],
    ];
    for (const [name, args, message] of cases) {
      await t.step(name, async () => {
        const r = await spawnCli(args).output();
        const err = decode(r.stderr);
        assert.equal(r.code, EXIT.usage, err);
        assert.match(err, message);
        assert.equal(err.trimEnd().split("\n").length, 1, err);
        assert.doesNotMatch(err, /\n\s+at /);
      });
    }
  });
});

Deno.test("podtrail query: formats, types and errors", async (t) => {
  await withTempDir(async (dir) => {
    const lake = join(dir, "lake");
    await writeRecords(join(dir, "a.json"), [
      record(1, { requestParameters: { roleName: "admin", big: 9007199254740993 } }),
      record(2, { eventTime: "2026-11-05T10:02:03.5Z" }),
    ]);
    assert.equal((await cli(["ingest", join(dir, "a.json"), "--lake", lake, "-q"])).code, 0);
    const sql = `SELECT eventID, eventTime, readOnly, 42::BIGINT AS n, 2::HUGEINT ** 70 AS huge,
      requestParameters, userIdentity.sessionContext.sessionIssuer AS issuer FROM events ORDER BY eventTime`;
    await t.step(
      "--format json: one array, ISO-8601 UTC times, safe integers as numbers",
      async () => {
        const r = await cli(["query", "--lake", lake, "--format", "json", sql]);
        assert.equal(r.code, 0, r.stderr);
        const rows = JSON.parse(r.stdout);
        assert.equal(rows.length, 2);
        assert.equal(rows[0].eventTime, "2026-11-05T10:01:00Z");
        assert.equal(rows[1].eventTime, "2026-11-05T10:02:03.5Z");
        assert.equal(rows[0].readOnly, true);
        assert.equal(rows[0].n, 42);
        assert.equal(typeof rows[0].huge, "number");
        assert.equal(rows[0].requestParameters.roleName, "admin");
        assert.equal(rows[0].issuer.userName, "app-role");
      },
    );
    await t.step("--format jsonl and csv", async () => {
      const jl = await cli([
        "query",
        "--lake",
        lake,
        "--format",
        "jsonl",
        "SELECT eventID FROM events ORDER BY 1",
      ]);
      assert.equal(jl.stdout.trim().split("\n").length, 2);
      const csv = await cli([
        "query",
        "--lake",
        lake,
        "--format",
        "csv",
        `SELECT 'a,b' AS x, '=cmd' AS y`,
      ]);
      assert.equal(csv.stdout, 'x,y\r\n"a,b","=cmd"\r\n');
    });
    await t.step("a SQL error exits 5 with DuckDB's message", async () => {
      const r = await spawnCli(["query", "--lake", lake, "SELECT nope FROM events"]).output();
      assert.equal(r.code, EXIT.query);
      assert.match(decode(r.stderr), /^podtrail: SQL error: .*nope/);
    });
    await t.step("statements that write are refused", async () => {
      const r = await cli(["query", "--lake", lake, `COPY (SELECT 1) TO '${dir}/x.csv'`]);
      assert.equal(r.code, EXIT.query);
      assert.match(r.stderr, /read-only/);
      await assert.rejects(Deno.stat(join(dir, "x.csv")));
    });
    await t.step("a folder that is not a lake", async () => {
      const r = await cli(["query", "--lake", dir, "SELECT 1"]);
      assert.equal(r.code, EXIT.query);
      assert.match(r.stderr, /is not a podtrail lake/);
    });
    await t.step("--from/--to read only the days needed", async () => {
      const r = await cli([
        "query",
        "--lake",
        lake,
        "--from",
        "2026-11-06",
        "--format",
        "json",
        "SELECT count(*) AS n FROM events",
      ]);
      assert.equal(JSON.parse(r.stdout)[0].n, 0);
    });
  });
});

Deno.test("README's exit code table matches the code", async () => {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const table = new Map(
    [...readme.matchAll(/^\|\s*`(\d+)`\s*\|\s*`(\w+)`\s*\|/gm)].map((m) => [m[2], Number(m[1])]),
  );
  assert.deepEqual(Object.fromEntries(table), { ...EXIT });
});
