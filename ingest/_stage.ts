/**
 * Pass 1 of a batch: reads every planned file with DuckDB into staging
 * Parquet (one row per record read, typed, with reject reasons). A batch
 * read that fails is retried file by file, so one bad file never stops the
 * rest; a file that still fails is reported with DuckDB's reason.
 *
 * @module
 */
import { join } from "node:path";
import { createReadStream, createWriteStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { pipeline } from "node:stream/promises";
import { Transform, Writable } from "node:stream";
import type { DuckDBConnection } from "@duckdb/node-api";
import { duckdbMessage, engineBudget, runBound, setVariable } from "./_duckdb.ts";
import { traced } from "./_trace.ts";
import type { PlannedFile } from "./_plan.ts";
import { MULTI_OBJECT_FILES_SQL, recordsBatchSql, singleFileSql } from "./read_cloudtrail.ts";
import type { Container } from "./_sniff.ts";
import { SALVAGEABLE, salvageFile } from "./_salvage.ts";
import { fastRecordsSql, NEEDS_FULL_READER_SQL } from "./read_records_fast.ts";
import { EVENTS_PARQUET, withoutInsertionOrder } from "./_write_events.ts";

/** A file in the batch with its id in the staging rows. */
export interface StagedFile {
  id: number;
  file: PlannedFile;
  /** Set when the file could not be read at all. */
  failure?: string;
  /** Which reader read it: many files in one DuckDB read, or the file on its own. */
  reader?: "batch" | "single";
}

/**
 * A file of lake rows written by the fast reader: the rows of `files` in it
 * are the lake's rows (before dedup); rows of other files (read again) are not.
 */
export interface DirectPart {
  path: string;
  files: StagedFile[];
  /** Rows in the file. */
  rows: number;
}

/** What pass 1 produced. */
export interface Staged {
  /** Staging Parquet files (the full reader's rows). */
  parts: string[];
  /** The fast reader's files of lake rows. */
  direct: DirectPart[];
  /** File ids whose rows in `parts` must be ignored (they were read again under another id). */
  superseded: number[];
  files: StagedFile[];
}

const MIB = 1024 * 1024;
/** DuckDB's own floor for `maximum_object_size`. */
const MIN_OBJECT = 16 * MIB;
/** DuckDB's error for a JSON value larger than `maximum_object_size`. */
const TOO_LARGE = /"maximum_object_size" of \d+ bytes exceeded/;
/** DuckDB's errors for reaching its memory limit. */
const OUT_OF_MEMORY = /^Out of Memory Error|failed to allocate|could not allocate/i;

const wholeSize = (f: PlannedFile) => Math.min(f.contentSize + MIB, 2 ** 31 - 1);
/**
 * `maximum_object_size` for files that are each one JSON value (S3 delivery):
 * the largest file. DuckDB holds about twice this in memory per file read.
 */
const objectSize = (files: PlannedFile[]) => Math.max(MIN_OBJECT, ...files.map(wholeSize));

/**
 * The `maximum_object_size` values to try for one file, smallest first. A file
 * of many values (JSON lines, an array, several objects) is read with
 * DuckDB's floor first, so that a 500 MB export of small records does not
 * need a 1 GB buffer; only a value larger than that floor needs the whole size.
 */
function objectSizes(f: PlannedFile): number[] {
  const sniff = f.plan.kind === "batch" || f.plan.kind === "single" ? f.plan.sniff : undefined;
  const many = sniff !== undefined && (sniff.container === "array" || sniff.multi);
  const whole = Math.max(MIN_OBJECT, wholeSize(f));
  return many && whole > MIN_OBJECT ? [MIN_OBJECT, whole] : [whole];
}

const COPY_OPTIONS = "(FORMAT parquet, COMPRESSION lz4_raw, ROW_GROUP_SIZE 122880)";

/**
 * Content bytes per batch read. DuckDB's cost per record grew with the size of
 * one read (all 349 files of the benchmark in one COPY took 1.7x the CPU of
 * the same files 20 at a time), and a failed read falls back to reading its
 * files one by one, so a bad file costs only its chunk. 64 MB chunks took a
 * little less time than 128 MB on the benchmark (22.6 vs 24.2 s, 2 runs each).
 */
const CHUNK_BYTES = 64 * MIB;
/**
 * Content bytes per read of the fast reader. Its cost per record grows as
 * reads get smaller (each read costs CPU of its own): the benchmark's 1.74 GB
 * in 64 MB reads took 11.3 s, in 256 MB reads 8.9 s, in one read 8.5 s, and
 * the peak RSS was lower with one read (1.13-1.34 GB in three runs against
 * up to 1.6 GB with 256 MB reads). A read that fails on a file DuckDB names
 * is read again without it; one that names none is cut in halves.
 */
const FAST_CHUNK_BYTES = 1024 * MIB;
/**
 * Bytes of DuckDB's memory limit that each thread needs per byte of the file
 * it reads with the fast reader (three parses at once): at 1 GB and 2 threads
 * files of 10 MB read, files of 20 MB ran out of memory. Larger files go to
 * the full reader (CloudTrail's own files are a few MB: the benchmark's are
 * 10 MB at most).
 */
const FAST_MEMORY_PER_BYTE = 40;

/**
 * Files per read at most: each row finds its file's id or hash by its position
 * in the read's list of paths, so a read of n files costs n² comparisons
 * (a quiet region's trail delivers many files of a few records).
 */
const CHUNK_FILES = 1000;

/** `files` in order, cut into runs of about `size` bytes of content. */
function chunks(files: StagedFile[], size = CHUNK_BYTES): StagedFile[][] {
  const out: StagedFile[][] = [];
  let bytes = Infinity;
  for (const f of files) {
    if (bytes >= size || out[out.length - 1].length >= CHUNK_FILES) {
      out.push([]);
      bytes = 0;
    }
    out[out.length - 1].push(f);
    bytes += f.file.contentSize;
  }
  return out;
}

/** Options of {@linkcode stageFiles}. */
export interface StageOptions {
  /** The batch id written into the fast reader's rows. */
  batchId: string;
  /** `false` reads every file with the full reader (tests compare the two). */
  fast?: boolean;
  onFile?: (done: number) => void;
}

/** Runs pass 1 for `files` into `dir`. */
export async function stageFiles(
  conn: DuckDBConnection,
  dir: string,
  planned: PlannedFile[],
  options: StageOptions,
): Promise<Staged> {
  const { batchId, onFile } = options;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE _files (file_id INTEGER, path VARCHAR, sha256 VARCHAR, ord INTEGER)`,
  );
  const files: StagedFile[] = [];
  let nextId = 0;
  let pending: StagedFile[] = [];
  // A file's place in the batch (path order), kept when it is read again under a new id:
  // of duplicate records, the first in this order is kept.
  const order = new Map<string, number>();
  const register = (file: PlannedFile): StagedFile => {
    const staged: StagedFile = { id: nextId++, file };
    if (!order.has(file.path)) order.set(file.path, order.size);
    files.push(staged);
    pending.push(staged);
    return staged;
  };
  // One bound INSERT for all files registered since the last flush.
  const flush = async () => {
    if (pending.length === 0) return;
    await runBound(
      conn,
      `INSERT INTO _files SELECT unnest($1::VARCHAR[])::INTEGER, unnest($2::VARCHAR[]),
        unnest($3::VARCHAR[]), unnest($4::VARCHAR[])::INTEGER`,
      [
        pending.map((s) => String(s.id)),
        pending.map((s) => s.file.path),
        pending.map((s) => s.file.sha256),
        pending.map((s) => String(order.get(s.file.path))),
      ],
    );
    pending = [];
  };
  const parts: string[] = [];
  const direct: DirectPart[] = [];
  const superseded: number[] = [];
  const singles: { staged: StagedFile; container: Container; bom: boolean }[] = [];
  let done = 0;

  // Batch groups: Records files of one layout, read by one read_json call.
  const groups = new Map<Container, StagedFile[]>();
  for (const file of planned) {
    if (file.plan.kind === "batch") {
      const key = file.plan.sniff.container;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(register(file));
    } else if (file.plan.kind === "single") {
      const staged = register(file);
      singles.push({ staged, container: file.plan.sniff.container, bom: file.plan.sniff.bom });
    } else if (file.plan.kind === "fail") {
      register(file).failure = file.plan.reason;
    }
  }
  await flush();
  let part = 0;
  // The full reader over many files; a file that held several Records objects restarts
  // its indexes, and a read that fails (one bad file fails it) reads its files on their own.
  const readFullBatch = async (container: Container, group: StagedFile[]) => {
    const out = join(dir, `p1_${container}_${part++}.parquet`);
    try {
      const sql = recordsBatchSql(container, objectSize(group.map((g) => g.file)));
      await traced(
        `stage ${container} (${group.length} files)`,
        () =>
          runBound(conn, `COPY (${sql}) TO $3 ${COPY_OPTIONS}`, [
            group.map((g) => g.file.path),
            group.map((g) => String(g.id)),
            out,
          ]),
      );
      parts.push(out);
      const multi = await runBound(conn, MULTI_OBJECT_FILES_SQL, [[out]]);
      const multiIds = new Set(multi.getRowsJson().map((r) => Number(r[0])));
      for (const g of group) {
        if (!multiIds.has(g.id)) continue;
        superseded.push(g.id);
        singles.push({ staged: register(g.file), container, bom: false });
      }
      for (const g of group) if (!multiIds.has(g.id)) g.reader = "batch";
      done += group.length - multiIds.size;
      onFile?.(done);
    } catch {
      for (const g of group) singles.push({ staged: g, container, bom: false });
    }
  };
  // The fast reader writes lake rows; the files it cannot read exactly go to the full reader.
  const again = new Map<Container, StagedFile[]>();
  let fastReads = 0;
  const readFast = async (container: Container, group: StagedFile[]): Promise<void> => {
    const out = join(dir, `direct_${fastReads++}.parquet`);
    let rows: number;
    try {
      const sql = fastRecordsSql(container, objectSize(group.map((g) => g.file)));
      const r = await traced(
        `stage fast ${container} (${group.length} files)`,
        () =>
          withoutInsertionOrder(
            conn,
            () =>
              runBound(conn, `COPY (${sql}) TO $4 (FORMAT parquet, ${EVENTS_PARQUET})`, [
                group.map((g) => g.file.path),
                group.map((g) => g.file.sha256),
                batchId,
                out,
              ]),
          ),
      );
      rows = Number(r.getRowsJson()[0]?.[0] ?? 0);
    } catch (e) {
      await Deno.remove(out).catch(() => {});
      // One bad file fails the read. DuckDB names it in most errors (malformed JSON, truncated
      // gzip, invalid UTF-8): the others are read again without it, and halves find the rest.
      const message = String(e);
      const named = group.find((g) => message.includes(`file "${g.file.path}"`));
      if (OUT_OF_MEMORY.test(message)) {
        // Out of memory: the full reader reads each file once, not three times.
        for (const piece of chunks(group)) await readFullBatch(container, piece);
      } else if (group.length === 1) singles.push({ staged: group[0], container, bom: false });
      else if (named) {
        singles.push({ staged: named, container, bom: false });
        await readFast(container, group.filter((g) => g !== named));
      } else {
        const half = Math.ceil(group.length / 2);
        await readFast(container, group.slice(0, half));
        await readFast(container, group.slice(half));
      }
      return;
    }
    const redo = new Set(
      (await runBound(conn, NEEDS_FULL_READER_SQL, [[out]])).getRowsJson().map((r) => String(r[0])),
    );
    const kept: StagedFile[] = [];
    for (const g of group) {
      if (!redo.has(g.file.path)) {
        g.reader = "batch";
        kept.push(g);
        continue;
      }
      superseded.push(g.id);
      if (!again.has(container)) again.set(container, []);
      again.get(container)!.push(register(g.file));
    }
    direct.push({ path: out, files: kept, rows });
    done += kept.length;
    onFile?.(done);
  };
  // The fast reader parses each file three times at once: a large file is read by the full reader.
  const budget = await engineBudget(conn);
  const most = budget.memoryBytes / (FAST_MEMORY_PER_BYTE * budget.threads);
  for (const [container, all] of groups) {
    if (options.fast === false) {
      for (const group of chunks(all)) await readFullBatch(container, group);
    } else {
      const large = all.filter((f) => f.file.contentSize > most);
      const rest = all.filter((f) => f.file.contentSize <= most);
      for (const group of chunks(rest, FAST_CHUNK_BYTES)) await readFast(container, group);
      for (const group of chunks(large)) await readFullBatch(container, group);
    }
  }
  await flush();
  for (const [container, all] of again) {
    for (const group of chunks(all)) await readFullBatch(container, group);
  }

  // Single files go into one temp table, then one staging file.
  let smallTable = false;
  // One statement per read: a read that fails adds no rows.
  const readSingle = async (file: PlannedFile, container: Container, salvageKey?: string) => {
    const sizes = objectSizes(file);
    for (let i = 0;; i++) {
      const sql = singleFileSql(container, sizes[i], salvageKey);
      try {
        await conn.run(
          smallTable ? `INSERT INTO _small ${sql}` : `CREATE TEMP TABLE _small AS ${sql}`,
        );
        smallTable = true;
        return;
      } catch (e) {
        if (i + 1 >= sizes.length || !TOO_LARGE.test(String(e))) throw e;
      }
    }
  };
  for (const { staged, container, bom } of singles) {
    let readPath = staged.file.path;
    try {
      if (bom) readPath = await stripBom(readPath, join(dir, `bom_${staged.id}.json`));
      await setVariable(conn, "read_path", readPath);
      await setVariable(conn, "file_id", staged.id);
      try {
        await readSingle(staged.file, container);
      } catch (e) {
        // A record that is not JSON text (invalid UTF-8, a NUL): the others are read without it.
        const salvaged = SALVAGEABLE.test(String(e))
          ? await traced(
            "salvage",
            () => salvageFile(staged.file.path, join(dir, `salvage_${staged.id}.json`)),
          ).catch(() => undefined)
          : undefined;
        if (!salvaged) throw e;
        await setVariable(conn, "read_path", salvaged.path);
        await readSingle(staged.file, "unstructured", salvaged.key);
      }
      staged.reader = "single";
    } catch (e) {
      staged.failure = await describeFailure(staged.file, e);
    }
    onFile?.(++done);
  }
  await flush();
  if (smallTable) {
    const out = join(dir, "p1_single.parquet");
    await runBound(conn, `COPY _small TO $1 ${COPY_OPTIONS}`, [out]);
    await conn.run(`DROP TABLE _small`);
    parts.push(out);
  }
  return { parts, direct, superseded, files };
}

/** Writes a copy of the file's content without its byte order mark. */
async function stripBom(path: string, out: string): Promise<string> {
  const head = new Uint8Array(2);
  const f = await Deno.open(path);
  await f.read(head);
  f.close();
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  let skipped = false;
  const strip = new Transform({
    transform(chunk: Uint8Array, _enc, cb) {
      if (!skipped) {
        skipped = true;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      }
      cb(null, chunk);
    },
  });
  const source = createReadStream(path);
  await pipeline(
    gzip ? source.pipe(createGunzip()) : source,
    strip,
    createWriteStream(out),
  );
  return out;
}

/** A reason a person can act on, from DuckDB's error or a look at the file. */
async function describeFailure(file: PlannedFile, error: unknown): Promise<string> {
  const message = duckdbMessage(error);
  if (file.plan.kind !== "batch" && file.plan.kind !== "single") return message;
  // A damaged gzip is the cause whatever DuckDB ran into (its size field is read from the damage).
  if (file.plan.sniff.gzip) {
    try {
      await pipeline(
        createReadStream(file.path),
        createGunzip(),
        new Writable({ write: (_c, _e, cb) => cb() }),
      );
    } catch (e) {
      return `corrupt or truncated gzip: ${(e as Error).message}`;
    }
  }
  const raw = error instanceof Error ? error.message : String(error);
  if (OUT_OF_MEMORY.test(raw)) {
    return `too large for the memory limit: ${message}; re-run with a higher --memory-limit`;
  }
  if (TOO_LARGE.test(raw)) return `a JSON value is too large to read (${message})`;
  return `invalid JSON: ${message.replace(/^Malformed JSON in file "[^"]*", /, "")}`;
}
