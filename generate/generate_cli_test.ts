import assert from "node:assert/strict";
import { runCli } from "../cli/program.ts";

async function cli(args: string[]) {
  let stdout = "", stderr = "";
  const code = await runCli(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stderrIsTty: false,
  });
  return { code, stdout, stderr };
}

Deno.test("podtrail generate writes the tree and prints a summary", async () => {
  const out = await Deno.makeTempDir();
  const r = await cli([
    "generate",
    "--out",
    out,
    "--seed",
    "3",
    "--days",
    "0.0625",
    "--scale",
    "0.1",
    "--start",
    "2026-11-02T09:00:00Z",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^Wrote \d+ log files \(\d+ records, \d+ re-delivered\) and 8 digest files, [\d.]+ MB, under .+\/AWSLogs\n/,
  );
  assert.match(
    r.stdout,
    /Window 2026-11-02T09:00:00Z to 2026-11-02T10:30:00Z, seed 3, 6 attacks; truth: .+\/truth\.json\n$/,
  );
  const truth = JSON.parse(await Deno.readTextFile(`${out}/truth.json`));
  assert.equal(truth.seed, 3);
  assert.equal(truth.attacks.length, 6);
  const again = await cli(["generate", "--out", out]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^podtrail: Output ".+" exists; pass --force to overwrite it\n$/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("podtrail generate rejects bad flag values with exit code 2", async (t) => {
  const cases: [string[], RegExp][] = [
    [["--seed", "x"], /Invalid --seed "x": expected an integer/],
    [["--seed", "1.5"], /Invalid --seed "1.5": expected an integer/],
    [["--days", ""], /Invalid --days "": expected a number/],
    [["--days", "0"], /Invalid days "0": expected a number from 0.0625 to 366/],
    [["--scale", "-1"], /Invalid scale "-1"/],
    [["--start", "2026-13-45"], /Invalid start "2026-13-45"/],
  ];
  for (const [flags, message] of cases) {
    await t.step(flags.join(" "), async () => {
      const r = await cli(["generate", "--out", "/nonexistent/never-written", ...flags]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split("\n").length, 2, "one line");
    });
  }
  await t.step("--out is required", async () => {
    const r = await cli(["generate"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--out/);
  });
});
