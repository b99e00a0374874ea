/**
 * Small DuckDB helpers for the hunt: plain rows out, bound rows in, and
 * materialising a view in place.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { type Param, runBound } from "../ingest/_duckdb.ts";
import { toPlain } from "../queries/query_lake.ts";
import { traced } from "../ingest/_trace.ts";

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

/** A view `hunt()` computes once into a table; `onlyIf` (a boolean query) can skip the work. */
export interface Materialised {
  name: string;
  /** When this query returns false the table is created empty (same columns, no scan). */
  onlyIf?: string;
  /** VARCHAR columns the hunt never reads: kept as NULL, so they are neither read nor stored. */
  unread?: string[];
}

/** Views that `hunt()` computes once and keeps as tables, in dependency order. */
export const MATERIALISED: readonly Materialised[] = [
  {
    name: "credential_events",
    unread: ["sourceIPAddress", "userAgent", "errorMessage", "callerRoleArn", "expiration"],
  },
  { name: "session_links" },
  { name: "sa_session_facts" },
  { name: "sa_trees" },
  { name: "sa_tree_actions" },
];

/**
 * Computes each view of `views` into a table and points the view at it, so
 * every later query (and every view built on it) reads the result instead of
 * recomputing it.
 */
export async function materialise(
  conn: DuckDBConnection,
  views: readonly Materialised[] = MATERIALISED,
): Promise<void> {
  for (const { name, onlyIf, unread = [] } of views) {
    for (const id of [name, ...unread]) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(id)) throw new TypeError(`Bad identifier "${id}"`);
    }
    let none = "";
    if (onlyIf) {
      const [row] = await readRows<{ yes: boolean }>(conn, onlyIf);
      if (!row?.yes) none = " WITH NO DATA";
    }
    const replace = unread.length
      ? ` REPLACE (${unread.map((c) => `NULL::VARCHAR AS "${c}"`).join(", ")})`
      : "";
    await traced(
      `materialise ${name}`,
      () =>
        conn.run(`CREATE OR REPLACE TABLE _m_${name} AS SELECT *${replace} FROM ${name}${none}`),
    );
    await conn.run(`CREATE OR REPLACE VIEW ${name} AS SELECT * FROM _m_${name}`);
  }
}

/**
 * Points DuckDB's spill files at a fresh private folder (instead of `.tmp` in
 * the working directory); call the returned function to remove it.
 */
export async function privateSpill(conn: DuckDBConnection): Promise<() => Promise<void>> {
  const dir = await Deno.makeTempDir({ prefix: "podtrail-hunt-" });
  // SET takes no parameters; the path is ours (Deno.makeTempDir), quoted as a literal.
  await conn.run(`SET temp_directory = '${dir.replaceAll("'", "''")}'`);
  return () => Deno.remove(dir, { recursive: true }).catch(() => {});
}
