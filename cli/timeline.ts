/**
 * `podtrail timeline --lake <dir> --key <ASIA…>`: flags → {@linkcode timeline}
 * → printer (`table`, `jsonl`, or `timesketch` JSONL).
 *
 * @module
 */
import type { Register } from "./program.ts";
import { timeline, type TimelineEvent, toTimesketch } from "../hunt/timeline.ts";
import { parseTime } from "../queries/open_lake.ts";
import { printRows } from "./_print_rows.ts";
import { parseThreads } from "./_flags.ts";
import { EXIT } from "./exit_codes.ts";

/** `--format` of `timeline`. */
export type TimelineFormat = "table" | "jsonl" | "timesketch";

/** Parses `--format` of `timeline`. */
export function parseTimelineFormat(value: string): TimelineFormat {
  if (!["table", "jsonl", "timesketch"].includes(value)) {
    throw new RangeError(`Invalid --format "${value}": use table, jsonl or timesketch`);
  }
  return value as TimelineFormat;
}

const TABLE_COLUMNS = [
  "eventTime",
  "accessKeyId",
  "depth",
  "eventSource",
  "eventName",
  "category",
  "errorCode",
  "sourceIPAddress",
  "userAgent",
] as const;

/** Adds `timeline` to the program. */
export const registerTimeline: Register = (program, run, io) => {
  program.command("timeline")
    .description(
      "Every event of the session tree that holds an access key (issuance, calls, chained " +
        "sessions), in time order",
    )
    .requiredOption("--lake <dir>", "the lake folder")
    .requiredOption("--key <id>", "an access key of the tree (ASIA…)")
    .option("--from <time>", "only events at or after this time (ISO-8601)")
    .option("--to <time>", "only events before this time (ISO-8601)")
    .option("--format <format>", "table, jsonl or timesketch", parseTimelineFormat, "table")
    .option(
      "--actions <file>",
      "catalog CSV (eventSource,eventName,category) adding or replacing entries",
    )
    .option("--threads <n>", "DuckDB worker threads", parseThreads)
    .action((opts) =>
      run(async () => {
        const events: TimelineEvent[] = await timeline({
          lake: opts.lake,
          key: opts.key,
          from: opts.from ? parseTime(opts.from, "--from") : undefined,
          to: opts.to ? parseTime(opts.to, "--to") : undefined,
          actions: opts.actions,
          threads: opts.threads,
        });
        if (events.length === 0) io.stderr(`podtrail: no events for access key "${opts.key}"\n`);
        if (opts.format === "jsonl") {
          io.stdout(events.map((e) => JSON.stringify(e) + "\n").join(""));
        } else if (opts.format === "timesketch") {
          io.stdout(events.map((e) => JSON.stringify(toTimesketch(e)) + "\n").join(""));
        } else {
          const first = events[0];
          if (first) {
            io.stdout(
              `tree ${first.rootAccessKeyId}: ${
                first.serviceAccount ?? "service account unknown"
              } ` +
                `(${first.attribution ?? "not a service-account session"}${
                  first.cluster ? `, cluster ${first.cluster}` : ""
                })\n`,
            );
          }
          printRows(
            {
              columns: [...TABLE_COLUMNS],
              rows: events as unknown as Record<string, unknown>[],
            },
            "table",
            io,
          );
        }
        return EXIT.ok;
      })
    );
};
