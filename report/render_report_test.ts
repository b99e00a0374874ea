import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  contentSecurityPolicy,
  formatCount,
  formatDuration,
  renderReport,
} from "./render_report.ts";
import { sampleEvent, sampleFinding, sampleReportData } from "./_sample_data.ts";
import { PAGE_STYLE } from "./_page_style.ts";
import { PAGE_SCRIPT } from "./_page_script.ts";

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;
const GOLDEN = new URL("./testdata/sample_report.html", import.meta.url);

/** Compares with a committed golden file; `UPDATE_SNAPSHOTS=1` rewrites it. */
async function assertGolden(url: URL, actual: string): Promise<void> {
  if (Deno.env.get("UPDATE_SNAPSHOTS") === "1") {
    await Deno.writeTextFile(url, actual);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(url);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(`Golden file "${url.pathname}" is missing: run with UPDATE_SNAPSHOTS=1`);
    }
    throw e;
  }
  if (actual !== expected) {
    const a = actual.split("\n");
    const b = expected.split("\n");
    const line = a.findIndex((l, i) => l !== b[i]);
    assert.fail(
      `Report differs from "${url.pathname}" at line ${line + 1}:\n  got:  ${
        a[line]?.slice(0, 200)
      }\n` +
        `  want: ${
          b[line]?.slice(0, 200)
        }\n(run with UPDATE_SNAPSHOTS=1 if the change is intended)`,
    );
  }
}

Deno.test("renderReport() matches the golden sample report", async () => {
  await assertGolden(GOLDEN, renderReport(sampleReportData()));
});

Deno.test("renderReport() is deterministic", () => {
  assert.equal(renderReport(sampleReportData()), renderReport(sampleReportData()));
});

Deno.test("renderReport() writes a self-contained page under a strict CSP", async (t) => {
  const page = renderReport(sampleReportData());
  await t.step("the CSP meta tag comes first and forbids every request", () => {
    const head = page.slice(0, page.indexOf("</head>"));
    assert.match(
      head,
      /^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="default-src 'none'; /,
    );
    assert.ok(contentSecurityPolicy().includes("img-src data:"));
    assert.ok(!contentSecurityPolicy().includes("unsafe"));
  });
  await t.step("the style and script hashes match their elements", () => {
    const hash = (s: string) => createHash("sha256").update(s).digest("base64");
    const style = page.match(/<style>([\s\S]*?)<\/style>/)![1];
    const script = page.match(/<script>([\s\S]*?)<\/script>/)![1];
    assert.equal(style, PAGE_STYLE);
    assert.equal(script, PAGE_SCRIPT);
    assert.ok(page.includes(`style-src 'sha256-${hash(style)}'`));
    assert.ok(page.includes(`script-src 'sha256-${hash(script)}'`));
  });
  await t.step("one style, one script, one JSON data block, no style attributes", () => {
    assert.equal(count(page, /<style[\s>]/g), 1);
    assert.equal(count(page, /<script>/g), 1);
    assert.equal(count(page, /<script type="application\/json" id="podtrail-data">/g), 1);
    assert.equal(count(page, /<script/g), 2);
    assert.equal(count(page, /\sstyle=/g), 0);
  });
  await t.step("nothing points outside the file", () => {
    assert.equal(count(page, /\ssrc=/gi), 0);
    assert.equal(count(page, /href="(?!#)/g), 0);
    assert.equal(count(page, /url\(|@import|<link|<iframe|<object|<embed|<img/gi), 0);
  });
  await t.step("the inline script parses", () => {
    new Function(PAGE_SCRIPT);
  });
  await t.step("a print stylesheet", () => {
    assert.ok(PAGE_STYLE.includes("@media print"));
  });
});

Deno.test("renderReport() shows the summary, overview, findings and appendix", async (t) => {
  const data = sampleReportData();
  const page = renderReport(data);
  await t.step("summary", () => {
    assert.ok(page.includes(">2,510</div>"));
    assert.ok(page.includes(">41</div>"));
    assert.ok(page.includes('<span class="sev sev-critical">critical 1</span>'));
    assert.ok(page.includes('<span class="sev sev-low zero">low 0</span>'));
    assert.ok(page.includes("2026-11-05 00:00:04Z \u2013 2026-11-05 23:59:58Z (23 h 59 min)"));
    for (const v of ["111122223333", "eu-west-1", "us-east-1", "prod-eu"]) {
      assert.ok(page.includes(v), v);
    }
  });
  await t.step("overview: one bar per session", () => {
    const overview = page.slice(
      page.indexOf('<svg xmlns="http://www.w3.org/2000/svg" viewBox'),
      page.indexOf('id="index"'),
    );
    assert.equal(count(overview, /class="bar"/g), 4);
  });
  await t.step(
    "findings, most severe first, each with attribution, why, swimlane and events",
    () => {
      const sections = [...page.matchAll(/<section class="finding sev-(\w+)" id="(f\d+)"/g)];
      assert.deepEqual(sections.map((m) => `${m[2]}:${m[1]}`), [
        "f1:critical",
        "f2:high",
        "f3:medium",
      ]);
      assert.equal(count(page, /<h4>Attribution<\/h4>/g), 3);
      assert.equal(count(page, /<h4>Why flagged<\/h4>/g), 3);
      assert.equal(count(page, /class="chart swimlane"/g), 3);
      const events = data.findings.reduce((n, f) => n + f.events.length, 0);
      assert.equal(count(page, /class="mk /g), events);
      assert.equal(count(page, /<tr(?: class="\w+")?><td>\d+<td>2026/g), events);
      assert.equal(count(page, /<tr class="denied"><td>/g), 5);
      assert.equal(count(page, /<tr class="issue"><td>/g), 3);
    },
  );
  await t.step("attribution of the chain", () => {
    const f1 = page.slice(page.indexOf('id="f1"'), page.indexOf('id="f2"'));
    for (
      const v of [
        "payments/invoice-worker",
        "arn:aws:iam::111122223333:role/eks-payments-invoice-worker",
        "botocore-session-1762351331",
        "<b>K2</b> <code>ASIAQRSTUVWXYZCHILD2</code> \u2190 assumed with <code>ASIAQRSTUVWXYZROOT01</code>",
        "10.42.7.19",
        "IRSA: AssumeRoleWithWebIdentity seen in the logs",
        "windowMinutes = 60",
        '<span class="chip novel">StopLogging</span>',
        '<span class="chip denied">AttachUserPolicy</span>',
        "<code>policyArn</code> arn:aws:iam::aws:policy/AdministratorAccess",
        "<td>K1 \u2192 K2<td>sts<td>AssumeRole<td>OK",
      ]
    ) assert.ok(f1.includes(v), v);
  });
  await t.step("appendix", () => {
    const appendix = page.slice(page.indexOf('id="appendix"'));
    for (
      const v of [
        "2026-11-06 09:00:00Z",
        "v1.5.6",
        "podtrail report --lake ./lake -o report.html --now 2026-11-06T09:00:00Z",
        "9f2c0d6e5b4a3f21e0d9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a3f2e1d0c9b8a7f",
        "eventTime is not a timestamp",
        "QUALIFY actions &gt;= getvariable(&#39;min_actions&#39;)",
        "minActions = 8",
        "2,514 records read",
      ]
    ) assert.ok(appendix.includes(v), v);
  });
  await t.step("the findings as JSON data", () => {
    const json =
      page.match(/<script type="application\/json" id="podtrail-data">(.*?)<\/script>/)![1];
    const parsed = JSON.parse(json);
    assert.deepEqual(parsed.findings.map((f: { id: string }) => f.id), ["f1", "f2", "f3"]);
    assert.equal(parsed.findings[0].serviceAccount, "payments/invoice-worker");
  });
});

Deno.test("renderReport() shows the first events of a long session and counts the rest", () => {
  const data = sampleReportData();
  const events = Array.from(
    { length: 350 },
    (_, i) =>
      sampleEvent(
        new Date(Date.parse("2026-11-05T10:00:00Z") + i * 7000).toISOString(),
        "ec2",
        "DescribeInstances",
        {
          key: "ASIALONG",
          category: "reconnaissance",
        },
      ),
  );
  const long = sampleFinding(
    "f1",
    { ...data.findings[0].finding, accessKeyId: "ASIALONG" },
    [{
      accessKeyId: "ASIALONG",
      parentAccessKeyId: null,
      roleArn: null,
    }],
    events,
    { maxEvents: 300, extraEvents: 1000 },
  );
  const page = renderReport({ ...data, findings: [long] });
  assert.equal(count(page, /class="mk /g), 300);
  assert.equal(count(page, /<tr><td>\d+<td>2026/g), 300);
  assert.ok(page.includes("The first 300 of 1,350 events are shown; 1,050 more are in the lake"));
  assert.ok(page.includes("<summary>Events (1,350)</summary>"));
});

Deno.test("renderReport() with no finding says so", () => {
  const page = renderReport({ ...sampleReportData(), findings: [] });
  assert.ok(page.includes("No flagged sessions."));
  assert.ok(page.includes("No finding reached severity low in this range."));
  assert.equal(count(page, /<svg/g), 0);
});

Deno.test("renderReport() never writes a parameter named like a secret", () => {
  const data = sampleReportData();
  data.findings[0].events[0].params.push(["sessionToken", "IQoJSECRET"], [
    "SecretString",
    "sk_live_x",
  ]);
  const page = renderReport(data);
  assert.ok(!page.includes("IQoJSECRET") && !page.includes("sk_live_x"));
  assert.ok(page.includes("<code>sessionToken</code> [redacted]"));
});

Deno.test("formatCount() and formatDuration()", () => {
  assert.equal(formatCount(1234567), "1,234,567");
  assert.equal(formatCount(12), "12");
  assert.equal(formatDuration(12_400), "12 s");
  assert.equal(formatDuration(14 * 60_000 + 2000), "14 min 02 s");
  assert.equal(formatDuration(2 * 3600_000 + 5 * 60_000), "2 h 05 min");
  assert.equal(formatDuration(3 * 86400_000 + 3600_000), "3 d 01 h");
});
