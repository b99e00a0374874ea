import assert from "node:assert/strict";
import { cli } from "../tests/_helpers.ts";
import { EXIT } from "./exit_codes.ts";
import { parseWindow } from "./hunt.ts";
import { FINDING_CSV_COLUMNS } from "./_print_findings.ts";
import { fixtureLake } from "../hunt/_fixture_lake.ts";
import type { Finding } from "../hunt/finding.ts";

Deno.test("podtrail hunt prints findings and sets its exit code", async (t) => {
  const lake = await fixtureLake();

  await t.step("--format json: one array with every Finding field", async () => {
    const r = await cli(["hunt", "--lake", lake, "--format", "json"]);
    assert.equal(r.code, EXIT.ok, r.stderr);
    const findings = JSON.parse(r.stdout) as Finding[];
    assert.equal(findings.length, 8);
    for (
      const field of [
        "rule",
        "severity",
        "reasons",
        "accessKeyId",
        "parentAccessKeyId",
        "serviceAccount",
        "cluster",
        "roleArn",
        "firstSeen",
        "lastSeen",
        "actions",
        "categories",
        "deniedActions",
        "novelActions",
        "eventCount",
        "sourceIPs",
        "userAgents",
      ]
    ) {
      assert.ok(field in findings[0], field);
    }
    assert.equal(findings[0].severity, "critical");
  });

  await t.step("--format jsonl, csv and table", async () => {
    const jsonl = await cli([
      "hunt",
      "--lake",
      lake,
      "--format",
      "jsonl",
      "--min-severity",
      "critical",
    ]);
    const lines = jsonl.stdout.trim().split("\n");
    assert.ok(lines.length >= 3 && lines.every((l) => JSON.parse(l).severity === "critical"));
    const csv = await cli([
      "hunt",
      "--lake",
      lake,
      "--format",
      "csv",
      "--min-severity",
      "critical",
    ]);
    assert.ok(csv.stdout.startsWith(FINDING_CSV_COLUMNS.join(",") + "\r\n"));
    const table = await cli(["hunt", "--lake", lake, "--rule", "web-identity-lateral-movement"]);
    assert.match(table.stdout, /^CRITICAL {2}web-identity-lateral-movement {2}score \d+/);
    assert.match(table.stdout, /service account {2}web\/frontend \(irsa, cluster oidc\.eks\./);
    assert.match(table.stdout, /\(7 findings: 3 critical, 4 high\)\n$/);
  });

  await t.step("--fail-on: exit 1 when a printed finding reaches it", async () => {
    assert.equal(
      (await cli(["hunt", "--lake", lake, "--fail-on", "high", "--format", "json"])).code,
      EXIT.findings,
    );
    const none = await cli([
      "hunt",
      "--lake",
      lake,
      "--rule",
      "web-identity-multi-control-plane",
      "--min-control-plane",
      "100",
      "--fail-on",
      "low",
    ]);
    assert.equal(none.code, EXIT.ok, none.stderr);
    assert.match(none.stdout, /\(0 findings\)/);
  });

  await t.step("thresholds from flags reach the findings", async () => {
    const r = await cli([
      "hunt",
      "--lake",
      lake,
      "--format",
      "json",
      "--window",
      "30m",
      "--min-actions",
      "3",
      "--rule",
      "web-identity-lateral-movement",
    ]);
    const findings = JSON.parse(r.stdout) as Finding[];
    assert.ok(findings.every((f) => f.thresholds.windowMinutes === 30));
  });

  await t.step("usage errors exit 2", async () => {
    for (
      const args of [
        ["hunt"],
        ["hunt", "--lake", lake, "--window", "2x"],
        ["hunt", "--lake", lake, "--min-actions", "0"],
        ["hunt", "--lake", lake, "--min-severity", "severe"],
        ["hunt", "--lake", lake, "--fail-on", "bad"],
        ["hunt", "--lake", lake, "--format", "xml"],
        ["hunt", "--lake", lake, "--rule", "nope"],
        ["hunt", "--lake", lake, "--from", "yesterday"],
        ["hunt", "--lake", lake, "--allow", "/nonexistent.csv"],
      ]
    ) {
      const r = await cli(args);
      assert.equal(r.code, EXIT.usage, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /^podtrail: /);
    }
  });
});

Deno.test("parseWindow() reads minutes and hours", () => {
  assert.deepEqual(["1h", "90m", "45", "1.5h", "2 h", "30min"].map(parseWindow), [
    60,
    90,
    45,
    90,
    120,
    30,
  ]);
  for (const bad of ["0", "1s", "h", "8d", "0.5m", "-1h"]) {
    assert.throws(() => parseWindow(bad), RangeError);
  }
});

Deno.test("podtrail timeline prints a tree in table, jsonl and timesketch form", async () => {
  const lake = await fixtureLake();
  const [f] = JSON.parse(
    (await cli(["hunt", "--lake", lake, "--format", "json", "--min-severity", "critical"])).stdout,
  ) as Finding[];
  const table = await cli(["timeline", "--lake", lake, "--key", f.accessKeyId]);
  assert.equal(table.code, EXIT.ok, table.stderr);
  assert.match(table.stdout, /^tree ASIA[A-Z0-9]+: web\/frontend \(irsa, cluster oidc\.eks\./);
  assert.match(table.stdout, /AssumeRoleWithWebIdentity/);
  const jsonl = await cli([
    "timeline",
    "--lake",
    lake,
    "--key",
    f.accessKeyId,
    "--format",
    "jsonl",
  ]);
  const events = jsonl.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(events.length, f.eventCount + 1);
  const ts = await cli([
    "timeline",
    "--lake",
    lake,
    "--key",
    f.accessKeyId,
    "--format",
    "timesketch",
  ]);
  for (const line of ts.stdout.trim().split("\n")) {
    const e = JSON.parse(line);
    assert.ok(e.message && e.datetime && e.timestamp_desc === "Event Time");
  }
  const unknown = await cli(["timeline", "--lake", lake, "--key", "ASIAAAAAAAAAAAAAAAAA"]);
  assert.equal(unknown.code, EXIT.ok);
  assert.match(unknown.stderr, /no events/);
  assert.equal((await cli(["timeline", "--lake", lake])).code, EXIT.usage);
  assert.equal((await cli(["timeline", "--lake", lake, "--key", "nope"])).code, EXIT.usage);
  assert.equal(
    (await cli(["timeline", "--lake", lake, "--key", f.accessKeyId, "--format", "csv"])).code,
    EXIT.usage,
  );
});
