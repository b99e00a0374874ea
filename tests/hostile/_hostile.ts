/**
 * Helpers of the adversarial suite: the CLI run the way the README runs it
 * (the `podtrail` task's permissions, not `-A`), a seeded PRNG, and the checks
 * every hostile ingest must pass (the accounting identity, every file
 * accounted for with a reason).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { IngestSummary } from "../../ingest/ingest.ts";
import { queryLake } from "../../queries/query_lake.ts";
import { ROOT } from "../_helpers.ts";

export { cli, REAL_SAMPLES, record, ROOT, withTempDir, writeRecords } from "../_helpers.ts";

/** The permissions of `deno task podtrail` (deno.json), without `-A`. */
export const TASK_PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-ffi",
  "--allow-sys",
  "--allow-run",
];

/** The shapes fixture folder of the ingest tests. */
export const SHAPES = join(ROOT, "ingest", "testdata", "shapes");

/** `podtrail …` as a subprocess with the task's permissions. */
export function podtrailCommand(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...TASK_PERMISSIONS, "--quiet", join(ROOT, "main.ts"), ...args],
    stdout: "piped",
    stderr: "piped",
    env: options.env,
    cwd: options.cwd,
  });
}

/** Runs `podtrail …` as a subprocess and decodes its output. */
export async function podtrail(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await podtrailCommand(args, options).output();
  const d = new TextDecoder();
  return { code: r.code, stdout: d.decode(r.stdout), stderr: d.decode(r.stderr) };
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same run. */
export function rng(seed: number): {
  next: () => number;
  int: (n: number) => number;
  pick: <T>(xs: readonly T[]) => T;
} {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)] };
}

/** The accounting identity printed at the end of every ingest. */
export function assertIdentity(s: IngestSummary["records"], label = ""): void {
  assert.equal(
    s.read,
    s.written + s.duplicates + s.rejected,
    `${label} read = written + duplicates + rejected: ${JSON.stringify(s)}`,
  );
}

/** One manifest row per input file. */
export interface ManifestRow {
  path: string;
  status: "ingested" | "skipped" | "failed";
  reason: string | null;
  records_read: number;
  records_written: number;
  records_duplicates: number;
  records_rejected: number;
}

/** Every file of every batch in the lake. */
export async function manifestRows(lake: string): Promise<ManifestRow[]> {
  const { rows } = await queryLake({
    lake,
    sql: `SELECT path, status, reason, records_read, records_written, records_duplicates,
      records_rejected FROM manifest ORDER BY path`,
    threads: 1,
  });
  return rows as unknown as ManifestRow[];
}

/**
 * Every path in `expected` appears in the lake's manifest exactly once (or
 * as many times as it was offered) with a status, and every skipped or failed
 * one has a reason; per-file counts obey the identity.
 */
export function assertEveryFileAccounted(rows: ManifestRow[], expected: string[]): void {
  const byPath = new Map<string, ManifestRow[]>();
  for (const r of rows) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
  for (const path of expected) {
    const seen = byPath.get(path);
    assert.ok(seen && seen.length > 0, `${JSON.stringify(path)} is in the manifest`);
  }
  for (const r of rows) {
    assert.ok(["ingested", "skipped", "failed"].includes(r.status), JSON.stringify(r));
    if (r.status !== "ingested") {
      assert.ok(r.reason && r.reason.length > 0, `a reason for ${JSON.stringify(r)}`);
    }
    assert.equal(
      r.records_read,
      r.records_written + r.records_duplicates + r.records_rejected,
      `per-file identity: ${JSON.stringify(r)}`,
    );
  }
}

/** Reads a query's rows through the CLI's JSON printer (what a responder sees). */
export async function queryJson(
  lake: string,
  sql: string,
  extra: string[] = [],
): Promise<Record<string, unknown>[]> {
  const { cli } = await import("../_helpers.ts");
  const r = await cli([
    "query",
    "--lake",
    lake,
    "--format",
    "json",
    "--threads",
    "1",
    ...extra,
    sql,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Whether this process runs as root (where chmod does not stop reads). */
export function isRoot(): boolean {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
}

/**
 * Runs `podtrail …` as a subprocess and samples its peak resident memory
 * (VmHWM from /proc, read by a shell: Deno denies /proc without -A);
 * `peakMiB` is undefined where /proc is not there.
 */
export async function podtrailPeak(
  args: string[],
  options: { env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string; peakMiB?: number }> {
  const deno = [Deno.execPath(), "run", ...TASK_PERMISSIONS, "--quiet", join(ROOT, "main.ts")];
  const script = `"$@" & p=$!; peak=
    while kill -0 $p 2>/dev/null; do
      v=$(sed -n 's/^VmHWM:[[:space:]]*\\([0-9]*\\).*/\\1/p' /proc/$p/status 2>/dev/null)
      [ -n "$v" ] && peak=$v; sleep 0.05
    done
    wait $p; rc=$?; echo "@@peak=$peak" >&2; exit $rc`;
  const r = await new Deno.Command("sh", {
    args: ["-c", script, "sh", ...deno, ...args],
    stdout: "piped",
    stderr: "piped",
    env: options.env,
  }).output();
  const d = new TextDecoder();
  const stderr = d.decode(r.stderr);
  const peak = stderr.match(/@@peak=(\d*)\s*$/)?.[1];
  return {
    code: r.code,
    stdout: d.decode(r.stdout),
    stderr: stderr.replace(/@@peak=\d*\s*$/, ""),
    peakMiB: peak ? Number(peak) / 1024 : undefined,
  };
}
