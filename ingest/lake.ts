/**
 * The lake on disk: layout, the append-only manifest of committed batches,
 * the ingest lock and crash recovery.
 *
 * ```
 * <lake>/events/day=YYYY-MM-DD/<batch>_<n>.parquet   one row per event (Hive partitions)
 * <lake>/index/…/day=YYYY-MM-DD/<batch>_<n>.parquet derived tables the hunt reads (see _lake_index.ts)
 * <lake>/rejects/<batch>.parquet                     records and files that were refused, with reasons
 * <lake>/_podtrail/lake.json                         marks the folder as a podtrail lake
 * <lake>/_podtrail/batches/<batch>.json              the manifest: one file per committed batch, written last
 * <lake>/_podtrail/staging/<batch>/                  work in progress (removed on recovery)
 * <lake>/_podtrail/tmp/                              DuckDB's spill directory
 * <lake>/_podtrail/lock                              held while an ingest runs
 * ```
 *
 * A batch becomes visible only when its manifest file is renamed into
 * `batches/`; data files that no manifest names are leftovers of a killed
 * ingest and are removed by {@linkcode recoverLake}.
 *
 * @module
 */
import { join, relative, resolve } from "node:path";
import { walkFiles } from "./_walk.ts";
import { LakeError, LakeLockedError } from "../errors.ts";
import { failpoint } from "./_failpoint.ts";
import { writeAtomic } from "./_write_atomic.ts";

/** One input file's outcome in a batch. */
export interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
  /** `ingested`, `skipped` (digest, already in the lake, not a log file) or `failed`. */
  status: "ingested" | "skipped" | "failed";
  /** Detected shape, e.g. `records/lines`. */
  shape?: string;
  /** Why it was skipped or failed. */
  reason?: string;
  /** `batch` (read with many others in one DuckDB scan) or `single`. */
  reader?: "batch" | "single";
  records: { read: number; written: number; duplicates: number; rejected: number };
}

/** A committed batch: what one ingest run (or one slice of it) added. */
export interface Batch {
  id: string;
  startedAt: string;
  finishedAt: string;
  podtrailVersion: string;
  duckdbVersion: string;
  command: string[];
  /** Data files, relative to the lake. */
  dataFiles: string[];
  /** Index files, relative to the lake; absent in batches written before the index existed. */
  indexFiles?: string[];
  /** The rejects file, relative to the lake, or null. */
  rejectsFile: string | null;
  files: ManifestFile[];
}

/** Paths inside a lake. */
export class LakePaths {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  get meta(): string {
    return join(this.root, "_podtrail");
  }
  get marker(): string {
    return join(this.meta, "lake.json");
  }
  get batches(): string {
    return join(this.meta, "batches");
  }
  get staging(): string {
    return join(this.meta, "staging");
  }
  get tmp(): string {
    return join(this.meta, "tmp");
  }
  get lock(): string {
    return join(this.meta, "lock");
  }
  get events(): string {
    return join(this.root, "events");
  }
  get index(): string {
    return join(this.root, "index");
  }
  get rejects(): string {
    return join(this.root, "rejects");
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Creates the lake's folders (idempotent). */
export async function createLake(root: string): Promise<LakePaths> {
  const p = new LakePaths(root);
  try {
    for (const dir of [p.batches, p.staging, p.tmp, p.events, p.rejects]) {
      await Deno.mkdir(dir, { recursive: true });
    }
    if (!(await exists(p.marker))) {
      await writeAtomic(
        p.marker,
        JSON.stringify({ format: "podtrail-lake", version: 1 }, null, 2) + "\n",
      );
    }
  } catch (e) {
    throw new LakeError(
      p.root,
      `Cannot create lake "${p.root}": ${
        (e as Error).message
      }; choose a writable folder with --lake`,
      { cause: e },
    );
  }
  return p;
}

/** Opens an existing lake for reading; a folder that is not a lake is an error. */
export async function openLake(root: string): Promise<LakePaths> {
  const p = new LakePaths(root);
  if (!(await exists(p.marker))) {
    throw new LakeError(
      p.root,
      `"${p.root}" is not a podtrail lake (no _podtrail/lake.json); create one with: podtrail ingest <logs> --lake ${root}`,
    );
  }
  return p;
}

/** Reads every committed batch, oldest first. */
export async function readBatches(p: LakePaths): Promise<Batch[]> {
  const out: Batch[] = [];
  try {
    for await (const entry of Deno.readDir(p.batches)) {
      if (!entry.isFile || !entry.name.endsWith(".json")) continue;
      const text = await Deno.readTextFile(join(p.batches, entry.name));
      try {
        out.push(JSON.parse(text) as Batch);
      } catch (e) {
        throw new LakeError(
          p.root,
          `Manifest "${join(p.batches, entry.name)}" is not valid JSON: ${(e as Error).message}`,
          { cause: e },
        );
      }
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Writes a batch's manifest: the commit point of an ingest. */
export async function commitBatch(p: LakePaths, batch: Batch): Promise<void> {
  await writeAtomic(
    join(p.batches, `${batch.id}.json`),
    JSON.stringify(batch, null, 1) + "\n",
    () => failpoint("manifest"),
  );
}

/** A held lock; release it when done. */
export interface LakeLock {
  release(): Promise<void>;
}

/**
 * Whether the process that wrote a lock `since` is still running. Deno denies
 * /proc to anything short of --allow-all, so ask `kill -0`, then `ps` for the
 * process's age: a process that started after the lock was written only reuses
 * the holder's pid (common in containers, where every run gets the same pids).
 * When that cannot be asked, the holder is taken to be alive (a lock is never
 * stolen on a guess).
 */
async function processAlive(pid: number, since: string | undefined): Promise<boolean> {
  const written = Date.parse(since ?? "");
  // pid and start-time granularity (ps counts whole seconds) and clock steps.
  const SLACK_MS = 2000;
  if (pid === Deno.pid) {
    return Number.isNaN(written) || written + SLACK_MS >= performance.timeOrigin;
  }
  const ask = async (cmd: string, args: string[]) => {
    try {
      const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
      return { ok: out.success, text: new TextDecoder().decode(out.stdout).trim() };
    } catch {
      return undefined;
    }
  };
  const killed = await ask("kill", ["-0", String(pid)]);
  if (killed === undefined) return true;
  if (!killed.ok) return false;
  const age = await ask("ps", ["-o", "etimes=", "-p", String(pid)]);
  // procps prints a huge age (an unsigned wrap) for a process started within the current tick:
  // an age above a few years is no answer, and the holder is taken to be alive.
  const MAX_AGE_S = 5 * 365 * 86_400;
  if (!age?.ok || !/^\d+$/.test(age.text) || Number(age.text) > MAX_AGE_S) return true;
  if (Number.isNaN(written)) return true;
  const started = Date.now() - Number(age.text) * 1000;
  return started <= written + SLACK_MS;
}

type Holder = { pid?: number; hostname?: string; since?: string };

async function readHolder(file: Deno.FsFile): Promise<Holder> {
  try {
    await file.seek(0, Deno.SeekMode.Start);
    const bytes = new Uint8Array(4096);
    const n = await file.read(bytes);
    return JSON.parse(new TextDecoder().decode(bytes.subarray(0, n ?? 0)));
  } catch {
    return {}; // a lock being written right now reads as empty
  }
}

/** Whether `file` is still the one at `path` (a released lock is removed, and may be made again). */
async function isAt(file: Deno.FsFile, path: string): Promise<boolean> {
  try {
    const [a, b] = [await file.stat(), await Deno.stat(path)];
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

/**
 * Takes the lake's ingest lock, or throws {@linkcode LakeLockedError}.
 *
 * The lock file is held with an exclusive advisory lock (`flock`) for the whole
 * ingest, so only one process holds it at a time and the kernel frees it when
 * the holder dies. Its content names the holder. A lock file that no process
 * holds is stale and is taken over in place (never removed and made again, which
 * would let two processes each take "the" lock), unless it names a process on
 * this host that is still alive or cannot be read.
 */
export async function lockLake(p: LakePaths): Promise<LakeLock> {
  const hostname = Deno.hostname();
  const me = JSON.stringify({ pid: Deno.pid, hostname, since: new Date().toISOString() });
  const cannot = (e: unknown) =>
    new LakeError(
      p.root,
      `Cannot lock lake "${p.root}": ${(e as Error).message}; is the folder writable?`,
      { cause: e },
    );
  for (let attempt = 0; attempt < 5; attempt++) {
    let file: Deno.FsFile;
    let created = true;
    try {
      file = await Deno.open(p.lock, { read: true, write: true, createNew: true });
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw cannot(e);
      created = false;
      try {
        file = await Deno.open(p.lock, { read: true, write: true });
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) continue; // released meanwhile
        throw cannot(e);
      }
    }
    try {
      // A new file is only ever held for a moment by a process looking at it: wait for it.
      const locked = created ? (await file.lock(true), true) : await file.tryLock(true);
      const holder = locked && created ? {} : await readHolder(file);
      if (!locked) throw new LakeLockedError(p.root, describeHolder(holder));
      if (!(await isAt(file, p.lock))) {
        file.close();
        continue;
      }
      if (!created) {
        // Nobody holds the lock: its holder is gone, unless it is being written
        // right now or was written by a process that does not take the flock.
        const stale = holder.pid !== undefined && holder.hostname === hostname &&
          !(await processAlive(holder.pid, holder.since));
        if (!stale) throw new LakeLockedError(p.root, describeHolder(holder));
      }
      await file.truncate(0);
      await file.seek(0, Deno.SeekMode.Start);
      await file.write(new TextEncoder().encode(me));
    } catch (e) {
      file.close();
      throw e instanceof LakeLockedError ? e : cannot(e);
    }
    let held: Deno.FsFile | undefined = file;
    return {
      release: async () => {
        if (!held) return;
        // Removed while still held, so that a process waiting on this file sees it gone.
        await Deno.remove(p.lock).catch(() => {});
        held.close();
        held = undefined;
      },
    };
  }
  throw new LakeLockedError(p.root, "lock could not be taken");
}

function describeHolder(h: Holder): string {
  return `pid ${h.pid ?? "?"} on ${h.hostname ?? "?"} since ${h.since ?? "?"}`;
}

/** Removes what a killed ingest left: staging folders and data files no manifest names. */
export async function recoverLake(p: LakePaths, batches: Batch[]): Promise<number> {
  let removed = 0;
  await Deno.remove(p.staging, { recursive: true }).catch(() => {});
  await Deno.mkdir(p.staging, { recursive: true });
  const known = new Set<string>();
  for (const b of batches) {
    for (const f of [...b.dataFiles, ...(b.indexFiles ?? [])]) known.add(f);
    if (b.rejectsFile) known.add(b.rejectsFile);
  }
  for (const dir of [p.events, p.index, p.rejects]) {
    for await (const path of walkFiles(dir)) {
      if (!known.has(relative(p.root, path))) {
        await Deno.remove(path);
        removed++;
      }
    }
  }
  for await (const entry of Deno.readDir(p.batches)) {
    if (entry.name.includes(".tmp-")) await Deno.remove(join(p.batches, entry.name));
  }
  return removed;
}
