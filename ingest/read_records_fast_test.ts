import assert from "node:assert/strict";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { ingest, type IngestSummary } from "./ingest.ts";
import { queryLake } from "../queries/query_lake.ts";
import { FIELDS } from "./schema.ts";
import { openEngine, runBound } from "./_duckdb.ts";
import { fastRecordsSql, NEEDS_FULL_READER_SQL } from "./read_records_fast.ts";
import { walkFiles } from "./_walk.ts";
import { record, ROOT, withTempDir, writeRecords } from "../tests/_helpers.ts";

/**
 * Records the fast reader must not type on its own: each is something the
 * lake's STRUCTs would drop or could not hold, or a record to reject. Each
 * goes into a file of its own beside a plain record.
 */
function hostile(): Record<string, string> {
  // A record's JSON without its closing brace, so that keys can be added after its own.
  const plain = (i: number, over: Record<string, unknown> = {}) =>
    JSON.stringify(record(i, over)).slice(0, -1);
  const without = (i: number, keys: string[]) => {
    const r = record(i);
    for (const k of keys) delete r[k];
    return JSON.stringify(r).slice(0, -1);
  };
  const withUi = (i: number, ui: string) =>
    JSON.stringify(record(i, { userIdentity: "\u0001" })).replace(`"\\u0001"`, ui);
  const out: Record<string, string> = {
    unknown_top: `${plain(1)}, "newField": "x"}`,
    unknown_top_null: `${plain(2)}, "newField": null}`,
    unknown_top_object: `${plain(3)}, "newField": {"a": [1, 2]}}`,
    repeated_top_same: `${plain(4)}, "eventName": "GetObject"}`,
    repeated_top_other: `${plain(5)}, "eventName": "StopLogging"}`,
    repeated_nullable: `${plain(6, { requestParameters: null })}, "requestParameters": {"a": 1}}`,
    ui_string: withUi(7, `"root"`),
    ui_null: withUi(8, "null"),
    ui_array: withUi(9, `[{"type": "IAMUser"}]`),
    ui_unknown_key: withUi(10, `{"type": "IAMUser", "arn": "a", "newKey": "x"}`),
    ui_repeated_key: withUi(11, `{"type": "IAMUser", "arn": "a", "arn": "b"}`),
    ui_null_leaf: withUi(12, `{"type": "IAMUser", "userName": null}`),
    ui_context_null: withUi(13, `{"type": "AssumedRole", "sessionContext": null}`),
    ui_context_string: withUi(14, `{"type": "AssumedRole", "sessionContext": "x"}`),
    ui_issuer_unknown: withUi(
      15,
      `{"type": "AssumedRole", "sessionContext": {"sessionIssuer": {"type": "Role", "x": {"y": 1}}}}`,
    ),
    ui_issuer_repeated: withUi(
      16,
      `{"type": "AssumedRole", "sessionContext": {"sessionIssuer": {"arn": "a"}, "sessionIssuer": {"arn": "b"}}}`,
    ),
    ui_leaf_object: withUi(17, `{"type": "IAMUser", "arn": {"evil": 1}}`),
    ui_attributes_unknown: withUi(
      18,
      `{"type": "AssumedRole", "sessionContext": {"attributes": {"creationDate": "x", "other": "y"}}}`,
    ),
    read_only_word: plain(19, { readOnly: "yes" }) + "}",
    read_only_number: plain(20, { readOnly: 1 }) + "}",
    management_null: plain(21, { managementEvent: null }) + "}",
    no_event_id: without(22, ["eventID"]) + "}",
    no_name_or_source: without(23, ["eventName", "eventSource"]) + "}",
    time_garbage: plain(24, { eventTime: "yesterday" }) + "}",
    time_number: plain(25, { eventTime: 1700000000 }) + "}",
    error_code_null: plain(26, { errorCode: null }) + "}",
    resources_null: plain(27, { resources: null }) + "}",
    not_an_object: `"just a string"`,
    null_record: "null",
    array_record: `[1, 2]`,
  };
  for (const f of FIELDS) out[`null_${f.name}`] = plain(100, { [f.name]: null }) + "}";
  return out;
}

/** Records that are plain although unusual: the fast reader types them itself. */
function unusual(): string[] {
  const r = (i: number, over: Record<string, unknown>) => JSON.stringify(record(i, over));
  return [
    r(200, { eventName: 123, awsRegion: 1.5e3, userAgent: true }),
    r(201, { requestParameters: null, responseElements: null }),
    r(202, { requestParameters: "text", responseElements: [1, { a: null }] }),
    r(203, { readOnly: "true", managementEvent: "FALSE" }),
    r(204, { errorMessage: { nested: { deeper: [1, 2, 3] } } }),
    r(205, { eventTime: "2026-11-05 16:43:57.000000000" }),
    r(206, { eventType: "AwsCloudTrailInsight", insightDetails: { state: "Start" } }),
    r(207, { userIdentity: { type: "IAMUser", arn: 12, sessionContext: {} } }),
    r(208, {
      userIdentity: {
        type: "AssumedRoleWithWebIdentity",
        sessionContext: {
          sessionIssuer: {},
          webIdFederationData: { federatedProvider: "p", attributes: { a: { b: 1 } } },
          attributes: { creationDate: "2026-11-05T00:00:00Z", mfaAuthenticated: "false" },
        },
      },
    }),
    r(209, { requestParameters: JSON.parse("[".repeat(900) + "]".repeat(900)) }),
    r(210, { sourceIPAddress: "\u0000\u202e\"';--" }),
  ];
}

/** A file whose `Records` key repeats: which records are the file's is ambiguous. */
const repeatedRecords = `{"Records":[${JSON.stringify(record(400))}],"Records":[${
  JSON.stringify(record(401))
}]}`;

const compared = `SELECT * EXCLUDE (_batch, day) FROM events ORDER BY _source_file, _record`;

async function lakeRows(lake: string, sql: string) {
  return (await queryLake({ lake, sql })).rows;
}

/** Ingests `inputs` with and without the fast reader and checks the lakes hold the same. */
async function assertSameLakes(dir: string, inputs: string[]): Promise<IngestSummary> {
  const fast = await ingest({ inputs, lake: join(dir, "fast") });
  const full = await ingest({ inputs, lake: join(dir, "full"), fastReader: false });
  assert.deepEqual(fast.records, full.records);
  assert.deepEqual(fast.files, full.files);
  for (
    const sql of [
      compared,
      `SELECT regexp_extract(path, '[^/]+$') AS f, status, reason, records_read, records_written,
        records_duplicates, records_rejected FROM manifest ORDER BY path`,
      `SELECT * EXCLUDE (batch) FROM rejects ORDER BY source_file, record`,
    ]
  ) {
    assert.deepEqual(
      await lakeRows(join(dir, "fast"), sql),
      await lakeRows(join(dir, "full"), sql),
    );
  }
  // The comparison means something only if the fast reader wrote rows: its files are named
  // `<batch>-d<n>.parquet` (moved as they are) or `<batch>-d_<n>.parquet` (written again).
  const fastFiles = async (lake: string) => {
    let n = 0;
    for await (const f of walkFiles(join(lake, "events"))) if (/-d_?\d+\.parquet$/.test(f)) n++;
    return n;
  };
  assert.ok(await fastFiles(join(dir, "fast")) > 0, "the fast reader wrote no rows");
  assert.equal(await fastFiles(join(dir, "full")), 0);
  return fast;
}

Deno.test("fast reader: the lake is the full reader's on every fixture", async (t) => {
  await t.step("shapes, hunt fixtures and a generated estate", async () => {
    await withTempDir(async (dir) => {
      const { generateEstate } = await import("../generate/generate_estate.ts");
      await generateEstate({ out: join(dir, "estate"), seed: 3, days: 0.0625, scale: 0.3 });
      // Re-deliveries in a file before the estate's (whose copy is kept) and after.
      const { discoverFiles } = await import("./discover_files.ts");
      const logs = (await discoverFiles([join(dir, "estate")])).files.map((f) => f.path)
        .filter((p) => p.endsWith(".json.gz") && !p.includes("Digest")).sort();
      // Three of a file's records beside a record of their own (a file of the same content is skipped).
      const some = (path: string, i: number) => [
        ...JSON.parse(gunzipSync(Deno.readFileSync(path)).toString()).Records.slice(0, 3),
        record(i),
      ];
      await writeRecords(join(dir, "estate", "0_first.json.gz"), some(logs[0], 900));
      await writeRecords(join(dir, "estate", "zz_last.json.gz"), some(logs[logs.length - 1], 901));
      const s = await assertSameLakes(dir, [
        join(ROOT, "ingest", "testdata", "shapes"),
        join(ROOT, "queries", "fixtures"),
        join(dir, "estate"),
      ]);
      assert.ok(s.records.written > 1000, `a real estate: ${s.records.written} records`);
      // Of a re-delivered record the first copy in path order is kept, whichever reader read it.
      const dups = await lakeRows(
        join(dir, "fast"),
        `SELECT regexp_extract(path, '[^/]+$') AS f, records_duplicates AS d FROM manifest
        WHERE path LIKE '%/0_first.json.gz' OR path LIKE '%/zz_last.json.gz' ORDER BY f`,
      );
      assert.deepEqual(dups, [{ f: "0_first.json.gz", d: 0 }, { f: "zz_last.json.gz", d: 1 }]);
      assert.ok(s.records.duplicates >= 2, JSON.stringify(s.records));
    });
  });

  await t.step("hostile and unusual records, beside plain ones", async () => {
    await withTempDir(async (dir) => {
      const input = join(dir, "in");
      await Deno.mkdir(input);
      for (const [name, rec] of Object.entries(hostile())) {
        const text = `{"Records":[${JSON.stringify(record(1))},${rec}]}`;
        await Deno.writeTextFile(join(input, `${name}.json`), text);
      }
      const text = `{"Records":[${unusual().join(",")}]}`;
      await Deno.writeFile(join(input, "unusual.json.gz"), gzipSync(text));
      await Deno.writeTextFile(join(input, "empty.json"), `{"Records":[]}`);
      await Deno.writeTextFile(join(input, "repeated_records.json"), repeatedRecords);
      // Files that fail a read of many: the others are read all the same.
      const gz = gzipSync(`{"Records":[${JSON.stringify(record(500))}]}`);
      await Deno.writeFile(join(input, "truncated.json.gz"), gz.subarray(0, gz.length - 12));
      await Deno.writeTextFile(join(input, "malformed.json"), `{"Records":[{"eventID":"x",`);
      await Deno.writeFile(
        join(input, "bad_utf8.json"),
        new Uint8Array([
          ...new TextEncoder().encode(`{"Records":[{"eventID":"`),
          0xff,
          0x22,
          0x7d,
          0x5d,
          0x7d,
        ]),
      );
      await Deno.writeTextFile(join(input, "not_array.json"), `{"Records":{"a":1}}`);
      await Deno.writeTextFile(
        join(input, "two_objects.json"),
        `{"Records":[${JSON.stringify(record(300))}]}\n{"Records":[${
          JSON.stringify(record(301))
        }]}`,
      );
      const s = await assertSameLakes(dir, [input]);
      assert.ok(s.records.rejected > 0 && s.records.written > 0);
      // The bad UTF-8 record is refused alone (the file ingests); the other two fail whole.
      assert.equal(s.files.failed, 2, JSON.stringify(s.problems));
    });
  });
});

Deno.test("fast reader: which files it leaves to the full reader", async () => {
  await withTempDir(async (dir) => {
    const engine = await openEngine({ threads: 1 });
    try {
      const files = Object.entries(hostile()).map(([name, rec]) => ({
        name,
        text: `{"Records":[${JSON.stringify(record(1))},${rec}]}`,
      }));
      files.push({ name: "unusual", text: `{"Records":[${unusual().join(",")}]}` });
      files.push({ name: "plain", text: `{"Records":[${JSON.stringify(record(1))}]}` });
      files.push({ name: "empty", text: `{"Records":[]}` });
      files.push({ name: "repeated_records", text: repeatedRecords });
      files.push({ name: "records_object", text: `{"Records":{"eventID":"x"}}` });
      files.push({ name: "records_string", text: `{"Records":"x"}` });
      const paths = files.map((f) => join(dir, `${f.name}.json`));
      for (const [i, f] of files.entries()) await Deno.writeTextFile(paths[i], f.text);
      const out = join(dir, "out.parquet");
      await runBound(
        engine.conn,
        `COPY (${fastRecordsSql("unstructured", 16 * 2 ** 20)}) TO $4 (FORMAT parquet)`,
        [paths, paths.map(() => "sha"), "b1", out],
      );
      const redo = new Set(
        (await runBound(engine.conn, NEEDS_FULL_READER_SQL, [[out]])).getRowsJson()
          .map((r) => String(r[0]).replace(/^.*\/|\.json$/g, "")),
      );
      const expected = new Set([
        ...Object.keys(hostile()),
        "repeated_records",
        "records_object",
        "records_string",
      ]);
      // A `null` in these is CloudTrail's own: the count tells it from a dropped key.
      expected.delete("null_requestParameters");
      expected.delete("null_responseElements");
      assert.deepEqual([...redo].sort(), [...expected].sort());
    } finally {
      engine.close();
    }
  });
});
