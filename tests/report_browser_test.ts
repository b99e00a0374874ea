/**
 * The report in a real browser: headless Debian Chromium (never downloaded)
 * opens reports from `file://` and must see no console error, no request
 * outside the file, no dialog, the expected marks, a working script, and a
 * readable page without JavaScript. Screenshots are saved in the test's
 * temporary folder (copied to `REPORT_SCREENSHOT_DIR` when set).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CHROMIUM, hasChromium, LAUNCH, loadPlaywright } from "./_browser.ts";
import { renderReport } from "../report/render_report.ts";
import { sampleEvent, sampleReportData } from "../report/_sample_data.ts";
import type { ReportData } from "../report/report_data.ts";
import { withTempDir } from "./_helpers.ts";

/** The sample report with attacker-controlled text in every field a log can reach. */
function hostileData(): ReportData {
  const data = sampleReportData();
  const x = (tag: string) =>
    `"><img src=x onerror="window.__pwned='${tag}'"><script>window.__pwned='${tag}'</script>` +
    `</style></svg>]]>javascript:alert(1)\u202Egnp.exe\u200B`;
  const f = data.findings[1];
  f.finding.serviceAccount = x("sa");
  f.finding.roleSessionName = x("session");
  f.finding.userAgents = [x("ua")];
  f.finding.sourceIPs = [x("ip")];
  f.finding.reasons = [x("reason")];
  f.finding.actions = [x("action")];
  f.finding.categories = [x("category")];
  f.events.push(sampleEvent("2026-11-05T15:01:30Z", "iam", x("event"), {
    key: f.keys[0].accessKeyId,
    category: x("category"),
    ip: x("ip"),
    ua: x("ua"),
    errorCode: x("error"),
    errorMessage: x("message"),
    params: [[x("param"), x("value")]],
  }));
  data.title = x("title");
  data.rejects = [{ reason: x("reject"), count: 1 }];
  data.batches[0].files[0].path = x("path");
  return data;
}

Deno.test({
  name: hasChromium
    ? "the report opens from file:// in Chromium: no error, no request, marks, script, print"
    : `the report opens in Chromium (ignored: ${CHROMIUM} is not installed; apt-get install chromium)`,
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await withTempDir(async (dir) => {
      const sample = sampleReportData();
      const samplePath = join(dir, "report.html");
      await Deno.writeTextFile(samplePath, renderReport(sample));
      const hostilePath = join(dir, "hostile.html");
      const hostile = hostileData();
      await Deno.writeTextFile(hostilePath, renderReport(hostile));
      const { chromium } = await loadPlaywright();
      const browser = await chromium.launch(LAUNCH);
      try {
        const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
        context.setDefaultTimeout(5000);
        const page = await context.newPage();
        const problems: string[] = [];
        const requests: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") {
            problems.push(`${m.type()}: ${m.text()}`);
          }
        });
        page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
        page.on("dialog", (d) => {
          problems.push(`dialog: ${d.message()}`);
          d.dismiss();
        });
        page.on("request", (r) => {
          if (!/^(file|data):/.test(r.url())) requests.push(r.url());
        });

        await t.step("the sample report loads cleanly", async () => {
          await page.goto(`file://${samplePath}`, { waitUntil: "load" });
          assert.deepEqual(problems, []);
          assert.deepEqual(requests, []);
        });
        await t.step("one mark per event, one bar per session", async () => {
          const events = sample.findings.reduce((n, f) => n + f.events.length, 0);
          const sessions = sample.findings.reduce((n, f) => n + f.keys.length, 0);
          assert.equal(await page.locator("svg.swimlane .mk").count(), events);
          assert.equal(await page.locator("svg.swimlane .mk.denied").count(), 5);
          assert.equal(await page.locator("svg.overview .bar").count(), sessions);
          assert.equal(await page.locator("section.finding").count(), 3);
        });
        await t.step("screenshot", async () => {
          const shot = join(dir, "report.png");
          await page.screenshot({ path: shot, fullPage: false });
          assert.ok((await Deno.stat(shot)).size > 10_000);
          const keep = Deno.env.get("REPORT_SCREENSHOT_DIR");
          if (keep) await Deno.copyFile(shot, join(keep, "report.png"));
        });
        await t.step("the script filters by severity and by text", async () => {
          await page.locator('#controls input[data-sev="critical"]').uncheck();
          assert.equal(await page.locator("section.finding:visible").count(), 2);
          assert.equal(await page.locator("#shown").textContent(), "2 of 3 findings shown");
          await page.locator('#controls input[data-sev="critical"]').check();
          await page.locator("#search").fill("etl-runner");
          assert.equal(await page.locator("section.finding:visible").count(), 1);
          await page.locator("#search").fill("");
          assert.equal(await page.locator("section.finding:visible").count(), 3);
        });
        await t.step("a mark's tooltip shows its event; a click selects its row", async () => {
          const mark = page.locator("#f1 svg.swimlane .mk").nth(7);
          await mark.hover();
          const tip = await page.locator("#tip").textContent();
          assert.match(
            tip ?? "",
            /^#8 {2}2026-11-05 14:06:44Z {2}K1\nsecretsmanager:GetSecretValue/,
          );
          assert.match(tip ?? "", /Outcome: AccessDeniedException/);
          await mark.click();
          assert.equal(await page.locator("#f1 tr.hit td").first().textContent(), "8");
        });
        await t.step("expand and collapse the event tables", async () => {
          await page.locator("#collapse").click();
          assert.equal(await page.locator("details.events[open]").count(), 0);
          await page.locator("#expand").click();
          assert.equal(await page.locator("details.events[open]").count(), 3);
        });
        await t.step("print: controls hidden, a PDF is produced", async () => {
          await page.emulateMedia({ media: "print" });
          assert.equal(await page.locator("#controls").isVisible(), false);
          const pdf = await page.pdf({ format: "A4" });
          assert.ok(pdf.length > 20_000);
          await page.emulateMedia({ media: "screen" });
        });
        await t.step("hostile values run nothing and request nothing", async () => {
          await page.goto(`file://${hostilePath}`, { waitUntil: "load" });
          await page.locator("#f2 svg.swimlane .mk").last().hover();
          assert.deepEqual(problems, []);
          assert.deepEqual(requests, []);
          assert.equal(await page.evaluate("window.__pwned"), undefined);
          assert.equal(await page.locator("img").count(), 0);
          assert.equal(await page.locator("script").count(), 2);
          const tip = await page.locator("#tip").textContent();
          assert.ok(tip?.includes(`<script>window.__pwned='event'</script>`));
          const text = await page.locator("#f2").innerText();
          assert.ok(text.includes(`"><img src=x onerror="window.__pwned='sa'">`));
          assert.ok(text.includes("\u2039U+202E\u203Agnp.exe\u2039U+200B\u203A"));
          await page.screenshot({ path: join(dir, "hostile.png"), fullPage: false });
        });
        await t.step("without JavaScript the charts and tables are all there", async () => {
          const noJs = await browser.newContext({ javaScriptEnabled: false });
          const p = await noJs.newPage();
          await p.goto(`file://${samplePath}`);
          assert.equal(await p.locator("#controls").isVisible(), false);
          assert.equal(
            await p.locator("svg.swimlane .mk").count(),
            sample.findings.reduce((n, f) => n + f.events.length, 0),
          );
          assert.equal(
            await p.locator("table.ev tbody tr").count(),
            sample.findings.reduce((n, f) => n + f.events.length, 0),
          );
          assert.ok(await p.locator("#f1 table.ev").isVisible());
          await noJs.close();
        });
        await context.close();
      } finally {
        await browser.close();
      }
    });
  },
});
