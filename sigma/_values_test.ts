import assert from "node:assert/strict";
import {
  base64,
  base64offset,
  likePattern,
  parseWildcards,
  utf16,
  utf8,
  windash,
  WINDASH_LIMIT,
} from "./_values.ts";

Deno.test("parseWildcards() splits wildcards and escapes", async (t) => {
  await t.step("* and ? are wildcards", () => {
    assert.deepEqual(parseWildcards("a*b?c"), [{ lit: "a" }, { wild: "*" }, { lit: "b" }, {
      wild: "?",
    }, {
      lit: "c",
    }]);
  });
  await t.step("\\* \\? \\\\ are literal; other backslashes stay", () => {
    assert.deepEqual(parseWildcards("a\\*b\\?c\\\\d"), [{ lit: "a*b?c\\d" }]);
    assert.deepEqual(parseWildcards("C:\\Windows\\x"), [{ lit: "C:\\Windows\\x" }]);
    assert.deepEqual(parseWildcards("\\\\*"), [{ lit: "\\" }, { wild: "*" }]);
    assert.deepEqual(parseWildcards("end\\"), [{ lit: "end\\" }]);
  });
});

Deno.test("likePattern() escapes LIKE metacharacters", () => {
  assert.equal(likePattern(parseWildcards("50%_a\\\\b*?")), "50\\%\\_a\\\\b%_");
});

Deno.test("windash() makes every dash variant at word starts", () => {
  const out = windash(parseWildcards("cmd -a /b x-y")).map((p) =>
    p.map((x) => "lit" in x ? x.lit : x.wild).join("")
  );
  assert.equal(out.length, 25);
  assert.ok(out.includes("cmd /a -b x-y"));
  assert.ok(out.includes("cmd \u2014a \u2015b x-y"));
  assert.ok(out.every((s) => s.endsWith("x-y")));
  assert.throws(() => windash(parseWildcards(" -a -b -c -d -e")), RangeError);
  assert.equal(WINDASH_LIMIT, 625);
});

Deno.test("base64() and base64offset() match pySigma", () => {
  assert.equal(base64(utf8("http://")), "aHR0cDovLw==");
  assert.deepEqual(base64offset(utf8("http://")), ["aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"]);
  assert.deepEqual(base64offset(utf16("cmd", "le")), ["YwBtAGQA", "MAbQBkA", "jAG0AZA"]);
});

Deno.test("utf16() encodings", () => {
  assert.deepEqual([...utf16("cmd", "le")], [0x63, 0, 0x6d, 0, 0x64, 0]);
  assert.deepEqual([...utf16("cmd", "be")], [0, 0x63, 0, 0x6d, 0, 0x64]);
  assert.deepEqual([...utf16("c", "bom")], [0xff, 0xfe, 0x63, 0]);
});
