/**
 * `podtrail query` prints any value a lake or a statement can hold, in every
 * format: timestamps JavaScript cannot represent, JSON nested deeper than
 * JavaScript re-serialises, terminal escapes, spreadsheet formulas.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, record, ROOT, withTempDir } from "./_hostile.ts";

const FORMATS = ["table", "json", "jsonl", "csv"];

Deno.test("podtrail query prints every value in every format", async (t) => {
  await withTempDir(async (dir) => {
    const n = 10_000;
    const deep = '{"a":'.repeat(n) + "1" + "}".repeat(n);
    const text = JSON.stringify({
      Records: [
        record(1, { responseElements: "@@" }),
        record(2, { eventName: "\u001b[31mred\u001b[0m\u0007", userAgent: "=cmd|' /C calc'!A0" }),
      ],
    }).replace('"@@"', deep);
    await Deno.writeTextFile(join(dir, "a.json"), text);
    const lake = join(dir, "lake");
    assert.equal((await cli(["ingest", join(dir, "a.json"), "--lake", lake, "-q"])).code, 0);

    await t.step("timestamps outside JavaScript's range, and ±infinity", async () => {
      const sql = `SELECT 'infinity'::TIMESTAMPTZ AS a, '-infinity'::TIMESTAMP AS b,
        '12000-01-01'::TIMESTAMPTZ AS c, '-0044-03-15'::TIMESTAMP AS d,
        '2026-11-05T10:00:00.5Z'::TIMESTAMPTZ AS e`;
      for (const format of FORMATS) {
        const r = await cli(["query", "--lake", lake, "--format", format, sql]);
        assert.equal(r.code, 0, `${format}: ${r.stderr}`);
      }
      const r = await cli(["query", "--lake", lake, "--format", "json", sql]);
      const [row] = JSON.parse(r.stdout);
      assert.deepEqual([row.a, row.b, row.e], ["infinity", "-infinity", "2026-11-05T10:00:00.5Z"]);
      assert.match(row.c, /^12000-01-01/);
      assert.match(row.d, /BC/);
    });
    await t.step(
      "JSON nested 10k levels deep: printed, as its text where JSON.stringify cannot",
      async () => {
        const sql = `SELECT eventID, responseElements FROM events ORDER BY eventID`;
        for (const format of FORMATS) {
          const r = await cli(["query", "--lake", lake, "--format", format, sql]);
          assert.equal(r.code, 0, `${format}: ${r.stderr}`);
        }
        const r = await cli(["query", "--lake", lake, "--format", "json", sql]);
        const rows = JSON.parse(r.stdout);
        assert.equal(rows[0].responseElements, deep);
      },
    );
    await t.step("terminal escapes are shown, not sent to the terminal", async () => {
      const r = await cli([
        "query",
        "--lake",
        lake,
        `SELECT eventName FROM events WHERE eventName LIKE '%red%'`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes("\u001b"), "no raw ESC in table output");
      assert.match(r.stdout, /\\x1b\[31mred\\x1b\[0m\\x07/);
    });
    await t.step("CSV cells that a spreadsheet would run are quoted", async () => {
      const r = await cli([
        "query",
        "--lake",
        lake,
        "--format",
        "csv",
        `SELECT userAgent FROM events WHERE userAgent LIKE '=%'`,
      ]);
      assert.equal(r.stdout, `userAgent\r\n"=cmd|' /C calc'!A0"\r\n`);
    });
  });
});

Deno.test("podtrail timeline prints a session whose parameters nest 10k levels deep", async () => {
  await withTempDir(async (dir) => {
    const fixture = join(ROOT, "queries", "fixtures", "full-chain");
    const [name] = [...Deno.readDirSync(fixture)].map((e) => e.name);
    const doc = JSON.parse(await Deno.readTextFile(join(fixture, name)));
    for (const r of doc.Records) {
      if (r.eventName === "ListRoles") r.requestParameters = { userName: "@@" };
    }
    const n = 10_000;
    await Deno.mkdir(join(dir, "logs"));
    await Deno.writeTextFile(
      join(dir, "logs", name),
      JSON.stringify(doc).replace('"@@"', '{"a":'.repeat(n) + "1" + "}".repeat(n)),
    );
    const lake = join(dir, "lake");
    assert.equal((await cli(["ingest", join(dir, "logs"), "--lake", lake, "-q"])).code, 0);
    for (const format of ["table", "jsonl", "timesketch"]) {
      const r = await cli([
        "timeline",
        "--lake",
        lake,
        "--key",
        "ASIA76DCJUILLO3HAXLF",
        "--format",
        format,
      ]);
      assert.equal(r.code, 0, `${format}: ${r.stderr}`);
      assert.match(r.stdout, /ListRoles/);
    }
  });
});
