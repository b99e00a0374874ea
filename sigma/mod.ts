/**
 * Sigma both ways: {@linkcode exportSigma} writes podtrail's rules as Sigma
 * v2.1 (base rules and `value_count` correlations); {@linkcode parseSigma},
 * {@linkcode compileSigma} and {@linkcode runSigma} run anyone's CloudTrail
 * Sigma rules, correlations included, over the lake with DuckDB.
 *
 * The pipeline: YAML → {@linkcode SigmaRule} (parse) → one SELECT with bound
 * parameters (compile: fields in dot notation to lake columns, STRUCT members
 * and JSON paths; modifiers; conditions; sliding-window correlations) →
 * matches and correlation results (run).
 *
 * @module
 */
export { parseSigma, SigmaSyntaxError } from "./parse_sigma.ts";
export { InputSyntaxError } from "../errors.ts";
export type { EngineOptions, Param } from "../ingest/_duckdb.ts";
export type { OpenLakeOptions } from "../queries/open_lake.ts";
export type {
  SigmaCorrelationRule,
  SigmaDetectionRule,
  SigmaFilterRule,
  SigmaRule,
  SigmaRuleBase,
} from "./parse_sigma.ts";
export { compileSigma, MATCH_COLUMNS, timespanSeconds } from "./compile_sigma.ts";
export type {
  CompiledSigma,
  CompileOptions,
  CorrelationType,
  UnsupportedSigma,
} from "./compile_sigma.ts";
export { findRuleFiles, loadSigmaRules, runSigma } from "./run_sigma.ts";
export type {
  RunSigmaOptions,
  SigmaCorrelationMatch,
  SigmaMatch,
  SigmaRunResult,
  SigmaUnsupported,
} from "./run_sigma.ts";
export { exportSigma } from "./export_sigma.ts";
export type { SigmaExportFile } from "./export_sigma.ts";
