import assert from "node:assert/strict";
import { join } from "node:path";
import { ingest } from "../ingest/ingest.ts";
import { OutputExistsError } from "../errors.ts";
import { generationTime, writeReport } from "./write_report.ts";
import { collectReportData } from "./collect_report_data.ts";
import { stubHunt } from "./_stub_hunt.ts";
import { cli, record, withTempDir, writeRecords } from "../tests/_helpers.ts";

const TESTDATA = new URL("./testdata/", import.meta.url).pathname;
const NOW = new Date("2026-11-06T09:00:00Z");
const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

/** One lake of both fixtures and one report of it, shared by the tests below (a lake session costs ~1 s). */
interface Fixture {
  dir: string;
  lake: string;
  output: string;
  page: string;
  bytes: number;
  findings: number;
}
let fixture: Promise<Fixture> | undefined;

function sharedFixture(): Promise<Fixture> {
  fixture ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "podtrail-report-test-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    const lake = join(dir, "lake");
    const files = ["chain.json", "hostile.json"];
    await ingest({
      inputs: files.map((f) => join(TESTDATA, f)),
      lake,
      command: ["podtrail", "ingest", ...files],
    });
    const output = join(dir, "out", "report.html");
    await Deno.mkdir(join(dir, "out"));
    const result = await writeReport({ lake, output, hunt: stubHunt, now: NOW });
    return { dir, lake, output, page: await Deno.readTextFile(output), ...result };
  })();
  return fixture;
}

/** The section of finding `id`. */
function section(page: string, id: string): string {
  const start = page.indexOf(`<section class="finding`, page.indexOf(`id="${id}"`) - 60);
  return page.slice(start, page.indexOf("</section>", start));
}

/**
 * Byte equality as one boolean: a failing deepEqual on typed arrays builds a
 * diff that grows without bound (it exhausted the machine's memory).
 */
const same = (a: Uint8Array, b: Uint8Array | undefined) =>
  b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

Deno.test("writeReport() renders the fixture lake's session trees", async (t) => {
  {
    const { output, page, bytes, findings } = await sharedFixture();
    await t.step("result", () => {
      assert.ok(output.endsWith("report.html"));
      assert.equal(bytes, new TextEncoder().encode(page).length);
      assert.equal(findings, 2);
    });
    await t.step("the benign session stays below the minimum severity", () => {
      assert.ok(!page.includes("kube-system/karpenter"));
    });
    await t.step("the chain: both keys, the parent link, issuances and denied calls", () => {
      const f1 = section(page, "f1");
      assert.ok(f1.includes("payments/invoice-worker"));
      assert.ok(
        f1.includes(
          "<code>ASIAQRSTUVWXYZCHILD2</code> \u2190 assumed with <code>ASIAQRSTUVWXYZROOT01</code>",
        ),
      );
      assert.ok(f1.includes("ci-deployer \u00B7 2026-11-05 14:09:12Z \u2013 2026-11-05 14:40:18Z"));
      assert.equal(count(f1, /class="mk /g), 14);
      assert.equal(count(f1, /class="mk denied"/g), 3);
      assert.equal(count(f1, /class="mk issue"/g), 2);
      assert.equal(count(f1, /<tr(?: class="\w+")?><td>\d+<td>2026/g), 14);
      assert.ok(f1.includes("<code>secretId</code> prod/payments/stripe-api-key"));
      assert.ok(f1.includes("<code>\u2192 issued key</code> ASIAQRSTUVWXYZCHILD2"));
      assert.ok(f1.includes("<code>\u2192 new access key</code> AKIAQRSTUVWXYZNEWKEY"));
      for (
        const lane of [
          "Credential issuance",
          "Reconnaissance",
          "Credential access",
          "Defence evasion",
        ]
      ) {
        assert.ok(f1.includes(`>${lane}</text>`), lane);
      }
    });
    await t.step("overview: two sessions linked", () => {
      assert.equal(count(page, /class="bar"/g), 3);
      assert.equal(count(page, /class="link"/g), 1);
    });
    await t.step("summary counts the lake", () => {
      assert.ok(page.includes('<div class="l">Events examined</div><div class="n">24</div>'));
      assert.ok(
        page.includes(
          '<div class="l">Service-account sessions examined</div><div class="n">3</div>',
        ),
      );
      assert.ok(
        page.includes("oidc.eks.eu-west-1.amazonaws.com/id/5C1A0E2B9F8D4C3A7E6B1D0F2A4C6E8B"),
      );
    });
    await t.step("appendix: manifest with SHA-256 and counts, rule SQL, versions", async () => {
      const sha = await crypto.subtle.digest(
        "SHA-256",
        await Deno.readFile(join(TESTDATA, "chain.json")),
      );
      const hex = [...new Uint8Array(sha)].map((b) => b.toString(16).padStart(2, "0")).join("");
      const appendix = page.slice(page.indexOf('id="appendix"'));
      assert.ok(appendix.includes(hex));
      assert.ok(appendix.includes("24 records read, 24 written, 0 duplicates, 0 rejected"));
      assert.ok(appendix.includes("podtrail ingest chain.json hostile.json"));
      assert.ok(
        appendix.includes("SELECT tree, count(DISTINCT eventName) FROM sensitive GROUP BY tree"),
      );
      assert.match(appendix, /<dt>DuckDB<\/dt><dd class="mono">v\d+\.\d+\.\d+/);
      assert.ok(appendix.includes("2026-11-06 09:00:00Z"));
    });
    await t.step("no credential secret is written", () => {
      for (
        const secret of [
          "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN",
          "FwoGZXIvYXdzEXAMPLECHILDTOKEN",
          "wJalrXUtnFEMI",
          "je7MtGbClwBF",
          "sk_live_TOPSECRETVALUE",
          "c2VjcmV0YmluYXJ5",
        ]
      ) assert.ok(!page.includes(secret), secret);
    });
  }
});

Deno.test("writeReport() shows hostile log values as text", async (t) => {
  {
    const { page } = await sharedFixture();
    const body = page.slice(
      page.indexOf("<body>"),
      page.indexOf('<script type="application/json"'),
    );
    await t.step("no markup from the logs", () => {
      assert.equal(count(page, /<script/g), 2, "only the data block and the one inline script");
      assert.equal(
        count(
          body,
          /<script|<img|<svg onload|<\/style>|<textarea|<\/textarea|<i>AccessDenied|<b>10\./gi,
        ),
        0,
      );
      // Inside a tag (text holds no raw "<": it is escaped), no event-handler attribute.
      assert.equal(count(page, /<[a-z][^<>]*\son\w+\s*=/gi), 0, "no event-handler attribute");
      assert.equal(count(page, /href="(?!#)/g), 0, "no link to a javascript: URL");
      assert.equal(count(body, /<!\[CDATA\[/g), 0);
    });
    await t.step("the values are shown escaped", () => {
      for (
        const v of [
          "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
          "&lt;script&gt;alert(&quot;ua&quot;)&lt;/script&gt;&lt;/style&gt;&lt;svg onload=alert(2)&gt;]]&gt;",
          "javascript:alert(document.cookie)//",
          "ListRoles&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;",
          "&lt;b&gt;10.0.0.1&lt;/b&gt;",
          "&lt;/textarea&gt;&lt;img src=x onerror=alert(4)&gt;",
          "]]&gt;&lt;![CDATA[&lt;script&gt;alert(5)&lt;/script&gt;",
          "javascript:alert(6)",
          "&lt;i&gt;AccessDenied&lt;/i&gt;",
          "&#39;onmouseover=&#39;alert(7)",
          "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;alert(8)&lt;/script&gt;",
        ]
      ) assert.ok(body.includes(v), v);
    });
    await t.step("direction and zero-width characters are made visible", () => {
      assert.ok(body.includes("web/front\u2039U+202E\u203Aend\u2039U+200B\u203A"));
      assert.ok(
        body.includes(
          "Mozilla/5.0 \u2039U+202E\u203Agnp.exe\u2039U+200B\u203A\u2039U+2066\u203A\u2039U+2069\u203A",
        ),
      );
      assert.ok(!/[\u202A-\u202E\u2066-\u2069\u200B-\u200D]/.test(body));
    });
    await t.step("the JSON data block cannot be closed early", () => {
      const json =
        page.match(/<script type="application\/json" id="podtrail-data">(.*?)<\/script>/s)![1];
      assert.ok(!json.includes("<"));
      const data = JSON.parse(json);
      assert.equal(data.findings[1].serviceAccount, "web/front\u202Eend\u200B");
      assert.equal(data.findings[1].roleSessionName, '"><img src=x onerror=alert(1)>');
      assert.ok(
        json.includes('"roleSessionName":"\\"\\u003e\\u003cimg src=x onerror=alert(1)\\u003e"'),
      );
    });
    await t.step("the secret value is not written", () => {
      assert.ok(!page.includes("HOSTILE_SECRET_MUST_NOT_APPEAR"));
    });
  }
});

Deno.test("writeReport() is byte-identical for a fixed generation time", async (t) => {
  const { dir, lake, output } = await sharedFixture();
  const again = join(dir, "out", "again.html");
  await t.step("--now", async () => {
    await writeReport({ lake, output: again, hunt: stubHunt, now: NOW });
    assert.ok(same(await Deno.readFile(again), await Deno.readFile(output)));
  });
  await t.step("SOURCE_DATE_EPOCH, over the existing file with force", async () => {
    Deno.env.set("SOURCE_DATE_EPOCH", String(NOW.getTime() / 1000));
    try {
      await writeReport({ lake, output: again, hunt: stubHunt, force: true });
    } finally {
      Deno.env.delete("SOURCE_DATE_EPOCH");
    }
    assert.ok(same(await Deno.readFile(again), await Deno.readFile(output)));
  });
  await t.step("no temporary file is left", async () => {
    const names = (await Array.fromAsync(Deno.readDir(join(dir, "out")))).map((e) => e.name);
    assert.deepEqual(names.sort(), ["again.html", "report.html"]);
  });
});

Deno.test("writeReport() refuses to overwrite without force", async (t) => {
  const { dir, lake } = await sharedFixture();
  const output = join(dir, "keep.html");
  await Deno.writeTextFile(output, "keep me");
  await t.step("OutputExistsError, output untouched", async () => {
    const error = await writeReport({ lake, output, hunt: stubHunt, now: NOW }).catch((e) => e);
    assert.ok(error instanceof OutputExistsError);
    assert.equal(error.message, `Output "${output}" exists; pass --force to overwrite it`);
    assert.equal(await Deno.readTextFile(output), "keep me");
  });
  await t.step("a missing output folder is a clear error", async () => {
    const error = await writeReport({
      lake,
      output: join(dir, "nope", "r.html"),
      hunt: stubHunt,
      now: NOW,
    }).catch((e) => e);
    assert.ok(error instanceof Deno.errors.NotFound);
    assert.match(error.message, /Output folder ".*nope" does not exist/);
  });
});

Deno.test("collectReportData() keeps the first events of a long session and counts the rest", async () => {
  await withTempDir(async (dir) => {
    const key = "ASIAQRSTUVWXYZLONG01";
    const identity = {
      type: "AssumedRole",
      principalId: "AROALONG:s",
      arn: "arn:aws:sts::111122223333:assumed-role/eks-long/s",
      accountId: "111122223333",
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: {
          type: "Role",
          principalId: "AROALONG",
          arn: "arn:aws:iam::111122223333:role/eks-long",
          accountId: "111122223333",
          userName: "eks-long",
        },
        webIdFederationData: {
          federatedProvider:
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
          attributes: {},
        },
      },
    };
    const names = ["ListRoles", "ListUsers", "GetCallerIdentity", "DescribeInstances"];
    const records = Array.from({ length: 420 }, (_, i) =>
      record(i, {
        userIdentity: identity,
        eventTime: new Date(Date.parse("2026-11-05T10:00:00Z") + i * 5000).toISOString(),
        eventName: names[i % 4],
      }));
    await writeRecords(join(dir, "long.json"), records);
    const lake = join(dir, "lake");
    await ingest({ inputs: [join(dir, "long.json")], lake });
    const data = await collectReportData({ lake, hunt: stubHunt, now: NOW, maxEvents: 250 });
    assert.equal(data.findings.length, 1);
    const [f] = data.findings;
    assert.equal(f.events.length, 250);
    assert.equal(f.eventsOmitted, 170);
    assert.equal(f.events[0].time, "2026-11-05T10:00:00Z");
    assert.equal(f.keys[0].eventCount, 420);
    assert.equal(f.finding.serviceAccount, null);
    assert.equal(data.lake.clusters[0], "oidc.eks.us-east-1.amazonaws.com/id/ABC");
  });
});

Deno.test("collectReportData() honours the time range and the minimum severity", async () => {
  {
    const { lake } = await sharedFixture();
    const ranged = await collectReportData({
      lake,
      hunt: stubHunt,
      now: NOW,
      minSeverity: "info",
      to: new Date("2026-11-05T13:30:00Z"),
    });
    // Only the benign controller session lies before 13:30; it is rated info.
    assert.deepEqual(ranged.findings.map((f) => [f.finding.serviceAccount, f.finding.severity]), [[
      "kube-system/karpenter",
      "info",
    ]]);
    assert.equal(ranged.range.to, "2026-11-05T13:30:00.000Z");
    assert.equal(ranged.lake.events, 4);
    assert.equal(ranged.findings[0].events.length, 4);
  }
});

Deno.test("generationTime() prefers --now, then SOURCE_DATE_EPOCH", () => {
  assert.equal(generationTime(NOW, "1").toISOString(), NOW.toISOString());
  assert.equal(generationTime(undefined, "1762419600").toISOString(), "2025-11-06T09:00:00.000Z");
  assert.throws(() => generationTime(undefined, "yesterday"), RangeError);
  assert.ok(Math.abs(generationTime(undefined, undefined).getTime() - Date.now()) < 5000);
});

Deno.test("podtrail report: writes the report, refuses to overwrite, rejects bad flags", async (t) => {
  const { dir, lake } = await sharedFixture();
  const output = join(dir, "cli.html");
  const args = ["report", "--lake", lake, "-o", output, "--now", "2026-11-06T09:00:00Z", "--force"];
  let first: Uint8Array;
  await t.step("exit 0 and one line", async () => {
    const { code, stdout, stderr } = await cli(args);
    assert.equal(stderr, "");
    assert.equal(code, 0);
    assert.match(stdout, /^Wrote .*cli\.html: 3 findings on 2 sessions, \d+\.\d kB\n$/);
    first = await Deno.readFile(output);
    const page = new TextDecoder().decode(first);
    assert.ok(page.includes(`<pre>podtrail ${args.join(" ")}</pre>`));
    assert.ok(page.includes('id="rule-web-identity-lateral-movement"'));
    assert.ok(page.includes("payments/invoice-worker"));
    // The real hunt's catalog gives the lanes; every event of the chain is a mark.
    const f1 = section(page, "f1");
    assert.equal(count(f1, /class="mk /g), 14);
    assert.equal(count(f1, /class="mk denied"/g), 3);
    for (
      const lane of [
        "Credential issuance",
        "Reconnaissance",
        "Credential access",
        "IAM escalation",
        "Identity creation",
        "Lateral movement",
        "Defence evasion",
        "Other calls",
      ]
    ) assert.ok(f1.includes(`>${lane}</text>`), lane);
  });
  await t.step("the same command gives the same bytes", async () => {
    assert.ok(first !== undefined, "the first step wrote the report");
    assert.equal((await cli(args)).code, 0);
    assert.ok(same(await Deno.readFile(output), first));
  });
  await t.step("an existing output without --force: exit 2, one line", async () => {
    const { code, stderr } = await cli(args.slice(0, -1));
    assert.equal(code, 2);
    assert.equal(stderr, `podtrail: Output "${output}" exists; pass --force to overwrite it\n`);
    assert.ok(same(await Deno.readFile(output), first));
  });
  await t.step("bad flags: exit 2", async () => {
    for (
      const bad of [
        ["--min-severity", "severe"],
        ["--now", "yesterday"],
        ["--max-events", "many"],
        ["--max-events", "0"],
      ]
    ) {
      const { code, stderr } = await cli([...args, ...bad]);
      assert.equal(code, 2, bad.join(" "));
      assert.equal(stderr.split("\n").length, 2, stderr);
    }
  });
});
