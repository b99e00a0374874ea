/**
 * `podtrail ingest <path>... --lake <dir>`: flags → {@linkcode ingest} → printer.
 *
 * @module
 */
import type { Register } from "./program.ts";
import { hasRejects, ingest } from "../ingest/ingest.ts";
import { printIngestSummary, progressPrinter } from "./_print_ingest.ts";
import { EXIT } from "./exit_codes.ts";
import { parseThreads } from "./_flags.ts";

/** Adds `ingest` to the program. */
export const registerIngest: Register = (program, run, io) => {
  program.command("ingest")
    .description("Read CloudTrail logs (files or folders, any shape) into a Parquet lake")
    .argument("<paths...>", "files and folders of CloudTrail logs")
    .requiredOption("--lake <dir>", "the lake folder (created if missing)")
    .option("--threads <n>", "DuckDB worker threads (default: all cores)", parseThreads)
    .option("--memory-limit <size>", "DuckDB memory limit; spills to the lake beyond it", "1GB")
    .option("--json", "print the accounting as JSON")
    .option("-q, --quiet", "print nothing but errors")
    .action((paths: string[], opts) =>
      run(async () => {
        const summary = await ingest({
          inputs: paths,
          lake: opts.lake,
          threads: opts.threads,
          memoryLimit: opts.memoryLimit,
          command: ["podtrail", "ingest", ...paths, "--lake", opts.lake],
          onProgress: io.stderrIsTty && !opts.quiet ? progressPrinter(io) : undefined,
        });
        if (!opts.quiet) printIngestSummary(summary, io, Boolean(opts.json));
        return hasRejects(summary) ? EXIT.partial : EXIT.ok;
      })
    );
};
