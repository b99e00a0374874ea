/**
 * Property test of the readers: seeded random mutations (bytes, structure,
 * values, shapes) of the real samples and of every ingest shape fixture. On
 * every run: the CLI never fails internally (exit 0 or 3, never 70), the
 * accounting identity holds in total and per file, every file is ingested,
 * skipped or failed with a reason, the lake holds exactly the written events
 * and record rejects, and a re-run adds nothing.
 *
 * A failing round prints its seed; `FUZZ_SEED=<n>` re-runs that round alone.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  assertEveryFileAccounted,
  assertIdentity,
  cli,
  manifestRows,
  queryJson,
  REAL_SAMPLES,
  rng,
  SHAPES,
  withTempDir,
} from "./_hostile.ts";

type Rng = ReturnType<typeof rng>;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...listFiles(p));
    else if (e.isFile) out.push(p);
  }
  return out.sort();
}

/** Stands for a deeply nested value in the serialised text (JS itself recurses on those). */
const DEEP = "@@deep@@";
function deepText(r: Rng): string {
  const n = 3000 + r.int(9000);
  return r.int(2) ? '{"a":'.repeat(n) + "1" + "}".repeat(n) : "[".repeat(n) + "]".repeat(n);
}

/** Values a hostile log could hold where any value goes. */
const HOSTILE: unknown[] = [
  null,
  true,
  0,
  -1.5e308,
  9007199254740993,
  "",
  "'; DROP TABLE events; --",
  '"}]},{"Records":[',
  "\u0000",
  "\u202Egnp.exe",
  "<script>alert(1)</script>",
  "../../../etc/passwd",
  "$(touch /tmp/pwned)",
  "\ud800",
  "infinity",
  "2026-13-45T99:99:99Z",
  [],
  {},
  [[[[[]]]]],
  { "": { "": null } },
];

function randomValue(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 5 : 9)) {
    case 0:
      return r.pick(HOSTILE);
    case 1:
      return r.int(2) === 0 ? r.int(1e9) : r.next() * 1e6 - 5e5;
    case 2:
      return "x".repeat(r.int(300));
    case 3:
      return String.fromCharCode(...Array.from({ length: r.int(20) }, () => r.int(0xffff)));
    case 4:
      return r.int(2) === 0;
    case 5:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    case 6:
      return Object.fromEntries(
        Array.from({ length: r.int(4) }, (_, i) => [`k${i}`, randomValue(r, depth + 1)]),
      );
    case 7:
      return DEEP; // replaced by a value nested thousands of levels deep once serialised
    default:
      return "[".repeat(200 + r.int(2000)) + "]".repeat(200 + r.int(2000));
  }
}

/** Mutates a parsed JSON value in place somewhere: a value, a key, a record. */
function mutateValue(v: unknown, r: Rng): unknown {
  if (Array.isArray(v)) {
    if (v.length === 0 || r.int(6) === 0) return [...v, randomValue(r)];
    const i = r.int(v.length);
    switch (r.int(5)) {
      case 0:
        v.splice(i, 1);
        return v;
      case 1:
        v.splice(i, 0, structuredClone(v[i])); // a re-delivery
        return v;
      default:
        v[i] = mutateValue(v[i], r);
        return v;
    }
  }
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 0 || r.int(8) === 0) {
      o[r.pick(["eventTime", "eventName", "eventID", "userIdentity", "Records", "extraField"])] =
        randomValue(r);
      return o;
    }
    const k = r.pick(keys);
    switch (r.int(6)) {
      case 0:
        delete o[k];
        return o;
      case 1:
        o[k] = randomValue(r);
        return o;
      default:
        o[k] = mutateValue(o[k], r);
        return o;
    }
  }
  return r.int(3) === 0 ? v : randomValue(r);
}

/** Re-wraps records in another shape the readers know. */
function reshape(value: unknown, r: Rng): string {
  const records = (value as { Records?: unknown[] })?.Records;
  const recs = Array.isArray(records) ? records : Array.isArray(value) ? value : [value];
  switch (r.int(6)) {
    case 0:
      return JSON.stringify({ Records: recs });
    case 1:
      return JSON.stringify(recs);
    case 2:
      return recs.map((x) => JSON.stringify(x)).join("\n") + "\n";
    case 3:
      return JSON.stringify({
        Events: recs.map((x) => ({ EventId: "e", CloudTrailEvent: JSON.stringify(x) })),
      });
    case 4:
      return recs.map((x) =>
        JSON.stringify({ "detail-type": "AWS API Call via CloudTrail", source: "aws.x", detail: x })
      ).join("\n");
    default:
      return JSON.stringify({ Records: recs }, null, 2);
  }
}

/** Byte-level damage: flips, cuts, inserts, NUL and invalid UTF-8. */
function mutateBytes(b: Uint8Array, r: Rng): Uint8Array {
  if (b.length === 0) return new Uint8Array([r.int(256)]);
  const at = r.int(b.length);
  switch (r.int(6)) {
    case 0: {
      const c = b.slice();
      c[at] = r.int(256);
      return c;
    }
    case 1:
      return b.slice(0, at);
    case 2:
      return new Uint8Array([...b.subarray(0, at), 0, ...b.subarray(at)]);
    case 3:
      return new Uint8Array([...b.subarray(0, at), 0xff, 0xfe, ...b.subarray(at)]);
    case 4: {
      const n = 1 + r.int(Math.min(64, b.length - at));
      return new Uint8Array([...b.subarray(0, at), ...b.subarray(at + n)]);
    }
    default: {
      const n = 1 + r.int(Math.min(256, b.length - at));
      return new Uint8Array([
        ...b.subarray(0, at + n),
        ...b.subarray(at, at + n),
        ...b.subarray(at + n),
      ]);
    }
  }
}

const enc = new TextEncoder();

/** One mutated file from a source file. */
function mutant(source: Uint8Array, r: Rng): { bytes: Uint8Array; ext: string } {
  let content = source[0] === 0x1f && source[1] === 0x8b ? gunzipSync(source) : source;
  const text = new TextDecoder().decode(content).replace(/^\uFEFF/, "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON lines: mutate one line's record.
    const lines = text.split("\n").filter((l) => l.trim());
    try {
      parsed = lines.map((l) => JSON.parse(l));
    } catch {
      parsed = undefined;
    }
  }
  let ext = ".json";
  const kind = r.int(10);
  if (parsed !== undefined && kind < 6) {
    for (let i = 1 + r.int(4); i > 0; i--) parsed = mutateValue(parsed, r);
    const shaped = (kind < 3 ? JSON.stringify(parsed) : reshape(parsed, r))
      .replaceAll(`"${DEEP}"`, () => deepText(r));
    if (shaped.includes("\n{")) ext = ".jsonl";
    content = enc.encode(shaped);
  }
  if (kind >= 5) content = mutateBytes(content, r);
  if (r.int(3) === 0) content = enc.encode("\uFEFF" + new TextDecoder().decode(content));
  if (r.int(3) === 0) {
    content = gzipSync(content);
    ext += ".gz";
    if (r.int(5) === 0) content = mutateBytes(content, r);
  }
  return { bytes: content, ext };
}

const SOURCES = [
  ...listFiles(REAL_SAMPLES).filter((p) => /\.json$/.test(p)),
  ...listFiles(SHAPES),
];
const ROUNDS = 6;
const FILES_PER_ROUND = 20;

async function round(seed: number, dir: string): Promise<void> {
  const r = rng(seed);
  const logs = join(dir, `logs-${seed}`);
  await Deno.mkdir(logs, { recursive: true });
  const written: string[] = [];
  for (let i = 0; i < FILES_PER_ROUND; i++) {
    const source = r.pick(SOURCES);
    const { bytes, ext } = mutant(await Deno.readFile(source), r);
    const name = `${String(i).padStart(2, "0")}-${
      relative("/", source).replace(/\W+/g, "_").slice(-40)
    }${ext}`;
    await Deno.writeFile(join(logs, name), bytes);
    written.push(join(logs, name));
  }
  const lake = join(dir, `lake-${seed}`);
  const first = await cli(["ingest", logs, "--lake", lake, "--json", "--threads", "2"]);
  assert.ok([0, 3].includes(first.code), `seed ${seed}: exit ${first.code}: ${first.stderr}`);
  assert.equal(first.stderr, "", `seed ${seed}`);
  const s = JSON.parse(first.stdout);
  assertIdentity(s.records, `seed ${seed}`);
  assert.equal(first.code === 3, s.files.failed > 0 || s.records.rejected > 0, `seed ${seed}`);
  const manifest = await manifestRows(lake);
  assertEveryFileAccounted(manifest, written);
  assert.equal(manifest.length, FILES_PER_ROUND, `seed ${seed}: one manifest row per file`);
  const [lakeCounts] = await queryJson(
    lake,
    `SELECT (SELECT count(*) FROM events) AS events,
       (SELECT count(*) FROM rejects WHERE record IS NOT NULL) AS rejected,
       (SELECT count(*) FROM rejects WHERE record IS NULL) AS failed`,
  );
  assert.deepEqual(
    lakeCounts,
    { events: s.records.written, rejected: s.records.rejected, failed: s.files.failed },
    `seed ${seed}: the lake holds exactly what the accounting says`,
  );
  const again = await cli(["ingest", logs, "--lake", lake, "--json", "--threads", "2"]);
  assert.ok(
    [0, 3].includes(again.code),
    `seed ${seed}: re-run exit ${again.code}: ${again.stderr}`,
  );
  const s2 = JSON.parse(again.stdout);
  assertIdentity(s2.records, `seed ${seed} re-run`);
  assert.equal(s2.records.written, 0, `seed ${seed}: a re-run adds nothing`);
}

Deno.test("fuzz: mutated real and fixture files never crash, and every record is accounted for", async (t) => {
  assert.ok(SOURCES.length > 60, `${SOURCES.length} source files`);
  const only = Deno.env.get("FUZZ_SEED");
  const seeds = only ? [Number(only)] : Array.from({ length: ROUNDS }, (_, i) => 1000 + i);
  await withTempDir(async (dir) => {
    for (const seed of seeds) {
      await t.step(`seed ${seed}`, () => round(seed, dir));
    }
  });
});
