import assert from "node:assert/strict";
import {
  escapeHtml,
  joinHtml,
  jsonScript,
  SafeHtml,
  safeHtml,
  trustedMarkup,
} from "./escape_html.ts";

Deno.test("escapeHtml() escapes the HTML metacharacters", async (t) => {
  await t.step("text and attribute contexts", () => {
    assert.equal(
      escapeHtml(`<script>alert("x")</script>`),
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;",
    );
    assert.equal(
      escapeHtml(`"><img src=x onerror=alert(1)>`),
      "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
    );
    assert.equal(escapeHtml("'onmouseover='alert(1)"), "&#39;onmouseover=&#39;alert(1)");
    assert.equal(escapeHtml("a & b"), "a &amp; b");
    assert.equal(escapeHtml("&amp;"), "&amp;amp;");
  });
  await t.step("CDATA ends and style ends", () => {
    assert.equal(escapeHtml("]]></style>"), "]]&gt;&lt;/style&gt;");
  });
  await t.step("javascript: URLs stay plain text", () => {
    assert.equal(escapeHtml("javascript:alert(1)"), "javascript:alert(1)");
  });
  await t.step("null, undefined, numbers", () => {
    assert.equal(escapeHtml(null), "");
    assert.equal(escapeHtml(undefined), "");
    assert.equal(escapeHtml(42), "42");
  });
  await t.step("clean text is returned as is", () => {
    const s = "arn:aws:iam::111122223333:role/app";
    assert.equal(escapeHtml(s), s);
  });
});

Deno.test("escapeHtml() makes invisible and bidi characters visible", async (t) => {
  await t.step("right-to-left override and isolates", () => {
    assert.equal(escapeHtml("invoice\u202Efdp.exe"), "invoice\u2039U+202E\u203Afdp.exe");
    assert.equal(escapeHtml("\u2066x\u2069"), "\u2039U+2066\u203Ax\u2039U+2069\u203A");
  });
  await t.step("zero-width characters and BOM", () => {
    assert.equal(
      escapeHtml("a\u200Bb\u200Dc\uFEFF"),
      "a\u2039U+200B\u203Ab\u2039U+200D\u203Ac\u2039U+FEFF\u203A",
    );
  });
  await t.step("control characters, but not tab and newline", () => {
    assert.equal(
      escapeHtml("a\u0000b\u001Bc\u007F"),
      "a\u2039U+0000\u203Ab\u2039U+001B\u203Ac\u2039U+007F\u203A",
    );
    assert.equal(escapeHtml("a\tb\nc"), "a\tb\nc");
  });
  await t.step("line separators, tag characters, private use, lone surrogates", () => {
    assert.equal(escapeHtml("\u2028"), "\u2039U+2028\u203A");
    assert.equal(escapeHtml("\u{E0041}"), "\u2039U+E0041\u203A");
    assert.equal(escapeHtml("\uE000"), "\u2039U+E000\u203A");
    assert.equal(escapeHtml("\uD800x"), "\u2039U+D800\u203Ax");
  });
  await t.step("ordinary non-ASCII text is kept", () => {
    assert.equal(escapeHtml("café ☕ 日本 עברית"), "café ☕ 日本 עברית");
  });
});

Deno.test("safeHtml`` escapes interpolations and keeps SafeHtml", async (t) => {
  await t.step("strings, numbers, null and false", () => {
    const v = "<b>";
    assert.equal(
      String(safeHtml`<p title="${v}">${v} ${1} ${null}${false}${undefined}</p>`),
      '<p title="&lt;b&gt;">&lt;b&gt; 1 </p>',
    );
  });
  await t.step("nested fragments and arrays", () => {
    const items = ["<a>", "<b>"].map((x) => safeHtml`<li>${x}</li>`);
    assert.equal(
      String(safeHtml`<ul>${items}</ul>`),
      "<ul><li>&lt;a&gt;</li><li>&lt;b&gt;</li></ul>",
    );
  });
  await t.step("joinHtml()", () => {
    assert.equal(String(joinHtml(["<x>", safeHtml`<br>`], " | ")), "&lt;x&gt; | <br>");
  });
  await t.step("trustedMarkup() passes through", () => {
    assert.ok(trustedMarkup("<svg></svg>") instanceof SafeHtml);
    assert.equal(String(safeHtml`${trustedMarkup("<svg></svg>")}`), "<svg></svg>");
  });
});

Deno.test("jsonScript() cannot be closed by the data", async (t) => {
  await t.step("</script> and comments", () => {
    const out = String(
      jsonScript("d", { a: "</script><script>alert(1)</script>", b: "<!--", c: "&" }),
    );
    assert.equal(out.match(/<\/script>/g)?.length, 1);
    assert.ok(out.endsWith("</script>"));
    assert.ok(!out.includes("<!--"));
    const json = out.slice(out.indexOf(">") + 1, -"</script>".length);
    assert.deepEqual(JSON.parse(json), {
      a: "</script><script>alert(1)</script>",
      b: "<!--",
      c: "&",
    });
  });
  await t.step("line separators are escaped", () => {
    assert.ok(String(jsonScript("d", "\u2028\u2029")).includes("\\u2028\\u2029"));
  });
  await t.step("the id is escaped", () => {
    assert.ok(String(jsonScript('x" onload="y', 1)).includes('id="x&quot; onload=&quot;y"'));
  });
});
