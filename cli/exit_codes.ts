/**
 * The documented exit codes of the `podtrail` CLI (the README's table is
 * checked against this object by `tests/cli_test.ts`).
 *
 * @module
 */

/** Exit codes, by meaning. */
export const EXIT = {
  /** The command ran and everything was ingested, skipped or reported. */
  ok: 0,
  /** `hunt --fail-on S`: a finding reached severity S. */
  findings: 1,
  /** Usage error: bad flag, bad value, missing input, refused overwrite. */
  usage: 2,
  /** `ingest`: some files or records were rejected, the rest was ingested; `sigma run`: some rules could not run. */
  partial: 3,
  /** The lake is locked by another ingest. */
  locked: 4,
  /** A query failed in DuckDB, or the lake cannot be read. */
  query: 5,
  /** An unexpected internal error (a bug: please report it). */
  internal: 70,
} as const;
