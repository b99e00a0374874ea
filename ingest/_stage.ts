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
import { duckdbMessage, runBound, setVariable } from "./_duckdb.ts";
import { traced } from "./_trace.ts";
import type { PlannedFile } from "./_plan.ts";
import { MULTI_OBJECT_FILES_SQL, recordsBatchSql, singleFileSql } from "./read_cloudtrail.ts";
import type { Container } from "./_sniff.ts";
import { SALVAGEABLE, salvageFile } from "./_salvage.ts";

/** A file in the batch with its id in the staging rows. */
export interface StagedFile {
  id: number;
  file: PlannedFile;
  /** Set when the file could not be read at all. */
  failure?: string;
  /** Which reader read it: many files in one DuckDB read, or the file on its own. */
  reader?: "batch" | "single";
}

/** What pass 1 produced. */
export interface Staged {
  /** Staging Parquet files. */
  parts: string[];
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

/** `files` in order, cut into runs of about {@linkcode CHUNK_BYTES} of content. */
function chunks(files: StagedFile[]): StagedFile[][] {
  const out: StagedFile[][] = [];
  let bytes = Infinity;
  for (const f of files) {
    if (bytes >= CHUNK_BYTES) {
      out.push([]);
      bytes = 0;
    }
    out[out.length - 1].push(f);
    bytes += f.file.contentSize;
  }
  return out;
}

/** Runs pass 1 for `files` into `dir`. */
export async function stageFiles(
  conn: DuckDBConnection,
  dir: string,
  planned: PlannedFile[],
  onFile?: (done: number) => void,
): Promise<Staged> {
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE _files (file_id INTEGER, path VARCHAR, sha256 VARCHAR)`,
  );
  const files: StagedFile[] = [];
  let nextId = 0;
  let pending: StagedFile[] = [];
  const register = (file: PlannedFile): StagedFile => {
    const staged: StagedFile = { id: nextId++, file };
    files.push(staged);
    pending.push(staged);
    return staged;
  };
  // One bound INSERT for all files registered since the last flush.
  const flush = async () => {
    if (pending.length === 0) return;
    await runBound(
      conn,
      `INSERT INTO _files SELECT unnest($1::VARCHAR[])::INTEGER, unnest($2::VARCHAR[]), unnest($3::VARCHAR[])`,
      [
        pending.map((s) => String(s.id)),
        pending.map((s) => s.file.path),
        pending.map((s) => s.file.sha256),
      ],
    );
    pending = [];
  };
  const parts: string[] = [];
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
  for (const [container, all] of groups) {
    for (const group of chunks(all)) {
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
        // A file that held several Records objects restarts its indexes: read it again on its own.
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
        // One bad file fails the whole read: read each on its own to find it.
        for (const g of group) singles.push({ staged: g, container, bom: false });
      }
    }
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
  return { parts, superseded, files };
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
