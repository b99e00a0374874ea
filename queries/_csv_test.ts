import assert from "node:assert/strict";
import { parseCsv } from "./_csv.ts";
import { InputSyntaxError } from "../errors.ts";

Deno.test("parseCsv() reads podtrail's data files", async (t) => {
  await t.step("header, quoted fields, doubled quotes, comments, blank lines, CRLF", () => {
    const rows = parseCsv(
      '\uFEFFa,b\r\n# a comment\r\n\r\n1, "x,""y"""\r\n"multi\nline",2\n',
      "t.csv",
      ["a", "b"],
    );
    assert.deepEqual(rows, [
      { line: 4, values: { a: "1", b: 'x,"y"' } },
      { line: 5, values: { a: "multi\nline", b: "2" } },
    ]);
  });

  await t.step("optional columns and trimming", () => {
    const rows = parseCsv("a,c\n  x ,y\n", "t.csv", ["a"], ["c"]);
    assert.deepEqual(rows[0].values, { a: "x", c: "y" });
  });

  await t.step("errors name the file and line", () => {
    const cases: [string, RegExp][] = [
      ["", /no header row/],
      ["a\n1\n", /lacks column "b"/],
      ["a,b,z\n", /unknown column "z"/],
      ["a,b\n1\n", /line 2: 1 fields where the header has 2/],
      ['a,b\n"1,2\n', /line 2: unterminated quoted field/],
      ['a,b\n"1"x,2\n', /line 2: text after a closing quote/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseCsv(text, "t.csv", ["a", "b"]), (e: unknown) => {
        assert.ok(e instanceof InputSyntaxError);
        assert.match(e.message, /^Cannot parse "t\.csv": /);
        assert.match(e.message, message);
        return true;
      });
    }
  });
});
