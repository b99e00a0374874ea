/**
 * The sensitive-action catalog: `action_catalog.csv` (eventSource, eventName,
 * category) kept as data in the repository, and `--actions` files that add,
 * replace or remove entries. Loaded into the DuckDB table `action_catalog`
 * with bound parameters.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import catalogCsv from "./action_catalog.csv" with { type: "text" };
import { InputSyntaxError } from "../errors.ts";
import { runBound } from "../ingest/_duckdb.ts";
import { parseCsv } from "./_csv.ts";

/** The attack categories of sensitive actions, in the order reports list them. */
export const CATEGORIES = [
  "reconnaissance",
  "credential-access",
  "iam-escalation",
  "identity-creation",
  "lateral-movement",
  "compute-creation",
  "defence-evasion",
] as const;

/** An attack category. */
export type Category = typeof CATEGORIES[number];

/** Human titles of the categories. */
export const CATEGORY_TITLES: Readonly<Record<Category, string>> = {
  "reconnaissance": "reconnaissance",
  "credential-access": "credential/secret access",
  "iam-escalation": "IAM privilege escalation",
  "identity-creation": "identity creation/persistence",
  "lateral-movement": "lateral movement",
  "compute-creation": "compute creation",
  "defence-evasion": "defence evasion",
};

/** A catalog category: an attack category, `data-plane` (never counts), or `none` (removes an entry). */
export type CatalogCategory = Category | "data-plane" | "none";

/** One catalog entry. */
export interface CatalogEntry {
  eventSource: string;
  /** The eventName, or `RunInstances+PassRole` for RunInstances with an instance profile. */
  eventName: string;
  category: CatalogCategory;
}

const ALLOWED = new Set<string>([...CATEGORIES, "data-plane", "none"]);

/** Parses catalog CSV text (columns eventSource,eventName,category); `file` names it in errors. */
export function parseActionCatalog(text: string, file: string): CatalogEntry[] {
  return parseCsv(text, file, ["eventSource", "eventName", "category"]).map(({ line, values }) => {
    const { eventSource, eventName, category } = values;
    if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(eventSource)) {
      throw new InputSyntaxError(
        file,
        `line ${line}: eventSource "${eventSource}" is not a service host such as iam.amazonaws.com`,
        { position: line },
      );
    }
    if (!/^[A-Za-z0-9+]+$/.test(eventName)) {
      throw new InputSyntaxError(file, `line ${line}: bad eventName "${eventName}"`, {
        position: line,
      });
    }
    if (!ALLOWED.has(category)) {
      throw new InputSyntaxError(
        file,
        `line ${line}: unknown category "${category}" (use one of ${[...ALLOWED].join(", ")})`,
        { position: line },
      );
    }
    return { eventSource, eventName, category: category as CatalogCategory };
  });
}

/** The catalog shipped in `queries/action_catalog.csv`. */
export const DEFAULT_CATALOG: readonly CatalogEntry[] = parseActionCatalog(
  catalogCsv,
  "queries/action_catalog.csv",
);

/** `base` with `overrides` applied: same (eventSource, eventName) replaced, `none` removed. */
export function mergeCatalog(
  base: readonly CatalogEntry[],
  overrides: readonly CatalogEntry[],
): CatalogEntry[] {
  const byKey = new Map(base.map((e) => [`${e.eventSource} ${e.eventName}`, e]));
  for (const e of overrides) {
    const key = `${e.eventSource} ${e.eventName}`;
    if (e.category === "none") byKey.delete(key);
    else byKey.set(key, e);
  }
  return [...byKey.values()];
}

/** Replaces the rows of the `action_catalog` table with `entries` (bound parameters). */
export async function loadActionCatalog(
  conn: DuckDBConnection,
  entries: readonly CatalogEntry[],
): Promise<void> {
  const rows = entries.filter((e) => e.category !== "none");
  await conn.run("DELETE FROM action_catalog");
  if (rows.length === 0) return;
  await runBound(
    conn,
    `INSERT INTO action_catalog SELECT DISTINCT ON (s, n) s, n, c
     FROM (SELECT unnest($1::VARCHAR[]) AS s, unnest($2::VARCHAR[]) AS n, unnest($3::VARCHAR[]) AS c)`,
    [rows.map((r) => r.eventSource), rows.map((r) => r.eventName), rows.map((r) => r.category)],
  );
}
