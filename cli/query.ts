/**
 * `podtrail query --lake <dir> "<SQL>"`: flags → {@linkcode queryLake} → printer.
 *
 * @module
 */
import type { Register } from "./program.ts";
import { queryLake } from "../queries/query_lake.ts";
import { parseTime } from "../queries/open_lake.ts";
import { printRows } from "./_print_rows.ts";
import { parseFormat, parseThreads } from "./_flags.ts";
import { EXIT } from "./exit_codes.ts";

/** Adds `query` to the program. */
export const registerQuery: Register = (program, run, io) => {
  program.command("query")
    .description("Run one read-only SQL statement over the lake (views: events, rejects, manifest)")
    .argument("<sql>", "the SQL statement")
    .requiredOption("--lake <dir>", "the lake folder")
    .option("--format <format>", "table, json, jsonl or csv", parseFormat, "table")
    .option("--from <time>", "only events at or after this time (ISO-8601)")
    .option("--to <time>", "only events before this time (ISO-8601)")
    .option("--threads <n>", "DuckDB worker threads", parseThreads)
    .action((sql: string, opts) =>
      run(async () => {
        const result = await queryLake({
          lake: opts.lake,
          sql,
          from: opts.from ? parseTime(opts.from, "--from") : undefined,
          to: opts.to ? parseTime(opts.to, "--to") : undefined,
          threads: opts.threads,
        });
        printRows(result, opts.format, io);
        return EXIT.ok;
      })
    );
};
