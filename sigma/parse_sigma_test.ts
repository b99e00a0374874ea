import assert from "node:assert/strict";
import { parseSigma, SigmaSyntaxError } from "./parse_sigma.ts";
import { InputSyntaxError } from "../errors.ts";

const RULE = "title: One\nid: 5638f7c0-ac70-491d-8465-2a65075e0d86\nname: one\nlevel: high\n" +
  "tags: [attack.t1078]\nlogsource: {product: aws, service: cloudtrail}\n" +
  "detection:\n  sel: {eventName: X}\n  condition: sel\n";

Deno.test("parseSigma() reads rules", async (t) => {
  await t.step("one detection rule with its metadata", () => {
    const [r] = parseSigma(RULE, "one.yml");
    assert.equal(r.kind, "detection");
    assert.equal(r.file, "one.yml");
    assert.equal(r.id, "5638f7c0-ac70-491d-8465-2a65075e0d86");
    assert.equal(r.name, "one");
    assert.equal(r.title, "One");
    assert.equal(r.level, "high");
    assert.deepEqual(r.tags, ["attack.t1078"]);
    assert.equal(r.line, 1);
    if (r.kind === "detection") assert.deepEqual(r.detection.sel, { eventName: "X" });
  });
  await t.step("multi-document files, with correlations, filters and empty documents", () => {
    const text =
      `---\n${RULE}---\ntitle: C\ncorrelation: {type: event_count, rules: [one]}\n---\n` +
      `title: F\nfilter: {rules: [one]}\n---\n`;
    const rules = parseSigma(text, "multi.yml");
    assert.deepEqual(rules.map((r) => r.kind), ["detection", "correlation", "filter"]);
    assert.deepEqual(rules.map((r) => r.document), [0, 1, 2]);
    assert.equal(rules[1].line, 12);
  });
  await t.step("YAML 1.2: NO and dates stay strings", () => {
    const [r] = parseSigma(RULE.replace("X}", "NO}") + "date: 2024-01-01\n", "y.yml");
    if (r.kind === "detection") assert.deepEqual(r.detection.sel, { eventName: "NO" });
    assert.equal(r.raw.date, "2024-01-01");
  });
  await t.step("an empty file has no rules", () => {
    assert.deepEqual(parseSigma("", "e.yml"), []);
    assert.deepEqual(parseSigma("# nothing\n", "e.yml"), []);
  });
});

Deno.test("parseSigma() throws SigmaSyntaxError with the file and position", async (t) => {
  const fails = (text: string) => {
    try {
      parseSigma(text, "bad.yml");
    } catch (e) {
      assert.ok(e instanceof SigmaSyntaxError);
      assert.ok(e instanceof InputSyntaxError && e instanceof SyntaxError);
      assert.equal(e.file, "bad.yml");
      return e;
    }
    assert.fail("no error");
  };
  await t.step("malformed YAML", () => {
    const e = fails("title: x\ndetection:\n  sel: {eventName: [a, b}\n");
    assert.equal(e.line, 3);
    assert.equal(typeof e.position, "number");
    assert.match(e.message, /^Cannot parse "bad\.yml": .* at line 3, column \d+$/);
  });
  await t.step("duplicate keys", () => {
    assert.equal(fails("title: x\ntitle: y\ndetection: {condition: s}\n").line, 2);
  });
  await t.step("a document that is not a rule", () => {
    assert.match(fails(`${RULE}---\n- a\n- b\n`).message, /document 2 is not a mapping/);
    assert.match(fails("title: x\nfoo: 1\n").message, /not a Sigma rule/);
  });
});
