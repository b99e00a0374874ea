/**
 * Reading the hunt's user-supplied files: `--actions` (catalog entries) and
 * `--allow` (allowlist entries), given as a path or as parsed entries.
 *
 * @module
 */
import {
  type CatalogEntry,
  DEFAULT_CATALOG,
  mergeCatalog,
  parseActionCatalog,
} from "../queries/action_catalog.ts";
import { type AllowEntry, parseAllowlist } from "./allowlist.ts";

/** Reads a user file; a missing one is `NotFound` naming the flag (exit 2). */
export async function readText(path: string, flag: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(`Cannot read ${flag} file "${path}": no such file`);
    }
    throw e;
  }
}

/** The catalog after `--actions`. */
export async function catalogOf(
  actions: string | readonly CatalogEntry[] | undefined,
): Promise<CatalogEntry[]> {
  if (actions === undefined) return [...DEFAULT_CATALOG];
  const overrides = typeof actions === "string"
    ? parseActionCatalog(await readText(actions, "--actions"), actions)
    : actions;
  return mergeCatalog(DEFAULT_CATALOG, overrides);
}

/** The allowlist entries of `--allow`. */
export async function allowOf(
  allow: string | readonly AllowEntry[] | undefined,
): Promise<AllowEntry[]> {
  if (allow === undefined) return [];
  if (typeof allow !== "string") return [...allow];
  return parseAllowlist(await readText(allow, "--allow"), allow);
}
