import assert from "node:assert/strict";
import { sniffText } from "./_sniff.ts";

Deno.test("sniffText() detects the wrapper and layout from content", async (t) => {
  const cases: [string, string, string, string, boolean][] = [
    ["S3 delivery", '{"Records":[{"eventName":"A"}]}', "records", "lines", false],
    ["pretty Records", '{\n  "Records": [\n {"eventName":"A"}]}', "records", "unstructured", false],
    ["JSON lines of batches", '{"Records":[]}\n{"Records":[]}\n', "records", "lines", true],
    ["bare array", '[{"eventVersion":"1.08","eventName":"A"}]', "record", "array", false],
    ["single record", '{"eventVersion":"1.08","eventTime":"x"}', "record", "lines", false],
    ["JSON lines", '{"eventName":"A"}\n{"eventName":"B"}\n', "record", "lines", true],
    ["lookup-events", '{"Events":[{"CloudTrailEvent":"{}"}]}', "lookup", "lines", false],
    [
      "EventBridge",
      '{"version":"0","detail-type":"AWS API Call via CloudTrail","detail":{}}',
      "eventbridge",
      "lines",
      false,
    ],
    ["ECS", '{"@timestamp":"x","event":{"original":"{}"}}', "ecs", "lines", false],
    [
      "digest",
      '{"awsAccountId":"1","digestStartTime":"x","logFiles":[]}',
      "digest",
      "lines",
      false,
    ],
    ["other JSON", '{"doc":"x","status":"ok"}', "unknown", "lines", false],
    [
      "keys of nested objects are not item keys",
      '{"a":{"eventName":"x"}}',
      "unknown",
      "lines",
      false,
    ],
  ];
  for (const [name, text, wrapper, container, multi] of cases) {
    await t.step(name, () => {
      const s = sniffText(text);
      assert.equal(s.wrapper, wrapper);
      assert.equal(s.container, container);
      assert.equal(s.multi, multi);
      assert.equal(s.json, true);
    });
  }
  await t.step("a byte order mark is noted and skipped", () => {
    const s = sniffText('\ufeff{"Records":[]}');
    assert.equal(s.bom, true);
    assert.equal(s.wrapper, "records");
  });
  await t.step("text that is not JSON", () => {
    assert.equal(sniffText("# a markdown file").json, false);
  });
});
