/**
 * The service-account session model as SQL views over `events`, created in
 * every lake session by `openLakeDb` (so `podtrail query` can use them):
 *
 * ```
 * credential_rows → credential_events → web_identity_issuances ┐
 *                                     → pod_identity_issuances  ┴→ sa_issuances ┐
 *                                     → role_chains ───────────────────────────┴→ session_links
 * events ⋈ session_links → sa_calls → sa_events (call by call, with the catalog's category)
 * key_activity ⋈ session_links → sa_session_facts → sa_session_actions, sa_session_endpoints
 * session_links, sa_issuances, sa_session_facts → sa_trees → session_tree → sa_sessions
 *                                                          → sa_principals
 * sa_session_actions ⋈ sa_trees → sa_action_history, sa_tree_actions → sa_tree_summary
 * ```
 *
 * `credential_rows` and `key_activity` are the lake's index (see
 * `ingest/_lake_index.ts` and `open_lake.ts`): the credential-issuing events and
 * every key's calls rolled up, so the hunt never scans every event.
 * Each view is one `.sql` file beside this one. The tables `action_catalog`,
 * `hunt_allowlist`, `baseline_actions`, `baseline_principals` and `hunt_scope`
 * hold the run-time data the views join with; `hunt()` fills them with bound
 * parameters.
 *
 * @module
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { setVariable } from "../ingest/_duckdb.ts";
import { DEFAULT_CATALOG, loadActionCatalog } from "./action_catalog.ts";
import credentialEvents from "./credential_events.sql" with { type: "text" };
import webIdentityIssuances from "./web_identity_issuances.sql" with { type: "text" };
import podIdentityIssuances from "./pod_identity_issuances.sql" with { type: "text" };
import saIssuances from "./sa_issuances.sql" with { type: "text" };
import roleChains from "./role_chains.sql" with { type: "text" };
import sessionLinks from "./session_links.sql" with { type: "text" };
import saCalls from "./sa_calls.sql" with { type: "text" };
import saEvents from "./sa_events.sql" with { type: "text" };
import saSessionFacts from "./sa_session_facts.sql" with { type: "text" };
import saSessionActions from "./sa_session_actions.sql" with { type: "text" };
import saSessionEndpoints from "./sa_session_endpoints.sql" with { type: "text" };
import sessionTree from "./session_tree.sql" with { type: "text" };
import saSessions from "./sa_sessions.sql" with { type: "text" };
import saTrees from "./sa_trees.sql" with { type: "text" };
import saActionHistory from "./sa_action_history.sql" with { type: "text" };
import saPrincipals from "./sa_principals.sql" with { type: "text" };
import saTreeActions from "./sa_tree_actions.sql" with { type: "text" };
import saTreeSummary from "./sa_tree_summary.sql" with { type: "text" };

/** A view of the session model: its name and its `CREATE VIEW` statement. */
export interface SessionView {
  name: string;
  sql: string;
}

/** The session views, in dependency order. */
export const SESSION_VIEWS: readonly SessionView[] = [
  { name: "credential_events", sql: credentialEvents },
  { name: "web_identity_issuances", sql: webIdentityIssuances },
  { name: "pod_identity_issuances", sql: podIdentityIssuances },
  { name: "sa_issuances", sql: saIssuances },
  { name: "role_chains", sql: roleChains },
  { name: "session_links", sql: sessionLinks },
  { name: "sa_calls", sql: saCalls },
  { name: "sa_events", sql: saEvents },
  { name: "sa_session_facts", sql: saSessionFacts },
  { name: "sa_session_actions", sql: saSessionActions },
  { name: "sa_session_endpoints", sql: saSessionEndpoints },
  { name: "sa_trees", sql: saTrees },
  { name: "session_tree", sql: sessionTree },
  { name: "sa_sessions", sql: saSessions },
  { name: "sa_action_history", sql: saActionHistory },
  { name: "sa_principals", sql: saPrincipals },
  { name: "sa_tree_actions", sql: saTreeActions },
  { name: "sa_tree_summary", sql: saTreeSummary },
];

/** Defaults of the variables the views and rules read with `getvariable`. */
export const VIEW_DEFAULTS = {
  /** Other trees of a principal that must show an action before it is routine. */
  hunt_routine_sessions: 3,
  /** `web-identity-lateral-movement`: distinct sensitive actions. */
  hunt_min_actions: 3,
  /** `web-identity-lateral-movement`: sliding window, minutes. */
  hunt_window_minutes: 60,
  /** `web-identity-multi-control-plane`: distinct control-plane actions. */
  hunt_min_control_plane: 10,
} as const;

/**
 * Creates the catalog and run-time tables, sets the default variables and
 * creates the session views on `conn`, which must already have `events`.
 *
 * @example
 * ```ts ignore
 * import { openLakeDb } from "./open_lake.ts";
 * const db = await openLakeDb({ lake: "./lake" }); // calls createSessionViews
 * const rows = await db.conn.runAndReadAll("SELECT * FROM sa_sessions");
 * db.close();
 * ```
 */
export async function createSessionViews(conn: DuckDBConnection): Promise<void> {
  await conn.run(
    `CREATE TABLE IF NOT EXISTS action_catalog (eventSource VARCHAR, eventName VARCHAR, category VARCHAR);
     CREATE TABLE IF NOT EXISTS hunt_allowlist (principal VARCHAR, eventSource VARCHAR, eventName VARCHAR);
     CREATE TABLE IF NOT EXISTS baseline_actions (principal VARCHAR, eventSource VARCHAR, action VARCHAR, sessions BIGINT);
     CREATE TABLE IF NOT EXISTS baseline_principals (principal VARCHAR, sessions BIGINT);
     CREATE TABLE IF NOT EXISTS hunt_scope (rootKey VARCHAR);`,
  );
  await loadActionCatalog(conn, DEFAULT_CATALOG);
  for (const [name, value] of Object.entries(VIEW_DEFAULTS)) await setVariable(conn, name, value);
  // DuckDB binds a view when it is created, expanding every view below it down to the Parquet
  // scan of `events`: creating the deep views would cost seconds. So each view is created while
  // the names it reads are shadowed by empty temporary tables with the same columns (`temp` is
  // searched first), which makes every bind one level deep; once the stand-ins are dropped,
  // queries bind the views against the real ones.
  const standIns = ["events"];
  await conn.run("CREATE TEMP TABLE events AS SELECT * FROM main.events LIMIT 0");
  try {
    for (const view of SESSION_VIEWS) {
      await conn.run(view.sql);
      await conn.run(`CREATE TEMP TABLE ${view.name} AS SELECT * FROM main.${view.name} LIMIT 0`);
      standIns.push(view.name);
    }
  } finally {
    for (const name of standIns.reverse()) await conn.run(`DROP TABLE IF EXISTS temp.${name}`);
  }
}
