/**
 * Every failure path exits non-zero with its documented code (README's table,
 * checked against cli/exit_codes.ts by tests/cli_test.ts) and one line on
 * stderr; nothing fails as an internal error.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { EXIT } from "../../cli/exit_codes.ts";
import { createLake, lockLake } from "../../ingest/lake.ts";
import { cli, podtrailCommand, record, ROOT, withTempDir, writeRecords } from "./_hostile.ts";

Deno.test("podtrail: every failure path has its code and one line", async (t) => {
  await withTempDir(async (dir) => {
    const logs = join(dir, "logs");
    await Deno.mkdir(logs);
    await writeRecords(join(logs, "a.json"), [record(1)]);
    const lake = join(dir, "lake");
    assert.equal((await cli(["ingest", logs, "--lake", lake, "-q"])).code, EXIT.ok);
    const attack = join(dir, "attack");
    assert.equal(
      (await cli([
        "ingest",
        join(ROOT, "queries", "fixtures", "full-chain"),
        "--lake",
        attack,
        "-q",
      ]))
        .code,
      EXIT.ok,
    );
    await new Deno.Command("mkfifo", { args: [join(dir, "fifo.json")] }).output();
    await Deno.writeTextFile(join(dir, "file"), "a regular file");
    await Deno.writeTextFile(join(dir, "exists.html"), "");
    const rule = join(dir, "unsupported.yml");
    await Deno.writeTextFile(
      rule,
      "title: x\nlogsource: {product: aws, service: cloudtrail}\n" +
        "detection:\n  sel:\n    eventName|re: '('\n  condition: sel | count() > 1\n",
    );
    const locked = join(dir, "locked");
    const cases: [string, string[], number][] = [
      ["ingest: no input", ["ingest", "--lake", lake], EXIT.usage],
      ["ingest: no --lake", ["ingest", logs], EXIT.usage],
      [
        "ingest: an input that does not exist",
        ["ingest", join(dir, "nope"), "--lake", lake],
        EXIT.usage,
      ],
      ["ingest: an unknown flag", ["ingest", logs, "--lake", lake, "--fast"], EXIT.usage],
      ["ingest: --memory-limit 1KB", [
        "ingest",
        logs,
        "--lake",
        join(dir, "m1"),
        "--memory-limit",
        "1KB",
      ], EXIT.usage],
      ["ingest: --memory-limit 0MB", [
        "ingest",
        logs,
        "--lake",
        join(dir, "m2"),
        "--memory-limit",
        "0MB",
      ], EXIT.usage],
      ["ingest: --memory-limit 100%", [
        "ingest",
        logs,
        "--lake",
        join(dir, "m3"),
        "--memory-limit",
        "100%",
      ], EXIT.usage],
      ["ingest: --threads 0", ["ingest", logs, "--lake", lake, "--threads", "0"], EXIT.usage],
      [
        "ingest: only a FIFO (nothing readable)",
        ["ingest", join(dir, "fifo.json"), "--lake", lake],
        EXIT.partial,
      ],
      ["ingest: a locked lake", ["ingest", logs, "--lake", locked], EXIT.locked],
      [
        "ingest: a lake path through a file",
        ["ingest", logs, "--lake", join(dir, "file", "lake")],
        EXIT.query,
      ],
      ["query: not a lake", ["query", "--lake", dir, "SELECT 1"], EXIT.query],
      [
        "query: a lake that does not exist",
        ["query", "--lake", join(dir, "nope"), "SELECT 1"],
        EXIT.query,
      ],
      ["query: a SQL error", ["query", "--lake", lake, "SELECT nope FROM events"], EXIT.query],
      [
        "query: a statement that writes",
        ["query", "--lake", lake, "CREATE TABLE x AS SELECT 1"],
        EXIT.query,
      ],
      ["query: two statements", ["query", "--lake", lake, "SELECT 1; SELECT 2"], EXIT.query],
      ["query: no SQL", ["query", "--lake", lake, " "], EXIT.usage],
      ["query: --from after --to", [
        "query",
        "--lake",
        lake,
        "--from",
        "2026-11-06",
        "--to",
        "2026-11-05",
        "SELECT 1",
      ], EXIT.usage],
      [
        "query: a bad --format",
        ["query", "--lake", lake, "--format", "xml", "SELECT 1"],
        EXIT.usage,
      ],
      ["hunt: not a lake", ["hunt", "--lake", dir], EXIT.query],
      ["hunt: --fail-on reached", [
        "hunt",
        "--lake",
        attack,
        "--fail-on",
        "high",
        "--format",
        "json",
      ], EXIT.findings],
      ["hunt: a bad --window", ["hunt", "--lake", lake, "--window", "soon"], EXIT.usage],
      ["timeline: a bad --key", ["timeline", "--lake", lake, "--key", "nope"], EXIT.usage],
      [
        "report: the output exists",
        ["report", "--lake", lake, "-o", join(dir, "exists.html")],
        EXIT.usage,
      ],
      ["report: its folder does not exist", [
        "report",
        "--lake",
        lake,
        "-o",
        join(dir, "nope", "r.html"),
      ], EXIT.usage],
      ["report: not a lake", ["report", "--lake", dir, "-o", join(dir, "r.html")], EXIT.query],
      ["sigma run: a rule file that does not exist", [
        "sigma",
        "run",
        join(dir, "nope.yml"),
        "--lake",
        lake,
      ], EXIT.usage],
      ["sigma run: a rule that cannot run", ["sigma", "run", rule, "--lake", lake], EXIT.partial],
      ["an unknown command", ["frobnicate"], EXIT.usage],
    ];
    const held = await lockLake(await createLake(locked));
    try {
      for (const [name, args, code] of cases) {
        await t.step(`${name}: exit ${code}`, async () => {
          const r = await cli(args);
          assert.equal(r.code, code, `${args.join(" ")}\n${r.stdout}${r.stderr}`);
          if (code === EXIT.usage || code === EXIT.locked || code === EXIT.query) {
            assert.match(r.stderr, /^podtrail: /);
            assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
          }
          assert.doesNotMatch(r.stderr, /internal error/);
        });
      }
    } finally {
      await held.release();
    }
    await t.step("a refused --memory-limit made no lake and holds no lock", async () => {
      await assert.rejects(Deno.stat(join(dir, "m1")));
      const r = await cli(["ingest", logs, "--lake", lake, "--memory-limit", "1KB"]);
      assert.equal(r.code, EXIT.usage);
      assert.equal((await cli(["ingest", logs, "--lake", lake, "-q"])).code, EXIT.ok);
    });
    await t.step("the process exits with the code (main.ts)", async () => {
      const r = await podtrailCommand(["query", "--lake", dir, "SELECT 1"]).output();
      assert.equal(r.code, EXIT.query);
    });
  });
});

Deno.test({
  name: "podtrail query piped into head ends quietly with the query's own exit code",
  async fn() {
    await withTempDir(async (dir) => {
      await writeRecords(join(dir, "a.json"), [record(1)]);
      const lake = join(dir, "lake");
      assert.equal((await cli(["ingest", join(dir, "a.json"), "--lake", lake, "-q"])).code, 0);
      const child = podtrailCommand([
        "query",
        "--lake",
        lake,
        "--format",
        "jsonl",
        "SELECT * FROM range(2000000)",
      ]).spawn();
      const reader = child.stdout.getReader();
      await reader.read();
      await reader.cancel();
      const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
      assert.equal(status.code, EXIT.ok, stderr);
      assert.equal(stderr, "");
    });
  },
});
