/**
 * Synthetic CloudTrail for an EKS estate under attack: an S3 export tree
 * (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz` and hourly
 * digests) plus a `truth.json` naming the injected attack sessions.
 *
 * @example
 * ```ts
 * import { generateEstate } from "./mod.ts";
 * const out = await Deno.makeTempDir();
 * const summary = await generateEstate({ out, seed: 1, days: 0.1, scale: 0.2 });
 * console.log(summary.attacks); // 6
 * await Deno.remove(out, { recursive: true });
 * ```
 *
 * @module
 */
export { DEFAULT_START, generateEstate } from "./generate_estate.ts";
export type { GenerateOptions, GenerateSummary } from "./generate_estate.ts";
export type { AttackTruth, Truth, TruthBenign, TruthCluster, Variant } from "./truth.ts";
