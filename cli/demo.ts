/**
 * `podtrail demo [--out <dir>]`: flags → {@linkcode runDemo} → printer.
 *
 * @module
 */
import type { Register } from "./program.ts";
import { printDemoSummary } from "./_print_demo.ts";
import { EXIT } from "./exit_codes.ts";

/** Adds `demo` to the program. */
export const registerDemo: Register = (program, run, io) => {
  program.command("demo")
    .description(
      "Generate an attacked EKS estate, ingest it, hunt and write the HTML report (in --out)",
    )
    .option("--out <dir>", "the working folder (replaced by the next demo run)", ".demo")
    .action((opts) =>
      run(async () => {
        // Loaded here: the report's chart library costs every other command ~0.3 s of start-up.
        const { runDemo } = await import("../demo/run_demo.ts");
        const summary = await runDemo({
          out: opts.out,
          onStep: (s) => io.stderr(`… ${s}\n`),
        });
        printDemoSummary(summary, io);
        return EXIT.ok;
      })
    );
};
