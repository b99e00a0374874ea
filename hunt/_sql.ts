/**
 * Small DuckDB helpers for the hunt: plain rows out, bound rows in, and
 * materialising a view in place.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { type Param, runBound } from "../ingest/_duckdb.ts";
import { toPlain } from "../queries/query_lake.ts";

/** Runs `sql` with `params` and returns rows of plain values (timestamps as ISO-8601 UTC). */
export async function readRows<T = Record<string, unknown>>(
  conn: DuckDBConnection,
  sql: string,
  params: Param[] = [],
): Promise<T[]> {
  const result = await runBound(conn, sql, params);
  const columns = result.columnNames();
  return result.getRows().map((row) =>
    Object.fromEntries(columns.map((c, i) => [c, toPlain(row[i])])) as T
  );
}

/**
 * Inserts `columns` (parallel string lists) into `table` with bound
 * parameters; `casts` gives each column's SQL type.
 */
export async function insertColumns(
  conn: DuckDBConnection,
  table: string,
  columns: string[][],
  casts: string[],
): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new TypeError(`Bad table name "${table}"`);
  if (columns.length === 0 || columns[0].length === 0) return;
  const select = casts.map((type, i) => `unnest($${i + 1}::VARCHAR[])::${type}`).join(", ");
  await runBound(conn, `INSERT INTO ${table} SELECT ${select}`, columns);
}

/** Views that `hunt()` computes once and keeps as tables, in dependency order. */
export const MATERIALISED = [
  "credential_events",
  "sa_issuances",
  "role_chains",
  "session_links",
  "sa_session_actions",
  "session_tree",
  "sa_trees",
  "sa_action_history",
  "sa_principals",
  "sa_tree_actions",
] as const;

/**
 * Computes each view of `names` into a table and points the view at it, so
 * every later query (and every view built on it) reads the result instead of
 * recomputing it.
 */
export async function materialise(
  conn: DuckDBConnection,
  names: readonly string[] = MATERIALISED,
): Promise<void> {
  for (const name of names) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new TypeError(`Bad view name "${name}"`);
    await conn.run(`CREATE OR REPLACE TABLE _m_${name} AS SELECT * FROM ${name}`);
    await conn.run(`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM _m_${name}`);
  }
}
