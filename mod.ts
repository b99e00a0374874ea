/**
 * podtrail: an offline forensic toolkit for AWS CloudTrail.
 *
 * The pipeline, one module per step: {@linkcode ingest} reads CloudTrail logs
 * in every shape into a Parquet lake; {@linkcode queryLake} and
 * {@linkcode openLakeDb} run DuckDB SQL over it; {@linkcode hunt} finds the
 * service-account sessions used for sensitive actions; {@linkcode writeReport}
 * writes the self-contained HTML report; {@linkcode runSigma} and
 * {@linkcode exportSigma} speak Sigma; {@linkcode generateEstate} writes
 * realistic CloudTrail of an attacked EKS estate; {@linkcode runDemo} runs it all.
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
export { compareFindings, hunt } from "./hunt/hunt.ts";
export type { HuntOptions } from "./hunt/hunt.ts";
export { RULES } from "./hunt/rules.ts";
export { timeline, toTimesketch } from "./hunt/timeline.ts";
export type { Rule } from "./hunt/rules.ts";
export { writeReport } from "./report/write_report.ts";
export type { WriteReportOptions, WriteReportResult } from "./report/write_report.ts";
export { collectReportData } from "./report/collect_report_data.ts";
export { renderReport } from "./report/render_report.ts";
export { huntSource } from "./report/hunt_source.ts";
export { escapeHtml } from "./report/escape_html.ts";
export { compileSigma, exportSigma, parseSigma, runSigma, SigmaSyntaxError } from "./sigma/mod.ts";
export { generateEstate } from "./generate/mod.ts";
export type { GenerateOptions, GenerateSummary, Truth } from "./generate/mod.ts";
export { runDemo } from "./demo/run_demo.ts";
export type { DemoOptions, DemoSummary } from "./demo/run_demo.ts";
export {
  InputSyntaxError,
  LakeError,
  LakeLockedError,
  OutputExistsError,
  QueryError,
} from "./errors.ts";
export { EXIT } from "./cli/exit_codes.ts";
