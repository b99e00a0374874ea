/**
 * podtrail: an offline forensic toolkit for AWS CloudTrail.
 *
 * The pipeline, one module per step: {@linkcode ingest} reads CloudTrail logs
 * in every shape into a Parquet lake; {@linkcode queryLake} and
 * {@linkcode openLakeDb} run DuckDB SQL over it.
 *
 * @example
 * ```ts ignore
 * import { ingest, queryLake } from "./mod.ts";
 * await ingest({ inputs: ["./AWSLogs"], lake: "./lake" });
 * const { rows } = await queryLake({ lake: "./lake", sql: "SELECT count(*) AS n FROM events" });
 * ```
 *
 * @module
 */
export { hasRejects, ingest } from "./ingest/ingest.ts";
export type { IngestOptions, IngestSummary, Progress } from "./ingest/ingest.ts";
export { discoverFiles } from "./ingest/discover_files.ts";
export type { Batch, ManifestFile } from "./ingest/lake.ts";
export { FIELDS, UNDATED } from "./ingest/schema.ts";
export { openLakeDb, parseTime } from "./queries/open_lake.ts";
export type { LakeDb, OpenLakeOptions } from "./queries/open_lake.ts";
export { queryLake, runReadOnly, toPlain } from "./queries/query_lake.ts";
export type { QueryResult } from "./queries/query_lake.ts";
export { parseSeverity, SEVERITIES, severityRank } from "./hunt/finding.ts";
export type { Finding, Severity } from "./hunt/finding.ts";
export {
  InputSyntaxError,
  LakeError,
  LakeLockedError,
  OutputExistsError,
  QueryError,
} from "./errors.ts";
export { EXIT } from "./cli/exit_codes.ts";
