/**
 * Malformed inputs: each file is ingested, skipped or failed with a reason,
 * each record is written, a duplicate or rejected with a reason, and the other
 * files still ingest. One folder holds every case; one ingest reads it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import {
  assertEveryFileAccounted,
  assertIdentity,
  cli,
  isRoot,
  manifestRows,
  queryJson,
  record,
  rng,
  withTempDir,
} from "./_hostile.ts";

const enc = new TextEncoder();
const json = (v: unknown) => JSON.stringify(v);
const records = (...recs: unknown[]) => json({ Records: recs });
/** A record as JSON text with `field` replaced by raw JSON text (for what JSON.stringify cannot write). */
const rawField = (i: number, field: string, text: string) =>
  json(record(i, { [field]: "@@" })).replace('"@@"', text);

/** What one case file must come to. */
interface Expect {
  status: "ingested" | "skipped" | "failed";
  /** The file's reason (skipped or failed). */
  reason?: RegExp;
  /** Records read, written, rejected. */
  counts?: [number, number, number];
  /** The rejects' reasons, in record order. */
  rejects?: RegExp[];
  /** Text each reject's raw record holds, in record order. */
  raw?: string[];
  /** A check on the written events of this file. */
  events?: (rows: Record<string, unknown>[]) => void;
}

type Case = [name: string, content: string | Uint8Array, expect: Expect];

function cases(): Case[] {
  const random = rng(7);
  const noise = new Uint8Array(4096).map(() => random.int(256));
  const gz = gzipSync(records(record(100), record(101)));
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
  const deepObject = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);
  return [
    ["good.json", records(record(1), record(2)), { status: "ingested", counts: [2, 2, 0] }],
    ["truncated.json.gz", gz.subarray(0, gz.length - 20), {
      status: "failed",
      reason: /^corrupt or truncated gzip/,
    }],
    ["truncated-early.json.gz", gz.subarray(0, 20), {
      status: "failed",
      reason: /^corrupt or truncated gzip|^not JSON/,
    }],
    ["gzip-of-garbage.json.gz", gzipSync(noise), { status: "failed", reason: /^not JSON/ }],
    ["garbage.json", noise, { status: "failed", reason: /^not JSON/ }],
    ["invalid-depth0.json", '{"Records": [', { status: "failed", reason: /^invalid JSON/ }],
    ["invalid-depth1.json", `{"Records":[${json(record(3)).slice(0, -1)} "x"}]}`, {
      status: "failed",
      reason: /^invalid JSON/,
    }],
    [
      "invalid-depth4.json",
      `{"Records":[${rawField(4, "requestParameters", '{"a":{"b":[1,2,}x]}}')}]}`,
      { status: "failed", reason: /^invalid JSON/ },
    ],
    ["invalid-after.json", records(record(5)) + "}", {
      status: "failed",
      reason: /^invalid JSON/,
    }],
    ["invalid-lines.jsonl", `${json(record(6))}\n{"eventName": nope}\n`, {
      status: "failed",
      reason: /^invalid JSON/,
    }],
    ["zero-bytes.json", "", { status: "failed", reason: /^empty file \(0 bytes\)/ }],
    ["blank.json", " \n\t\n", { status: "failed", reason: /^not JSON/ }],
    ["empty-records.json", '{"Records":[]}', { status: "ingested", counts: [0, 0, 0] }],
    ["records-object.json", '{"Records":{"eventName":"A","eventSource":"b"}}', {
      status: "ingested",
      counts: [1, 0, 1],
      rejects: [/^Records is not an array/],
    }],
    ["records-string.json", '{"Records":"hello"}', {
      status: "ingested",
      counts: [1, 0, 1],
      rejects: [/^Records is not an array/],
    }],
    ["records-null.json", '{"Records":null}', {
      status: "ingested",
      counts: [1, 0, 1],
      rejects: [/^Records is not an array/],
    }],
    ["records-not-objects.json", json({ Records: [17, "x", null, [record(7)], record(8)] }), {
      status: "ingested",
      counts: [5, 1, 4],
      rejects: [/not a JSON object/, /not a JSON object/, /not a JSON object/, /not a JSON object/],
    }],
    [
      "deep-10k.json",
      `{"Records":[${rawField(9, "requestParameters", deep(10_000))}]}`,
      {
        status: "ingested",
        counts: [1, 1, 0],
        events: (rows) => assert.equal(rows[0].rp_length, 20_000),
      },
    ],
    [
      "deep-object-10k.json",
      `{"Records":[${rawField(10, "responseElements", deepObject(10_000))}]}`,
      { status: "ingested", counts: [1, 1, 0] },
    ],
    ["deep-top-10k.json", deep(10_000), { status: "failed", reason: /^not CloudTrail/ }],
    [
      "invalid-utf8.json",
      new Uint8Array([
        ...enc.encode('{"Records":[{"eventName":"A'),
        0xff,
        0xfe,
        ...enc.encode('"}]}'),
      ]),
      {
        status: "ingested",
        counts: [1, 0, 1],
        rejects: [/^invalid UTF-8 at byte 15 of the record/],
      },
    ],
    [
      // One record that is not JSON text: the others of the file are still read.
      "invalid-utf8-among-good.json.gz",
      gzipSync(
        new Uint8Array([
          ...enc.encode(`{"Records":[${json(record(43))},{"eventName":"A`),
          0xc3,
          ...enc.encode(`"},${json(record(44))}]}`),
        ]),
      ),
      {
        status: "ingested",
        counts: [3, 2, 1],
        rejects: [/^invalid UTF-8/],
        events: (rows) => assert.equal(rows.length, 2),
      },
    ],
    [
      "nul-byte.jsonl",
      new Uint8Array([
        ...enc.encode(`${json(record(45))}\n{"eventName":"A`),
        0,
        ...enc.encode(`"}\n${json(record(46))}\n`),
      ]),
      { status: "ingested", counts: [3, 2, 1], rejects: [/^a control character \(0x00\)/] },
    ],
    [
      "nul-byte.json",
      new Uint8Array([
        ...enc.encode(`{"Records":[${json(record(11)).slice(0, -1)},"x":"a`),
        0,
        ...enc.encode('b"}]}'),
      ]),
      {
        status: "ingested",
        counts: [1, 0, 1],
        rejects: [/^a control character \(0x00\) in a string/],
      },
    ],
    ["nul-escaped.json", records(record(12, { eventName: "List\u0000Users" })), {
      status: "ingested",
      counts: [1, 1, 0],
      events: (rows) => assert.equal(rows[0].eventName, "List\u0000Users"),
    }],
    [
      "numbers-for-strings.json",
      records(
        record(13, { eventName: 42, awsRegion: 1.5, sourceIPAddress: [1, 2], errorCode: {} }),
      ),
      {
        status: "ingested",
        counts: [1, 1, 0],
        events: (rows) => {
          assert.equal(rows[0].eventName, "42");
          assert.equal(rows[0].awsRegion, "1.5");
          assert.equal(rows[0].sourceIPAddress, "[1,2]");
        },
      },
    ],
    [
      "strings-for-booleans.json",
      records(
        record(14, { readOnly: "true", managementEvent: "false" }),
        record(15, { readOnly: "maybe", managementEvent: 7 }),
        record(34, { readOnly: 1, managementEvent: "TRUE" }),
      ),
      {
        status: "ingested",
        counts: [3, 3, 0],
        events: (rows) => {
          assert.deepEqual([rows[0].readOnly, rows[0].managementEvent], [true, false]);
          // Not a boolean: kept as written in extra, never guessed (7 is not "true").
          assert.deepEqual([rows[1].readOnly, rows[1].managementEvent], [null, null]);
          assert.deepEqual(rows[1].extra, { readOnly: "maybe", managementEvent: 7 });
          assert.deepEqual([rows[2].readOnly, rows[2].managementEvent], [null, true]);
          assert.deepEqual(rows[2].extra, { readOnly: 1 });
        },
      },
    ],
    ["event-time-missing.json", records({ ...record(16), eventTime: undefined }), {
      status: "ingested",
      counts: [1, 1, 0],
      events: (rows) => assert.deepEqual([rows[0].day, rows[0].eventTime], ["undated", null]),
    }],
    ["event-time-null.json", records(record(17, { eventTime: null })), {
      status: "ingested",
      counts: [1, 1, 0],
      events: (rows) => assert.equal(rows[0].day, "undated"),
    }],
    [
      "event-time-garbage.json",
      records(
        record(18, { eventTime: "yesterday" }),
        record(19, { eventTime: "" }),
        record(20, { eventTime: 1730800000 }),
        record(21, { eventTime: "2026-13-45T99:00:00Z" }),
        record(22, { eventTime: { t: 1 } }),
        // DuckDB's own words and years outside 0000-9999 cast, but are not times.
        record(25, { eventTime: "infinity" }),
        record(26, { eventTime: "-infinity" }),
        record(27, { eventTime: "epoch" }),
        record(28, { eventTime: "294247-01-10T04:00:54Z" }),
        record(29, { eventTime: "10000-01-01T00:00:00Z" }),
        record(30, { eventTime: "-0044-03-15T00:00:00Z" }),
      ),
      {
        status: "ingested",
        counts: [11, 0, 11],
        rejects: Array(11).fill(/^eventTime is not a time/),
      },
    ],
    [
      "event-time-variants.json",
      records(
        record(31, { eventTime: "2026-11-05T10:00:00.123456789Z" }),
        record(32, { eventTime: "2026-11-05 10:00:00.000000000" }),
        record(33, { eventTime: "2026-11-05T12:00:00+02:00" }),
      ),
      {
        status: "ingested",
        counts: [3, 3, 0],
        events: (rows) =>
          assert.deepEqual(rows.map((r) => r.eventTime), [
            "2026-11-05T10:00:00.123456Z",
            "2026-11-05T10:00:00Z",
            "2026-11-05T10:00:00Z",
          ]),
      },
    ],
    [
      "duplicate-keys.json",
      `{"Records":[${
        json(record(35)).replace(
          '"eventName":"ListUsers"',
          '"eventName":"ListUsers","eventName":"DeleteTrail"',
        )
      },${json(record(37)).slice(0, -1)},"zz":1,"zz":2},${json(record(38))}]}`,
      {
        status: "ingested",
        counts: [3, 1, 2],
        rejects: [
          /^duplicate key \(eventName\): which value is the event's is ambiguous/,
          /^duplicate key \(zz\)/,
        ],
        raw: ['"eventName":"ListUsers","eventName":"DeleteTrail"', '"zz":1,"zz":2'],
      },
    ],
    [
      "duplicate-records.json",
      `{"Records":[${json(record(39))}],"Records":[${json(record(40))}]}`,
      {
        status: "ingested",
        counts: [1, 0, 1],
        rejects: [/^duplicate key in the envelope \(Records\)/],
        raw: [record(40).eventID as string],
      },
    ],
    [
      "duplicate-keys.jsonl",
      `${json(record(41)).replace('"readOnly":true', '"readOnly":true,"readOnly":false')}\n${
        json(record(42))
      }\n`,
      {
        status: "ingested",
        counts: [2, 1, 1],
        rejects: [/^duplicate key \(readOnly\)/],
      },
    ],
    ["not-cloudtrail.json", json({ name: "package", version: "1.0", dependencies: {} }), {
      status: "failed",
      reason: /^not CloudTrail/,
    }],
    ["not-cloudtrail-array.json", "[1,2,3]", { status: "failed", reason: /^not CloudTrail/ }],
    [
      "not-cloudtrail-after-first.jsonl",
      `${json(record(23))}\n${json({ hello: "world" })}\n`,
      {
        status: "ingested",
        counts: [2, 1, 1],
        rejects: [/^not a CloudTrail record/],
      },
    ],
    ["notes.txt", "just some notes", { status: "skipped", reason: /^not a JSON log file/ }],
  ];
}

Deno.test("malformed inputs: every file and record accounted for, with reasons; the rest ingests", async (t) => {
  await withTempDir(async (dir) => {
    const logs = join(dir, "logs");
    await Deno.mkdir(logs);
    const table = cases();
    for (const [name, content] of table) {
      const path = join(logs, name);
      if (typeof content === "string") await Deno.writeTextFile(path, content);
      else await Deno.writeFile(path, content);
    }
    // Links, folders, paths that are not regular files, and a file no one may read.
    await Deno.symlink("loop-b.json", join(logs, "loop-a.json"));
    await Deno.symlink("loop-a.json", join(logs, "loop-b.json"));
    await Deno.symlink("nowhere.json", join(logs, "dangling.json"));
    await Deno.mkdir(join(logs, "sub"));
    await Deno.symlink("..", join(logs, "sub", "up")); // a folder loop
    await Deno.mkdir(join(logs, "folder.json")); // a folder named like a log
    await new Deno.Command("mkfifo", { args: [join(logs, "fifo.json")] }).output();
    // A socket file (the test task has no --allow-net, so a shell-side tool binds it).
    const socketMade = await new Deno.Command("python3", {
      args: [
        "-c",
        "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])",
        join(logs, "socket.json"),
      ],
    }).output().then((o) => o.success, () => false);
    await Deno.writeTextFile(join(logs, "unreadable.json"), records(record(24)));
    await Deno.chmod(join(logs, "unreadable.json"), 0o000);

    const lake = join(dir, "lake");
    const r = await cli(["ingest", logs, "--lake", lake, "--json", "--threads", "2"]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stderr, "");
    const summary = JSON.parse(r.stdout);
    assertIdentity(summary.records);
    const manifest = await manifestRows(lake);
    const byName = new Map(manifest.map((m) => [m.path.slice(logs.length + 1), m]));
    const rejects = await queryJson(
      lake,
      `SELECT regexp_extract(source_file, '[^/]+$') AS f, record, reason, raw FROM rejects
       WHERE record IS NOT NULL ORDER BY f, record`,
    );
    const events = await queryJson(
      lake,
      `SELECT regexp_extract(_source_file, '[^/]+$') AS f, eventName, eventTime, day, readOnly,
         managementEvent, awsRegion, sourceIPAddress, extra, length(requestParameters::VARCHAR) AS rp_length
       FROM events ORDER BY f, _record`,
    );

    for (const [name, , expect] of table) {
      await t.step(name, () => {
        const m = byName.get(name);
        assert.ok(m, `${name} is in the manifest`);
        assert.equal(m.status, expect.status, `${name}: ${m.reason}`);
        if (expect.reason) assert.match(m.reason ?? "", expect.reason);
        if (expect.counts) {
          assert.deepEqual(
            [m.records_read, m.records_written, m.records_rejected],
            expect.counts,
            name,
          );
        }
        if (expect.rejects) {
          const reasons = rejects.filter((x) => x.f === name).map((x) => String(x.reason));
          assert.equal(reasons.length, expect.rejects.length, reasons.join("; "));
          expect.rejects.forEach((re, i) => assert.match(reasons[i], re));
        }
        if (expect.raw) {
          const raws = rejects.filter((x) => x.f === name).map((x) => String(x.raw));
          expect.raw.forEach((text, i) =>
            assert.ok(raws[i].includes(text), `${text} in ${raws[i]}`)
          );
        }
        expect.events?.(events.filter((e) => e.f === name));
      });
    }
    await t.step(
      "links: a loop and a dangling link fail with the reason; a folder loop is walked once",
      () => {
        assert.match(byName.get("loop-a.json")?.reason ?? "", /symbolic link loop/);
        assert.match(byName.get("loop-b.json")?.reason ?? "", /symbolic link loop/);
        assert.match(byName.get("dangling.json")?.reason ?? "", /not found/);
        assert.ok(
          ![...byName.keys()].some((k) => k.startsWith("sub/up/")),
          "no path through the loop",
        );
      },
    );
    await t.step(
      "a FIFO and a socket are reported, never opened (a FIFO would block the read)",
      () => {
        assert.match(byName.get("fifo.json")?.reason ?? "", /not a regular file \(a FIFO\)/);
        if (socketMade) {
          assert.match(byName.get("socket.json")?.reason ?? "", /not a regular file \(a socket\)/);
        }
      },
    );
    await t.step(
      isRoot()
        ? "an unreadable file (chmod 000): root reads it anyway, so it is ingested"
        : "an unreadable file (chmod 000) fails with the reason",
      () => {
        const m = byName.get("unreadable.json");
        if (isRoot()) assert.equal(m?.status, "ingested");
        else assert.match(m?.reason ?? "", /permission denied|cannot read/i);
      },
    );
    await t.step("every file is in the manifest; per-file identity holds", () => {
      assertEveryFileAccounted(manifest, [
        ...table.map(([name]) => join(logs, name)),
        join(logs, "loop-a.json"),
        join(logs, "fifo.json"),
        ...(socketMade ? [join(logs, "socket.json")] : []),
      ]);
      assert.equal(summary.files.found, manifest.length);
    });
  });
});

Deno.test("values nested 10k levels deep among S3-delivery files: read together, no crash", async () => {
  await withTempDir(async (dir) => {
    const logs = join(dir, "logs");
    await Deno.mkdir(logs);
    const n = 10_000;
    const deepObject = '{"a":'.repeat(n) + "1" + "}".repeat(n);
    const deepArray = "[".repeat(n) + "]".repeat(n);
    await Deno.writeTextFile(join(logs, "a.json"), records(record(1), record(2)));
    await Deno.writeTextFile(
      join(logs, "b.json"),
      `{"Records":[${rawField(3, "responseElements", deepObject)},${
        rawField(4, "requestParameters", deepArray)
      }]}`,
    );
    await Deno.writeTextFile(join(logs, "c.json"), records(record(5)));
    // A subprocess: a stack overflow aborts the process, which must not be this one.
    const { podtrail } = await import("./_hostile.ts");
    const lake = join(dir, "lake");
    const r = await podtrail(["ingest", logs, "--lake", lake, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).records, {
      read: 5,
      written: 5,
      duplicates: 0,
      rejected: 0,
    });
    const rows = await queryJson(
      lake,
      `SELECT length(responseElements::VARCHAR) AS re, length(requestParameters::VARCHAR) AS rp
       FROM events WHERE eventID = '${record(3).eventID}' OR eventID = '${
        record(4).eventID
      }' ORDER BY eventID`,
    );
    assert.deepEqual(rows, [{ re: deepObject.length, rp: null }, {
      re: null,
      rp: deepArray.length,
    }]);
  });
});

Deno.test({
  name: "userIdentity values the schema cannot type, at any level, are kept in extra",
  async fn() {
    await withTempDir(async (dir) => {
      const ui = (over: Record<string, unknown>) => ({ type: "AssumedRole", ...over });
      await Deno.writeTextFile(
        join(dir, "a.json"),
        records(
          record(1, { userIdentity: ui({ sessionContext: "a string" }) }),
          record(2, {
            userIdentity: ui({
              sessionContext: { sessionIssuer: { arn: "a", newField: "kept?" } },
            }),
          }),
          record(3, { userIdentity: ui({ sessionContext: { attributes: { x: "kept?" } } }) }),
          record(4, { userIdentity: ui({ inScopeOf: { issuerType: "x", z: "kept?" } }) }),
          record(5, { userIdentity: ui({ onBehalfOf: ["not", "an", "object"] }) }),
          record(6, {
            userIdentity: ui({
              sessionContext: { webIdFederationData: { federatedProvider: 1, y: 2 } },
            }),
          }),
        ),
      );
      // Repeated keys inside userIdentity (JSON.stringify cannot write them).
      await Deno.writeTextFile(
        join(dir, "b.json"),
        `{"Records":[${
          JSON.stringify(record(7, { userIdentity: ui({ arn: "first" }) })).replace(
            '"arn":"first"',
            '"arn":"first","arn":"second"',
          )
        },${
          JSON.stringify(
            record(8, { userIdentity: ui({ sessionContext: { sourceIdentity: "a" } }) }),
          )
            .replace('"sourceIdentity":"a"', '"sourceIdentity":"a","sourceIdentity":"b"')
        }]}`,
      );
      const lake = join(dir, "lake");
      const r = await cli([
        "ingest",
        join(dir, "a.json"),
        join(dir, "b.json"),
        "--lake",
        lake,
        "-q",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const rows = await queryJson(
        lake,
        `SELECT extra::VARCHAR AS extra, userIdentity.arn AS arn FROM events ORDER BY eventID`,
      );
      assert.equal(rows.length, 8);
      for (const r of rows) {
        assert.ok(String(r.extra).startsWith('{"userIdentity":{'), `in extra: ${r.extra}`);
      }
      assert.match(String(rows[6].extra), /"arn":"first","arn":"second"/);
      assert.equal(rows[6].arn, "first");
      assert.match(String(rows[7].extra), /"sourceIdentity":"a","sourceIdentity":"b"/);
      // A plain userIdentity (and a null one) leaves extra empty.
      const plain = join(dir, "c.json");
      await Deno.writeTextFile(
        plain,
        JSON.stringify({
          Records: [
            record(9, {
              userIdentity: ui({ sessionContext: { attributes: {}, sourceIdentity: "x" } }),
            }),
            record(10, { userIdentity: null }),
            record(11, { userIdentity: ui({ sessionContext: null, onBehalfOf: null }) }),
          ],
        }),
      );
      const lake2 = join(dir, "lake2");
      assert.equal((await cli(["ingest", plain, "--lake", lake2, "-q"])).code, 0);
      const plainRows = await queryJson(lake2, `SELECT extra FROM events`);
      assert.deepEqual(plainRows.map((x) => x.extra), [null, null, null]);
    });
  },
});
