import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { contentPrefix, sniffText } from "./_sniff.ts";

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

Deno.test("contentPrefix() inflates the start of gzip content, from whole or truncated heads", async (t) => {
  // Records compress about 10:1 like CloudTrail's; a random field keeps some entropy.
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31).toString(36);
  const records = Array.from({ length: 20000 }, (_, i) => ({
    eventID: `${i}-${rnd()}`,
    eventName: "GetObject",
    requestParameters: { bucketName: "b", key: `k/${rnd()}` },
  }));
  const content = new TextEncoder().encode(JSON.stringify({ Records: records }));
  const gz = gzipSync(content);
  for (const size of [20, 5000, 16384, 30000, 65536]) {
    await t.step(`${size} bytes of a ${gz.length}-byte file`, () => {
      const head = gz.subarray(0, size);
      const { bytes, gzip } = contentPrefix(head);
      assert.ok(gzip);
      // Always the very start of the content, as much as the head holds up to the window.
      assert.deepEqual(new Uint8Array(bytes), content.slice(0, bytes.length));
      if (size >= 16384) assert.ok(bytes.length >= 100_000, `${bytes.length} bytes`);
      else assert.ok(bytes.length <= content.length);
    });
  }
  await t.step("a small file is inflated whole", () => {
    const small = new TextEncoder().encode(`{"Records":[]}`);
    assert.deepEqual(new Uint8Array(contentPrefix(gzipSync(small)).bytes), small);
  });
  await t.step("a damaged head still gives the content before the damage", () => {
    const head = gz.slice(0, 30000);
    head[20000] ^= 0xff;
    // Damaged deflate data may inflate to garbage rather than fail; what comes before is intact.
    const { bytes } = contentPrefix(head);
    assert.ok(bytes.length >= 100_000, `${bytes.length} bytes`);
    assert.deepEqual(new Uint8Array(bytes.subarray(0, 100_000)), content.slice(0, 100_000));
  });
});
