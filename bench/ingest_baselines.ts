/**
 * The baselines `deno task bench` compares podtrail with, measured in the
 * same run on the same files: `zcat` over the files, and a raw DuckDB
 * `COPY (SELECT … FROM read_json(…, columns = …)) TO … (FORMAT parquet)` with
 * the same typed schema.
 *
 * @module
 */
import { openEngine, runBound } from "../ingest/_duckdb.ts";
import { FIELDS } from "../ingest/schema.ts";
import { EVENTS_PARQUET } from "../ingest/_write_events.ts";

/** Seconds for `zcat` to decompress every file to /dev/null. */
export async function timeZcat(files: string[]): Promise<number> {
  const start = performance.now();
  const devnull = await Deno.open("/dev/null", { write: true });
  const child = new Deno.Command("zcat", { args: files, stdout: "piped" }).spawn();
  await child.stdout.pipeTo(devnull.writable);
  const status = await child.status;
  if (!status.success) throw new Error("zcat failed");
  return (performance.now() - start) / 1000;
}

/** The typed record: lake types read directly (no lenient step, no extras, no provenance). */
const TYPED = `STRUCT(${FIELDS.map((f) => `"${f.name}" ${f.lake}`).join(", ")})`;

/**
 * Seconds for DuckDB alone to read the files with the typed schema and write
 * zstd Parquet. `lakeOptions` writes with the lake's Parquet options (zstd
 * level 1, 40,960-row groups, no insertion order) instead of DuckDB's
 * defaults: under a 1 GB memory limit DuckDB's default row groups of wide
 * rows cost it about a third of its time.
 */
export async function timeRawCopy(
  files: string[],
  out: string,
  options: { threads?: number; memoryLimit?: string; lakeOptions?: boolean },
): Promise<{ seconds: number; rows: number }> {
  const engine = await openEngine({ threads: options.threads, memoryLimit: options.memoryLimit });
  const parquet = options.lakeOptions
    ? `FORMAT parquet, ${EVENTS_PARQUET}`
    : "FORMAT parquet, COMPRESSION zstd";
  try {
    if (options.lakeOptions) await engine.conn.run("SET preserve_insertion_order = false");
    const start = performance.now();
    const result = await runBound(
      engine.conn,
      `COPY (SELECT r.* FROM (SELECT unnest(Records) AS r FROM read_json($1,
         columns = {Records: '${TYPED}[]'}, format = 'newline_delimited', maximum_object_size = 67108864)))
       TO $2 (${parquet})`,
      [files, out],
    );
    return {
      seconds: (performance.now() - start) / 1000,
      rows: Number(result.getRowsJson()[0][0]),
    };
  } finally {
    engine.close();
  }
}
