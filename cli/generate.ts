/**
 * `podtrail generate`: writes realistic CloudTrail for an attacked EKS estate
 * (an S3 export tree with digests, plus `truth.json`). Flags only; the work
 * is {@linkcode generateEstate}.
 *
 * @module
 */
import type { Command } from "commander";
import type { Register } from "./program.ts";
import {
  DEFAULT_START,
  generateEstate,
  type GenerateSummary,
} from "../generate/generate_estate.ts";

function parseNumber(flag: string, value: string, integer: boolean): number {
  const n = value.trim() === "" ? NaN : Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new RangeError(
      `Invalid ${flag} "${value}": expected ${integer ? "an integer" : "a number"}`,
    );
  }
  return n;
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1) + " MB";
}

/** The summary lines printed after a run. */
export function formatSummary(s: GenerateSummary): string {
  return `Wrote ${s.files} log files (${s.records} records, ${s.duplicates} re-delivered) and ` +
    `${s.digestFiles} digest files, ${megabytes(s.bytes)}, under ${s.out}/AWSLogs\n` +
    `Window ${s.start} to ${s.end}, seed ${s.seed}, ${s.attacks} attacks; truth: ${s.truthPath}\n`;
}

/** Registers `generate`. */
export const registerGenerate: Register = (program, run) => {
  program.command("generate")
    .description("Generate CloudTrail logs of an EKS estate under attack, with a truth.json")
    .requiredOption("--out <dir>", "output directory (the S3 tree starts at <dir>/AWSLogs)")
    .option("--seed <n>", "seed; the same seed writes the same bytes", "1")
    .option("--days <d>", "length of the window in days", "3")
    .option("--scale <x>", "volume multiplier (about 33,000 events a day at 1)", "1")
    .option("--start <time>", "start of the window (ISO 8601)", DEFAULT_START)
    .option("--force", "replace an existing AWSLogs/ tree and truth.json in <dir>")
    .action((opts: Record<string, string | boolean | undefined>, command: Command) =>
      run(async () => {
        const summary = await generateEstate({
          out: String(opts.out),
          seed: parseNumber("--seed", String(opts.seed), true),
          days: parseNumber("--days", String(opts.days), false),
          scale: parseNumber("--scale", String(opts.scale), false),
          start: String(opts.start),
          force: opts.force === true,
        });
        command.configureOutput().writeOut?.(formatSummary(summary));
        return 0;
      })
    );
};
