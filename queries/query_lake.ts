/**
 * `queryLake()`: one read-only SQL statement over the lake's views.
 *
 * @module
 */
import {
  DuckDBArrayValue,
  DuckDBDateValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  StatementType,
} from "@duckdb/node-api";
import { QueryError } from "../errors.ts";
import { duckdbMessage, runBound } from "../ingest/_duckdb.ts";
import { type LakeDb, openLakeDb, type OpenLakeOptions } from "./open_lake.ts";

/** A query's result: column names and rows of JSON-ready values. */
export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

const READ_ONLY = new Set<StatementType>([
  StatementType.SELECT,
  StatementType.EXPLAIN,
  StatementType.PRAGMA,
]);

/**
 * ISO-8601 UTC text of a microsecond timestamp, without trailing zero
 * fractions; undefined for ±infinity and years outside 0000-9999, which
 * that form cannot write (the caller prints DuckDB's own text then).
 */
function isoMicros(micros: bigint): string | undefined {
  const ms = Number(micros / 1000n) - (micros % 1000n < 0n ? 1 : 0);
  const frac = Number(((micros % 1000000n) + 1000000n) % 1000000n);
  const date = new Date(Math.floor(ms / 1000) * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  const base = date.toISOString();
  if (!/^\d{4}-/.test(base)) return undefined;
  return `${base.slice(0, 19)}${
    frac ? "." + String(frac).padStart(6, "0").replace(/0+$/, "") : ""
  }Z`;
}

/** JSON nested deeper than this is printed as its text: JavaScript re-serialises it recursively. */
const MAX_DEPTH = 1000;

/**
 * JSON text (a JSON column's value) as a JavaScript value for the printers:
 * the text itself when it is not JSON, or nests deeper than JavaScript can
 * serialise again (`JSON.stringify` recurses).
 */
export function parseJsonText(text: string): unknown {
  if (text.length > 2 * MAX_DEPTH && deeperThan(text, MAX_DEPTH)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Whether JSON text nests deeper than `limit` (strings skipped). */
function deeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Converts a DuckDB value for output: timestamps as ISO-8601 UTC, 64-bit
 * integers as numbers when safe (else strings), JSON text as parsed JSON
 * when `json` is set, nested values recursively.
 */
export function toPlain(value: unknown, json = false): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === "string") return json ? parseJsonText(value) : value;
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) {
    return isoMicros(value.micros) ?? value.toString();
  }
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return value.items.map((v) => toPlain(v));
  }
  if (value instanceof DuckDBMapValue) {
    return Object.fromEntries(value.entries.map((e) => [String(e.key), toPlain(e.value)]));
  }
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, toPlain(v)]));
  }
  if (typeof value === "object") return String(value);
  return value;
}

/**
 * Whether `sql` (one statement) only reads: a query as DuckDB's parser sees it
 * (SELECT, FROM, WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE; `json_serialize_sql`
 * parses without binding), EXPLAIN [ANALYZE] of one, or a PRAGMA or PIVOT,
 * whose prepared type is checked after.
 */
async function isQuery(db: LakeDb, sql: string): Promise<boolean> {
  const serialisable = async (text: string) =>
    (await runBound(db.conn, `SELECT json_serialize_sql($1::VARCHAR)->>'error' = 'false'`, [text]))
      .getRowsJson()[0][0] === true;
  if (await serialisable(sql)) return true;
  const explained = sql.match(/^\s*EXPLAIN(\s+ANALY[SZ]E)?\s+([\s\S]*)$/i)?.[2];
  if (explained !== undefined) return await serialisable(explained);
  return /^\s*(PRAGMA|PIVOT|UNPIVOT)\b/i.test(sql);
}

/** Runs a read-only statement on an open lake and returns plain rows. */
export async function runReadOnly(db: LakeDb, sql: string): Promise<QueryResult> {
  let prepared;
  try {
    const statements = await db.conn.extractStatements(sql);
    if (statements.count !== 1) {
      throw new QueryError(`Give exactly one SQL statement (got ${statements.count})`);
    }
    // Preparing already binds, and binding may act (EXPORT DATABASE makes its folder), and
    // EXPLAIN ANALYZE runs what it explains: the parser must show a query first.
    if (!(await isQuery(db, sql))) {
      throw new QueryError(
        `Only read-only statements (SELECT, EXPLAIN, DESCRIBE) run over the lake; got ${
          sql.trim().match(/^[A-Za-z]+(\s+ANALY[SZ]E)?(\s+[A-Za-z]+)?/)?.[0].replace(/\s+/g, " ")
            .toUpperCase() ?? "?"
        }`,
      );
    }
    prepared = await statements.prepare(0);
  } catch (e) {
    if (e instanceof QueryError) throw e;
    throw new QueryError(`SQL error: ${duckdbMessage(e)}`, { cause: e });
  }
  if (!READ_ONLY.has(prepared.statementType)) {
    throw new QueryError(
      `Only read-only statements (SELECT, EXPLAIN, DESCRIBE) run over the lake; got ${
        StatementType[prepared.statementType]
      }`,
    );
  }
  try {
    const result = await prepared.runAndReadAll();
    const columns = result.columnNames();
    const isJson = result.columnTypes().map((t) => t.alias === "JSON");
    const rows = result.getRows().map((row) =>
      Object.fromEntries(columns.map((c, i) => [c, toPlain(row[i], isJson[i])]))
    );
    return { columns, rows };
  } catch (e) {
    throw new QueryError(`SQL error: ${duckdbMessage(e)}`, { cause: e });
  }
}

/**
 * Opens the lake, runs one read-only SQL statement, closes the lake.
 *
 * @example
 * ```ts ignore
 * import { queryLake } from "./query_lake.ts";
 * const { rows } = await queryLake({ lake: "./lake", sql: "SELECT count(*) AS n FROM events" });
 * ```
 */
export async function queryLake(options: OpenLakeOptions & { sql: string }): Promise<QueryResult> {
  if (typeof options.sql !== "string" || options.sql.trim() === "") {
    throw new TypeError("No SQL given: pass the query as the last argument");
  }
  const db = await openLakeDb(options);
  try {
    return await runReadOnly(db, options.sql);
  } finally {
    db.close();
  }
}
