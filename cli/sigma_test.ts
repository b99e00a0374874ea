import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, withTempDir } from "../tests/_helpers.ts";
import { EXIT } from "./exit_codes.ts";

const IRSA = new URL("../sigma/testdata/irsa_attack.json", import.meta.url).pathname;

Deno.test("podtrail sigma export and run", async (t) => {
  await withTempDir(async (dir) => {
    const lake = join(dir, "lake");
    const out = join(dir, "sigma");
    assert.equal((await cli(["ingest", IRSA, "--lake", lake])).code, EXIT.ok);
    await t.step("export writes one file per rule, and refuses to overwrite", async () => {
      const r = await cli(["sigma", "export", "--out", out]);
      assert.equal(r.code, EXIT.ok, r.stderr);
      assert.equal(r.stdout.trim().split("\n").length, 2);
      const again = await cli(["sigma", "export", "--out", out]);
      assert.equal(again.code, EXIT.usage);
      assert.match(again.stderr, /exists; pass --force/);
      assert.equal((await cli(["sigma", "export", "--out", out, "--force"])).code, EXIT.ok);
    });
    await t.step("export without --out prints the YAML", async () => {
      const r = await cli(["sigma", "export"]);
      assert.equal(r.code, EXIT.ok);
      assert.match(r.stdout, /# podtrail_web_identity_lateral_movement\.yml\ntitle: /);
    });
    await t.step("run prints correlations and exits 0 when every rule ran", async () => {
      const r = await cli(["sigma", "run", out, "--lake", lake, "--format", "json"]);
      assert.equal(r.code, EXIT.ok, r.stderr);
      const json = JSON.parse(r.stdout);
      assert.equal(json.correlations.length, 3);
      assert.deepEqual(json.correlations[0].group, { sessionAccessKeyId: "ASIAATTACKEXAMPLE001" });
      const table = await cli(["sigma", "run", out, "--lake", lake]);
      assert.match(table.stdout, /^Matches\n/);
      assert.match(table.stdout, /Correlations\n.*ASIAATTACKEXAMPLE001/s);
    });
    await t.step("a rule that cannot run is named on stderr and the run exits 3", async () => {
      const bad = join(dir, "bad.yml");
      await Deno.writeTextFile(
        bad,
        "title: Bad\nlogsource: {product: aws, service: cloudtrail}\n" +
          "detection: {sel: {status: success}, condition: sel}\n",
      );
      const r = await cli(["sigma", "run", out, bad, "--lake", lake, "--format", "csv"]);
      assert.equal(r.code, EXIT.partial);
      assert.match(r.stdout, /^kind,rule,title,level,eventTime,eventID/);
      assert.match(
        r.stderr,
        /bad\.yml: rule "Bad" not run: field "status": "status" is not a CloudTrail/,
      );
      assert.equal(r.stdout.trim().split("\r\n").length, 4);
    });
    await t.step("usage errors", async () => {
      assert.equal((await cli(["sigma", "run", out])).code, EXIT.usage);
      assert.equal(
        (await cli(["sigma", "run", join(dir, "none"), "--lake", lake])).code,
        EXIT.usage,
      );
      assert.equal(
        (await cli(["sigma", "run", out, "--lake", lake, "--format", "xml"])).code,
        EXIT.usage,
      );
    });
  });
});
