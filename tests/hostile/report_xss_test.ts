/**
 * The report of a lake whose every rendered field holds attacker-written
 * values (the full-chain attack fixture with 100+ distinct payloads in the
 * service account, session names, user agents, IPs, event names, errors,
 * parameters, event ids, file names, reject reasons, the lake path and the
 * title), built by the real `podtrail ingest` → `podtrail report`, opened in
 * headless Chromium: no script runs, no dialog, no request leaves the file,
 * and the values are there as text.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CHROMIUM, hasChromium, LAUNCH, loadPlaywright } from "../_browser.ts";
import { cli, ROOT, withTempDir } from "./_hostile.ts";

/** Payload templates; `N` becomes a unique marker (HX<n>X) so every value is distinct and findable. */
const TEMPLATES = [
  `<script>alert(N)</script>`,
  `"><img src=x onerror=alert(N)>`,
  `'><svg onload=alert(N)>`,
  `javascript:alert(N)`,
  `</style><script>alert(N)</script>`,
  `</textarea><iframe srcdoc="<script>parent.alert(N)</script>">`,
  `]]><![CDATA[<script>alert(N)</script>`,
  `<a href="https://evil.example/N">x</a>`,
  `<img src=https://evil.example/N.png>`,
  `<link rel=stylesheet href=https://evil.example/N.css>`,
  `<meta http-equiv=refresh content="0;url=https://evil.example/N">`,
  `url(https://evil.example/N)`,
  `{{constructor.constructor('alert(N)')()}}`,
  `\${alert(N)}`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(N)>`,
  `<details open ontoggle=alert(N)>`,
  `"onmouseover="alert(N)`,
  `'onfocus='alert(N)' autofocus '`,
  `</script><script>alert(N)</script>`,
  `<!--<script>alert(N)</script>-->`,
  `\u202Egnp.N.exe\u200B`,
  `<object data="javascript:alert(N)">`,
  `<base href="https://evil.example/N/">`,
  `<form action=https://evil.example/N><button>x</button></form>`,
];

function hostile(n: number): string {
  return TEMPLATES[n % TEMPLATES.length].replaceAll("N", `HX${n}X`);
}

/** The full-chain fixture with hostile values in every field the report shows. */
async function hostileLogs(dir: string): Promise<{ values: string[]; files: string[] }> {
  const fixture = join(ROOT, "queries", "fixtures", "full-chain");
  const [name] = [...Deno.readDirSync(fixture)].map((e) => e.name);
  let text = await Deno.readTextFile(join(fixture, name));
  let n = 0;
  const values: string[] = [];
  const next = (banned = "") => {
    let v = hostile(n++);
    for (const c of banned) v = v.replaceAll(c, "_");
    values.push(v);
    return v;
  };
  // Names that link records are replaced everywhere at once (the chain stays a chain).
  const sa = next(":/");
  const ns = next(":/");
  const inJson = (v: string) => JSON.stringify(v).slice(1, -1);
  text = text.replaceAll(
    "system:serviceaccount:web:frontend",
    inJson(`system:serviceaccount:${ns}:${sa}`),
  );
  for (const session of new Set(text.match(/botocore-session-\d+|frontend-debug/g))) {
    text = text.replaceAll(session, inJson(next("/:")));
  }
  const doc = JSON.parse(text) as { Records: Record<string, unknown>[] };
  for (const r of doc.Records) {
    r.userAgent = next();
    r.sourceIPAddress = next();
    r.eventID = next();
    r.requestID = next();
    if (r.errorCode) r.errorMessage = next();
    if (r.eventName === "GetItem" || r.eventName === "GetObject") r.eventName = next();
    const params = r.requestParameters as Record<string, unknown> | null ?? {};
    // Names the report shows (report/_redact.ts), then names it does not.
    for (const k of ["userName", "policyName", "bucketName", "documentName"]) params[k] = next();
    params[next()] = next();
    r.requestParameters = params;
  }
  const logs = join(dir, "logs");
  await Deno.mkdir(logs);
  // Input file names are shown in the report's list of inputs.
  const files = [0, 1].map(() => `${next("/")}.json`);
  const half = Math.ceil(doc.Records.length / 2);
  await Deno.writeTextFile(
    join(logs, files[0]),
    JSON.stringify({ Records: doc.Records.slice(0, half) }),
  );
  await Deno.writeTextFile(
    join(logs, files[1]),
    JSON.stringify({ Records: doc.Records.slice(half) }),
  );
  // Reject reasons quote the bad value, and a failed file's name is listed.
  const bad = { ...doc.Records[0], eventID: "bad-time", eventTime: next() };
  const failed = `${next("/")}.json`;
  await Deno.writeTextFile(join(logs, "rejects.json"), JSON.stringify({ Records: [bad] }));
  await Deno.writeTextFile(join(logs, failed), '{"Records": [');
  return { values, files: [...files, failed] };
}

/** What the report shows for a value: direction and zero-width characters made visible. */
const shown = (v: string) =>
  v.replaceAll("\u202E", "\u2039U+202E\u203A").replaceAll("\u200B", "\u2039U+200B\u203A");

Deno.test({
  name: hasChromium
    ? "report of a lake full of hostile values: Chromium runs nothing, requests nothing, shows text"
    : `report of a lake full of hostile values (ignored: ${CHROMIUM} is not installed; apt-get install chromium)`,
  ignore: !hasChromium,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await withTempDir(async (dir) => {
      const { values } = await hostileLogs(dir);
      assert.ok(new Set(values).size >= 100, `${values.length} distinct hostile values`);
      const lake = join(dir, `lake-${hostile(900).replaceAll("/", "_")}`);
      const ingest = await cli(["ingest", join(dir, "logs"), "--lake", lake, "-q"]);
      assert.equal(ingest.code, 3, ingest.stderr); // one bad time, one bad file
      const output = join(dir, "report.html");
      const title = hostile(901);
      const r = await cli([
        "report",
        "--lake",
        lake,
        "-o",
        output,
        "--title",
        title,
        "--now",
        "2026-11-06T00:00:00Z",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const html = await Deno.readTextFile(output);
      const { chromium } = await loadPlaywright();
      const browser = await chromium.launch(LAUNCH);
      try {
        const context = await browser.newContext();
        context.setDefaultTimeout(5000);
        const page = await context.newPage();
        const problems: string[] = [];
        const requests: string[] = [];
        await page.addInitScript(() => {
          const w = window as unknown as Record<string, unknown>;
          w.__calls = [];
          for (const f of ["alert", "confirm", "prompt", "print", "open"]) {
            w[f] = (...a: unknown[]) => (w.__calls as unknown[]).push([f, ...a]);
          }
          addEventListener(
            "error",
            (e) => (w.__calls as unknown[]).push(["onerror", String(e.message)]),
          );
        });
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
        page.on("popup", (p) => problems.push(`popup: ${p.url()}`));
        const url = `file://${output}`;
        page.on("request", (q) => {
          if (q.url() !== url && !q.url().startsWith("data:")) requests.push(q.url());
        });
        await page.goto(url, { waitUntil: "load" });

        await t.step("the report shows the findings", async () => {
          assert.ok((await page.locator("section.finding").count()) > 0);
        });
        await t.step("hover every mark, use every control, search for a payload", async () => {
          const marks = page.locator("svg .mk");
          const n = await marks.count();
          for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 40))) {
            await marks.nth(i).hover({ force: true });
          }
          for (const id of ["#collapse", "#expand"]) {
            if (await page.locator(id).count()) await page.locator(id).click();
          }
          if (await page.locator("#search").count()) {
            await page.locator("#search").fill(hostile(2));
            await page.locator("#search").fill("");
          }
        });
        await t.step("no script ran, no dialog, no error, no request left the file", async () => {
          assert.deepEqual(await page.evaluate("window.__calls"), []);
          assert.deepEqual(problems, []);
          assert.deepEqual(requests, []);
        });
        await t.step("the DOM holds no element or attribute from the logs", async () => {
          // (Strings: this test is type-checked without the DOM library.)
          const found = await page.evaluate(`(() => {
            const out = [];
            for (const el of document.querySelectorAll("*")) {
              for (const a of el.attributes) {
                if (/^on/i.test(a.name)) out.push(el.tagName + " " + a.name);
                // Attributes that load or run something (data-tip and the like only hold text).
                const loads = /^(href|xlink:href|src|srcset|srcdoc|action|formaction|data|poster|background|style|content)$/i;
                if (loads.test(a.name) && /javascript:|evil\\.example/i.test(a.value)) {
                  out.push(el.tagName + " " + a.name + "=" + a.value);
                }
              }
              if (/^(IMG|IFRAME|OBJECT|EMBED|LINK|BASE|FORM|META|A|DETAILS|MATH)$/.test(el.tagName)) {
                const meta = el.tagName === "META" && !/refresh/i.test(el.getAttribute("http-equiv") ?? "");
                const ownDetails = el.tagName === "DETAILS" && !el.hasAttribute("ontoggle");
                const anchor = el.tagName === "A" && (el.getAttribute("href") ?? "").startsWith("#");
                if (!meta && !ownDetails && !anchor) out.push(el.outerHTML.slice(0, 80));
              }
            }
            out.push("scripts: " + document.scripts.length);
            return out;
          })()`) as string[];
          const scripts = (html.match(/<script\b/g) ?? []).length;
          assert.deepEqual(found, [`scripts: ${scripts}`]);
          assert.equal(scripts, 2, "the data block and the report's own script");
        });
        await t.step("at least 100 distinct hostile values are on the page as text", async () => {
          // The page's text, and the tooltips' (shown as text on hover: see the hover step).
          const text = await page.evaluate(`(() => {
            for (const d of document.querySelectorAll("details")) d.open = true;
            const tips = [...document.querySelectorAll("[data-tip]")].map((e) => e.getAttribute("data-tip"));
            return document.body.innerText + "\\n" + tips.join("\\n");
          })()`) as string;
          const visible = values.filter((v) => text.includes(shown(v)));
          assert.ok(visible.length >= 100, `${visible.length} of ${values.length} shown as text`);
          assert.ok(text.includes(shown(title)), "the title");
          const markers = new Set(text.match(/HX\d+X/g));
          assert.ok(markers.size >= 100, `${markers.size} distinct markers`);
        });
      } finally {
        await browser.close();
      }
    });
  },
});
