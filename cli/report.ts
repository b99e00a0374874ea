/**
 * `podtrail report --lake <dir> -o <file.html>`: flags → {@linkcode writeReport} → one line.
 *
 * @module
 */
import type { Register } from "./program.ts";
import { huntSource } from "../report/hunt_source.ts";
import { parseTime } from "../queries/open_lake.ts";
import { parseSeverity } from "../hunt/finding.ts";
import { parseThreads } from "./_flags.ts";
import { EXIT } from "./exit_codes.ts";

function wholeNumber(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new RangeError(`Invalid ${flag} "${value}": use a whole number of at least 1`);
    }
    return Number(value);
  };
}

function megabytes(bytes: number): string {
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(2)} MB`;
}

/** Adds `report` to the program. */
export const registerReport: Register = (program, run, io) => {
  program.command("report")
    .description(
      "Write one self-contained HTML report: timelines of the flagged service-account sessions",
    )
    .requiredOption("--lake <dir>", "the lake folder")
    .requiredOption("-o, --output <file>", "the HTML file to write")
    .option("--from <time>", "only events at or after this time (ISO-8601)")
    .option("--to <time>", "only events before this time (ISO-8601)")
    .option(
      "--min-severity <severity>",
      "leave out findings below it: info, low, medium, high, critical",
      (v: string) => parseSeverity(v, "--min-severity"),
      "low",
    )
    .option("--title <text>", "the report's title")
    .option("--force", "overwrite the output if it exists")
    .option(
      "--now <time>",
      "the generation time written into the report (default: SOURCE_DATE_EPOCH, else the clock)",
    )
    .option("--max-events <n>", "events shown per finding", wholeNumber("--max-events"), 300)
    .option("--baseline <dir>", "a lake of known-good history (as for hunt)")
    .option("--allow <file>", "an allowlist CSV (as for hunt)")
    .option("--actions <file>", "a catalog CSV that adds or replaces actions (as for hunt)")
    .option(
      "--min-actions <n>",
      "lateral movement: distinct sensitive actions",
      wholeNumber("--min-actions"),
    )
    .option("--window <minutes>", "lateral movement: the sliding window", wholeNumber("--window"))
    .option(
      "--min-control-plane <n>",
      "multi control plane: distinct actions",
      wholeNumber("--min-control-plane"),
    )
    .option("--threads <n>", "DuckDB worker threads", parseThreads)
    .action((opts, command) =>
      run(async () => {
        // Loaded here: the chart library costs every other command ~0.3 s of start-up.
        const { writeReport } = await import("../report/write_report.ts");
        const result = await writeReport({
          lake: opts.lake,
          output: opts.output,
          force: Boolean(opts.force),
          from: opts.from ? parseTime(opts.from, "--from") : undefined,
          to: opts.to ? parseTime(opts.to, "--to") : undefined,
          minSeverity: opts.minSeverity,
          title: opts.title,
          now: opts.now ? parseTime(opts.now, "--now") : undefined,
          maxEvents: opts.maxEvents,
          threads: opts.threads,
          command: ["podtrail", ...(command.parent?.rawArgs ?? ["report"])],
          hunt: huntSource({
            baseline: opts.baseline,
            allow: opts.allow,
            actions: opts.actions,
            minActions: opts.minActions,
            windowMinutes: opts.window,
            minControlPlaneActions: opts.minControlPlane,
          }),
        });
        io.stdout(
          `Wrote ${result.path}: ${result.findings} finding${
            result.findings === 1 ? "" : "s"
          } on ${result.sessions} session${result.sessions === 1 ? "" : "s"}, ` +
            `${megabytes(result.bytes)}\n`,
        );
        return EXIT.ok;
      })
    );
};
