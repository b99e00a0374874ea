/**
 * `podtrail hunt --lake <dir>`: flags → {@linkcode hunt} → printer; exit 1
 * when `--fail-on S` is given and a printed finding reaches S.
 *
 * @module
 */
import type { Register } from "./program.ts";
import { hunt } from "../hunt/hunt.ts";
import { parseSeverity, type Severity, severityRank } from "../hunt/finding.ts";
import { RULES } from "../hunt/rules.ts";
import { parseTime } from "../queries/open_lake.ts";
import { printFindings } from "./_print_findings.ts";
import { parseFormat, parseThreads } from "./_flags.ts";
import { EXIT } from "./exit_codes.ts";

/** `--window`: minutes (`90`, `90m`) or hours (`1h`, `1.5h`), from 1 minute to 7 days. */
export function parseWindow(value: string): number {
  const m = value.trim().match(/^(\d+(?:\.\d+)?)\s*(m|min|h)?$/);
  const minutes = m ? Number(m[1]) * (m[2] === "h" ? 60 : 1) : NaN;
  if (!m || !Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) {
    throw new RangeError(
      `Invalid --window "${value}": use minutes or hours such as 30m, 90m or 1h (1 minute to 7 days)`,
    );
  }
  return minutes;
}

/** A whole-number flag from `min` to `max`. */
function count(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new RangeError(`Invalid ${flag} "${value}": use a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

const severity = (flag: string) => (value: string): Severity => parseSeverity(value, flag);

function ruleIds(value: string, previous: string[] = []): string[] {
  for (const id of value.split(",")) {
    if (!RULES.some((r) => r.id === id)) {
      throw new RangeError(
        `Invalid --rule "${id}": use one of ${RULES.map((r) => r.id).join(", ")}`,
      );
    }
    previous.push(id);
  }
  return previous;
}

/** Adds `hunt` to the program. */
export const registerHunt: Register = (program, run, io) => {
  program.command("hunt")
    .description(
      "Find Kubernetes service-account credentials (IRSA, Pod Identity, chained roles) used for " +
        "sensitive AWS control-plane actions, with attribution and explained severity",
    )
    .requiredOption("--lake <dir>", "the lake folder")
    .option("--from <time>", "only events at or after this time (ISO-8601)")
    .option("--to <time>", "only events before this time (ISO-8601)")
    .option("--format <format>", "table, json, jsonl or csv", parseFormat, "table")
    .option(
      "--min-severity <s>",
      "leave out findings below info|low|medium|high|critical",
      severity("--min-severity"),
      "low",
    )
    .option(
      "--fail-on <s>",
      "exit 1 when a printed finding reaches this severity",
      severity("--fail-on"),
    )
    .option(
      "--min-actions <n>",
      "web-identity-lateral-movement: distinct sensitive actions (default 3)",
      count("--min-actions", 1, 1000),
    )
    .option(
      "--window <duration>",
      "web-identity-lateral-movement: sliding window, e.g. 30m, 1h (default 1h)",
      parseWindow,
    )
    .option(
      "--min-control-plane <n>",
      "web-identity-multi-control-plane: distinct control-plane actions (default 10)",
      count("--min-control-plane", 1, 10000),
    )
    .option("--baseline <dir>", "a lake of known-good history: actions seen there are routine")
    .option("--allow <file>", "allowlist CSV (principal,eventName[,eventSource]) of known patterns")
    .option(
      "--actions <file>",
      "catalog CSV (eventSource,eventName,category) adding or replacing entries",
    )
    .option("--rule <id>", "run only this rule (repeatable, or comma-separated)", ruleIds)
    .option("--threads <n>", "DuckDB worker threads", parseThreads)
    .option("--memory-limit <size>", "DuckDB memory limit", "1GB")
    .action((opts) =>
      run(async () => {
        const findings = await hunt({
          lake: opts.lake,
          from: opts.from ? parseTime(opts.from, "--from") : undefined,
          to: opts.to ? parseTime(opts.to, "--to") : undefined,
          minSeverity: opts.minSeverity,
          minActions: opts.minActions,
          windowMinutes: opts.window,
          minControlPlaneActions: opts.minControlPlane,
          baseline: opts.baseline,
          allow: opts.allow,
          actions: opts.actions,
          rules: opts.rule,
          threads: opts.threads,
          memoryLimit: opts.memoryLimit,
        });
        printFindings(findings, opts.format, io);
        const failOn: Severity | undefined = opts.failOn;
        if (failOn && findings.some((f) => severityRank(f.severity) >= severityRank(failOn))) {
          return EXIT.findings;
        }
        return EXIT.ok;
      })
    );
};
