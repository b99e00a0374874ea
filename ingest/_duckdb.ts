/**
 * A DuckDB connection with podtrail's settings: bounded memory, spill inside
 * the lake, UTC, no extension downloads; and a helper to run bound SQL.
 *
 * @module
 */
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBResultReader,
  LIST,
  listValue,
  VARCHAR,
} from "@duckdb/node-api";

/** Engine settings (the CLI's `--threads` and `--memory-limit`). */
export interface EngineOptions {
  /** Worker threads; default: the machine's cores. */
  threads?: number;
  /** DuckDB memory limit, e.g. `1GB`; default 1GB. */
  memoryLimit?: string;
  /** Where DuckDB spills; default: DuckDB's own. */
  tempDirectory?: string;
}

/** An open engine; close it when done. */
export interface Engine {
  conn: DuckDBConnection;
  close(): void;
}

/** A value bound to a `$n` parameter. */
export type Param = string | number | bigint | boolean | null | string[];

/** Checks `--memory-limit` style values such as `512MB` or `2GB` (at least 32 MiB). */
export function checkMemoryLimit(value: string): string {
  const m = value.match(/^(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i);
  if (!m) {
    throw new RangeError(`Invalid memory limit "${value}": use a size such as 512MB or 2GB`);
  }
  // Below this DuckDB cannot even allocate one JSON read buffer (2 x 16 MB).
  if (Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()] < 32 * 2 ** 20) {
    throw new RangeError(`Invalid memory limit "${value}": use at least 32MB`);
  }
  return value;
}

/** Bytes per unit of a size, in `--memory-limit`'s units and DuckDB's (upper case). */
const SIZE_UNITS: Record<string, number> = {
  BYTES: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

/** The engine's memory limit in bytes and its threads, as DuckDB reports them ("953.6 MiB"). */
export async function engineBudget(
  conn: DuckDBConnection,
): Promise<{ memoryBytes: number; threads: number }> {
  const [limit, threads] = (await conn.runAndReadAll(
    `SELECT current_setting('memory_limit'), current_setting('threads')`,
  )).getRowsJson()[0].map(String);
  const m = limit.match(/^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/);
  const unit = m ? SIZE_UNITS[m[2].toUpperCase()] : undefined;
  return {
    memoryBytes: m && unit ? Number(m[1]) * unit : 0,
    threads: Math.max(1, Number(threads) || 1),
  };
}

/** Checks `--threads`. */
export function checkThreads(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw new RangeError(`Invalid thread count "${value}": use a whole number from 1 to 256`);
  }
  return value;
}

/** Opens an in-memory DuckDB with podtrail's settings. */
export async function openEngine(options: EngineOptions = {}): Promise<Engine> {
  const config: Record<string, string> = {
    threads: String(checkThreads(options.threads ?? navigator.hardwareConcurrency ?? 2)),
    memory_limit: checkMemoryLimit(options.memoryLimit ?? "1GB"),
    autoinstall_known_extensions: "false",
  };
  if (options.tempDirectory) config.temp_directory = options.tempDirectory;
  const instance = await DuckDBInstance.create(":memory:", config);
  const conn = await instance.connect();
  // Days, casts and the dedup key are UTC whatever the machine's TZ says.
  await conn.run(`SET TimeZone = 'UTC'`);
  return {
    conn,
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs `sql` with `$1…$n` bound to `params` and reads the whole result. */
export async function runBound(
  conn: DuckDBConnection,
  sql: string,
  params: Param[] = [],
): Promise<DuckDBResultReader> {
  if (params.length === 0) return await conn.runAndReadAll(sql);
  const prepared = await conn.prepare(sql);
  params.forEach((p, i) => {
    const at = i + 1;
    if (Array.isArray(p)) prepared.bindList(at, listValue(p), LIST(VARCHAR));
    else if (p === null) prepared.bindNull(at);
    else if (typeof p === "string") prepared.bindVarchar(at, p);
    else if (typeof p === "bigint") prepared.bindBigInt(at, p);
    else if (typeof p === "boolean") prepared.bindBoolean(at, p);
    else if (Number.isInteger(p)) prepared.bindBigInt(at, BigInt(p));
    else prepared.bindDouble(at, p);
  });
  return await prepared.runAndReadAll();
}

/** DuckDB's message without its error-class prefix and the hints that name its own options. */
export function duckdbMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  return raw.replace(/^(\w+ )*Error: /, "").split("\n")[0].trim();
}

/** Binds `value` to the DuckDB variable `name` (read with `getvariable('name')`), for statements that cannot take parameters (views, CREATE … AS). */
export async function setVariable(
  conn: DuckDBConnection,
  name: string,
  value: Param,
): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`Bad variable name "${name}"`);
  await runBound(conn, `SET VARIABLE ${name} = $1`, [value]);
}
