import assert from "node:assert/strict";
import {
  categoryLabel,
  ISSUANCE_LANE,
  OTHER_LANE,
  svgSwimlane,
  swimlaneLanes,
} from "./svg_swimlane.ts";
import { orderKeys, overviewRows, svgOverview } from "./svg_overview.ts";
import { shapeMarkup } from "./_svg.ts";
import { sampleEvent, sampleFinding, sampleReportData } from "./_sample_data.ts";

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

Deno.test("swimlaneLanes() orders lanes: issuance, categories in attack order, other calls", () => {
  const chain = sampleReportData().findings[0];
  assert.deepEqual(swimlaneLanes(chain).map((l) => l.id), [
    ISSUANCE_LANE,
    "reconnaissance",
    "credential-access",
    "iam-escalation",
    "identity-creation",
    "lateral-movement",
    "defence-evasion",
    OTHER_LANE,
  ]);
  assert.equal(categoryLabel("iam-escalation"), "IAM escalation");
  assert.equal(categoryLabel("some_new-thing"), "Some new thing");
});

Deno.test("svgSwimlane() draws one mark per event", async (t) => {
  const chain = sampleReportData().findings[0];
  const svg = svgSwimlane(chain);
  await t.step("marks by outcome", () => {
    assert.equal(count(svg, /class="mk /g), chain.events.length);
    assert.equal(count(svg, /class="mk denied"/g), chain.events.filter((e) => e.errorCode).length);
    assert.equal(count(svg, /class="mk issue"/g), 2);
    assert.equal(count(svg, /class="issue-line"/g), 2);
  });
  await t.step("lane labels; marks carry no text", () => {
    for (
      const label of ["Credential issuance", "Reconnaissance", "Defence evasion", "Other calls"]
    ) {
      assert.ok(svg.includes(`>${label}</text>`), label);
    }
    assert.equal(count(svg, /<title>/g), 0);
    assert.ok(svg.includes(">issued \u2026OT01</text>"));
  });
  await t.step("marks are in event order", () => {
    const kinds = [...svg.matchAll(/class="mk (\w+)/g)].map((m) => m[1]);
    assert.deepEqual(
      kinds,
      chain.events.map((e) => (e.errorCode ? "denied" : e.issuedKey ? "issue" : "ok")),
    );
  });
  await t.step("no private-use placeholder survives", () => {
    assert.ok(!/[\uE000\uE001]/.test(svg));
  });
  await t.step("the same input gives the same SVG", () => {
    assert.equal(svgSwimlane(sampleReportData().findings[0]), svg);
  });
});

Deno.test("svgSwimlane() shows a hostile category as text", () => {
  const rf = sampleFinding(
    "f9",
    {
      rule: "r",
      severity: "high",
      reasons: [],
      accessKeyId: "ASIAX",
      parentAccessKeyId: null,
      serviceAccount: null,
      cluster: null,
      attribution: "web-identity",
      roleArn: null,
      roleSessionName: null,
      accountId: null,
      novelActions: [],
      thresholds: {},
    },
    [{ accessKeyId: "ASIAX", parentAccessKeyId: null, roleArn: null }],
    [
      sampleEvent("2026-11-05T10:00:00Z", "iam", "<script>alert(1)</script>", {
        key: "ASIAX",
        ip: '"><img src=x onerror=alert(2)>',
        category: "</text><script>x</script>",
      }),
      sampleEvent("2026-11-05T10:00:01Z", "iam", "ListUsers", {
        key: "ASIAX",
        category: "x\uE0000\uE001",
      }),
    ],
  );
  const svg = svgSwimlane(rf);
  assert.ok(!svg.includes("<script"));
  assert.ok(svg.includes(">&lt;/text&gt;&lt;script&gt;x&lt;/script&gt;</text>"));
  assert.equal(count(svg, /class="mk /g), 2);
  // A forged placeholder in the data is shown, not substituted.
  assert.ok(svg.includes(">X\u2039U+E000\u203A0\u2039U+E001\u203A</text>"));
});

Deno.test("svgOverview() draws every session of every finding and links chains", async (t) => {
  const data = sampleReportData();
  const svg = svgOverview(data.findings);
  await t.step("one bar per credential, coloured by severity", () => {
    const sessions = data.findings.reduce((n, f) => n + f.keys.length, 0);
    assert.equal(overviewRows(data.findings).length, sessions);
    assert.equal(count(svg, /class="bar"/g), sessions);
    assert.equal(count(svg, /class="sev-critical"/g), 2);
    assert.equal(count(svg, /class="sev-high"/g), 1);
    assert.equal(count(svg, /class="sev-medium"/g), 1);
  });
  await t.step("the chained session is linked to its parent", () => {
    assert.equal(count(svg, /class="link"/g), 1);
    assert.ok(svg.includes("\u21B3 ci-deployer"));
  });
  await t.step("bars link to their finding", () => {
    for (const f of data.findings) assert.ok(svg.includes(`href="#${f.id}"`));
  });
  await t.step("a parent in another finding is linked with a dashed line", () => {
    const [a, b] = structuredClone(data.findings);
    b.finding.parentAccessKeyId = a.keys[1].accessKeyId;
    b.keys[0].parentAccessKeyId = a.keys[1].accessKeyId;
    assert.equal(count(svgOverview([a, b]), /class="link cross"/g), 1);
  });
});

Deno.test("orderKeys() puts children under their parents", () => {
  const k = (id: string, parent: string | null, at: string) => ({
    accessKeyId: id,
    parentAccessKeyId: parent,
    firstSeen: at,
    lastSeen: at,
    eventCount: 1,
    roleArn: null,
  });
  const ordered = orderKeys([
    k("C2", "B", "2026-01-01T00:03:00Z"),
    k("B", "A", "2026-01-01T00:01:00Z"),
    k("A", null, "2026-01-01T00:00:00Z"),
    k("C1", "B", "2026-01-01T00:02:00Z"),
    k("D", "A", "2026-01-01T00:04:00Z"),
  ]);
  assert.deepEqual(ordered.map((o) => `${o.key.accessKeyId}:${o.depth}`), [
    "A:0",
    "B:1",
    "C1:2",
    "C2:2",
    "D:1",
  ]);
});

Deno.test("shapeMarkup() accepts only numbers, path commands and class names", () => {
  assert.equal(
    shapeMarkup([{ kind: "circle", className: "mk ok c1", cx: 1.5, cy: 2, r: 4.5 }, {
      kind: "path",
      className: "mk denied",
      d: "M1,2l8,8m0,-8l-8,8",
    }]),
    '<circle class="mk ok c1" cx="1.5" cy="2" r="4.5"/><path class="mk denied" d="M1,2l8,8m0,-8l-8,8"/>',
  );
  assert.throws(
    () => shapeMarkup([{ kind: "path", className: "mk", d: '"/><script>' }]),
    TypeError,
  );
  assert.throws(
    () => shapeMarkup([{ kind: "path", className: 'x" onload="y', d: "M0,0" }]),
    TypeError,
  );
  assert.throws(
    () => shapeMarkup([{ kind: "circle", className: "mk", cx: NaN, cy: 0, r: 1 }]),
    TypeError,
  );
});
