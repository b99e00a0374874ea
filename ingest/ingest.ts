/**
 * `ingest()`: CloudTrail files in every shape → the Parquet lake, with every
 * record accounted for (`read = written + duplicates + rejected`).
 *
 * The pipeline: discover → plan (hash, sniff, skip) → stage (DuckDB reads the
 * JSON, pass 1) → finish (dedup, partitioned Parquet, rejects, pass 2) →
 * commit (manifest). See `lake.ts` for the layout and crash safety.
 *
 * @module
 */
import { join, sep } from "node:path";
import { VERSION } from "../version.ts";
import { changedSince, discoverFiles } from "./discover_files.ts";
import {
  checkMemoryLimit,
  checkThreads,
  duckdbMessage,
  type Engine,
  type EngineOptions,
  openEngine,
} from "./_duckdb.ts";
import { LakeError } from "../errors.ts";
import { planFile, type PlannedFile, shapeLabel } from "./_plan.ts";
import { stageFiles } from "./_stage.ts";
import { finishBatch } from "./_finish_batch.ts";
import { failpoint } from "./_failpoint.ts";
import { traced } from "./_trace.ts";
import { hex } from "./_hex.ts";
import {
  type Batch,
  commitBatch,
  createLake,
  lockLake,
  type ManifestFile,
  readBatches,
  recoverLake,
} from "./lake.ts";

/** Options of {@linkcode ingest}. */
export interface IngestOptions extends EngineOptions {
  /** Files and folders to read. */
  inputs: string[];
  /** The lake folder (created if missing). */
  lake: string;
  /** Content bytes per committed batch; default 2 GiB. */
  batchBytes?: number;
  /** The command line, recorded in the manifest. */
  command?: string[];
  /** Called as work advances (for progress bars). */
  onProgress?: (p: Progress) => void;
  /**
   * `false` reads every file with the full reader instead of the fast reader
   * first (the lake is the same; tests compare the two).
   */
  fastReader?: boolean;
}

/** Progress of a running ingest. */
export interface Progress {
  phase: "scan" | "read" | "write";
  done: number;
  total: number;
}

/** The accounting printed at the end of every ingest. */
export interface IngestSummary {
  lake: string;
  batches: string[];
  files: {
    found: number;
    ingested: number;
    skipped: { digest: number; alreadyInLake: number; other: number };
    failed: number;
  };
  records: { read: number; written: number; duplicates: number; rejected: number };
  /** Files that failed, and those skipped for a reason other than digest/already ingested. */
  problems: { path: string; status: "failed" | "skipped"; reason: string }[];
  /** Data files removed because a previous ingest was killed before its commit. */
  recovered: number;
}

/** Whether anything was refused: the CLI exits with `EXIT.partial` then. */
export function hasRejects(s: IngestSummary): boolean {
  return s.files.failed > 0 || s.records.rejected > 0;
}

function newBatchId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const rand = crypto.getRandomValues(new Uint8Array(4));
  return `${stamp}-${hex(rand)}`;
}

/**
 * Ingests `options.inputs` into the lake at `options.lake`.
 *
 * @example
 * ```ts ignore
 * import { ingest } from "./ingest.ts";
 * const summary = await ingest({ inputs: ["./logs"], lake: "./lake" });
 * console.log(summary.records.written);
 * ```
 */
export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  if (!Array.isArray(options.inputs) || options.inputs.length === 0) {
    throw new TypeError("No input given: name at least one file or folder of CloudTrail logs");
  }
  if (typeof options.lake !== "string" || options.lake === "") {
    throw new TypeError("No lake given: pass --lake <dir>");
  }
  const batchBytes = options.batchBytes ?? 2 * 1024 ** 3;
  if (!(batchBytes > 0)) throw new RangeError(`Invalid batch size "${batchBytes}"`);
  // Bad engine settings are usage errors: found before a lake is made or locked.
  checkMemoryLimit(options.memoryLimit ?? "1GB");
  if (options.threads !== undefined) checkThreads(options.threads);
  const lake = await createLake(options.lake);
  const lock = await lockLake(lake);
  let engine: Engine | undefined;
  let committed: Batch[] = [];
  try {
    engine = await openEngine({ ...options, tempDirectory: lake.tmp });
    committed = await readBatches(lake);
    const recovered = await recoverLake(lake, committed);
    const summary: IngestSummary = {
      lake: lake.root,
      batches: [],
      files: {
        found: 0,
        ingested: 0,
        skipped: { digest: 0, alreadyInLake: 0, other: 0 },
        failed: 0,
      },
      records: { read: 0, written: 0, duplicates: 0, rejected: 0 },
      problems: [],
      recovered,
    };
    const discovery = await discoverFiles(options.inputs);
    // Never read the lake's own files as input.
    const inLake = (p: string) => p === lake.root || p.startsWith(lake.root + sep);
    const found = discovery.files.filter((f) => !inLake(f.path));
    summary.files.found = found.length + discovery.unreadable.length;
    // Content already in the lake is skipped whatever its path.
    const seen = new Map<string, string>();
    for (const b of committed) {
      for (const f of b.files) {
        if (f.status === "ingested") seen.set(f.sha256, `already in the lake (batch ${b.id})`);
      }
    }
    const planned: PlannedFile[] = discovery.unreadable.map((u) => ({
      path: u.path,
      size: 0,
      sha256: "",
      contentSize: 0,
      plan: { kind: "fail", reason: `cannot read: ${u.reason}` },
    }));
    // Hash and sniff a few files at a time (I/O bound); decide in path order.
    let scanned = 0;
    const results = await traced("plan", () =>
      mapPool(found, 8, async (file) => {
        const p = await planFile(file, seen);
        options.onProgress?.({ phase: "scan", done: ++scanned, total: found.length });
        return p;
      }));
    for (const p of results) {
      if (p.sha256 && !p.plan.kind.startsWith("skip") && seen.has(p.sha256)) {
        // Same content twice in this run: the first path (in order) is read, the rest skipped.
        if (p.plan.kind !== "fail") p.plan = { kind: "skip", reason: seen.get(p.sha256)! };
      } else if (p.sha256 && p.plan.kind !== "fail") {
        seen.set(p.sha256, `same content as "${p.path}"`);
      }
      planned.push(p);
    }
    // Slices of about batchBytes, in path order (CloudTrail paths sort by time).
    const slices: PlannedFile[][] = [[]];
    let bytes = 0;
    for (const p of planned) {
      if (bytes > batchBytes && slices[slices.length - 1].length > 0) {
        slices.push([]);
        bytes = 0;
      }
      slices[slices.length - 1].push(p);
      if (p.plan.kind === "batch" || p.plan.kind === "single") bytes += p.contentSize;
    }
    let readDone = 0;
    for (const slice of slices) {
      if (slice.length === 0) continue;
      const batch = await ingestSlice(engine.conn, lake, slice, committed, options, (n) => {
        options.onProgress?.({ phase: "read", done: readDone + n, total: planned.length });
      });
      readDone += slice.length;
      committed.push(batch);
      summary.batches.push(batch.id);
      for (const f of batch.files) {
        if (f.status === "ingested") summary.files.ingested++;
        else if (f.status === "failed") summary.files.failed++;
        else if (f.reason === "CloudTrail digest file") summary.files.skipped.digest++;
        else if (f.reason?.startsWith("already in the lake")) summary.files.skipped.alreadyInLake++;
        else summary.files.skipped.other++;
        if (
          f.status === "failed" ||
          (f.status === "skipped" && f.reason !== "CloudTrail digest file" &&
            !f.reason?.startsWith("already in the lake"))
        ) {
          summary.problems.push({ path: f.path, status: f.status, reason: f.reason ?? "" });
        }
        summary.records.read += f.records.read;
        summary.records.written += f.records.written;
        summary.records.duplicates += f.records.duplicates;
        summary.records.rejected += f.records.rejected;
      }
    }
    return summary;
  } catch (e) {
    if (!CANNOT_WRITE.test(String((e as Error)?.message ?? e))) throw e;
    // Leave only what is committed (as the next ingest would): a full disk gets its space back.
    await recoverLake(lake, committed).catch(() => {});
    throw new LakeError(
      lake.root,
      `Cannot write lake "${lake.root}": ${
        duckdbMessage(e).split(": ").findLast((m) => CANNOT_WRITE.test(m)) ?? duckdbMessage(e)
      }; nothing of this batch was committed`,
      { cause: e },
    );
  } finally {
    engine?.close();
    await lock.release();
  }
}

/** Errors of a lake that cannot take more: full, read-only, over quota, not ours to write. */
const CANNOT_WRITE =
  /No space left on device|Read-only file system|Disk quota exceeded|Permission denied|os error (28|30|122|13)\b/i;

async function ingestSlice(
  conn: Parameters<typeof stageFiles>[0],
  lake: Awaited<ReturnType<typeof createLake>>,
  slice: PlannedFile[],
  committed: Batch[],
  options: IngestOptions,
  onFile: (n: number) => void,
): Promise<Batch> {
  const startedAt = new Date();
  const id = newBatchId(startedAt);
  const stagingDir = join(lake.staging, id);
  await Deno.mkdir(stagingDir, { recursive: true });
  const staged = await traced(
    "stage (all)",
    () => stageFiles(conn, stagingDir, slice, { batchId: id, fast: options.fastReader, onFile }),
  );
  failpoint("staged");
  // A file written to while it was read: its rows may not match the SHA-256 taken before.
  // Its rows are left out (as superseded rows are) and the file fails with the reason.
  const changed = new Set<number>();
  for (const s of staged.files) {
    if (s.failure || staged.superseded.includes(s.id)) continue;
    const change = await changedSince(s.file);
    if (change) {
      s.failure = change;
      changed.add(s.id);
      staged.superseded.push(s.id);
    }
  }
  options.onProgress?.({ phase: "write", done: 0, total: 1 });
  const existing = committed.flatMap((b) => b.dataFiles.map((f) => join(lake.root, f)));
  const finished = await traced(
    "finish (all)",
    () => finishBatch(conn, lake, id, stagingDir, staged, existing),
  );
  const byPath = new Map(
    staged.files.filter((s) => changed.has(s.id) || !staged.superseded.includes(s.id)).map((
      s,
    ) => [s.file.path, s]),
  );
  const files: ManifestFile[] = slice.map((p) => {
    const base = { path: p.path, size: p.size, sha256: p.sha256 };
    const zero = { read: 0, written: 0, duplicates: 0, rejected: 0 };
    if (p.plan.kind === "skip") {
      return { ...base, status: "skipped", reason: p.plan.reason, records: zero };
    }
    const s = byPath.get(p.path)!;
    if (p.plan.kind === "fail") {
      return { ...base, status: "failed", reason: p.plan.reason, records: zero };
    }
    const shape = shapeLabel(p.plan.sniff);
    if (s.failure) return { ...base, status: "failed", shape, reason: s.failure, records: zero };
    return {
      ...base,
      status: "ingested",
      shape,
      reader: s.reader,
      records: finished.counts.get(s.id) ?? zero,
    };
  });
  const batch: Batch = {
    id,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    podtrailVersion: VERSION,
    duckdbVersion: (await conn.runAndReadAll(`SELECT version()`)).getRowsJson()[0][0] as string,
    command: options.command ?? [],
    dataFiles: finished.dataFiles,
    indexFiles: finished.indexFiles,
    rejectsFile: finished.rejectsFile,
    files,
  };
  failpoint("moved");
  await commitBatch(lake, batch);
  await Deno.remove(stagingDir, { recursive: true }).catch(() => {});
  return batch;
}

/** Maps `items` through `fn` with at most `limit` calls in flight, keeping order. */
async function mapPool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
