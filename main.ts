/**
 * The `podtrail` command line: parses the arguments, runs one command and
 * exits with its documented code (see `cli/exit_codes.ts`).
 *
 * @module
 */
import { runCli } from "./cli/program.ts";

if (import.meta.main) {
  const encoder = new TextEncoder();
  const code = await runCli(Deno.args, {
    stdout: (text) => Deno.stdout.writeSync(encoder.encode(text)),
    stderr: (text) => Deno.stderr.writeSync(encoder.encode(text)),
    stderrIsTty: Deno.stderr.isTerminal(),
  });
  Deno.exit(code);
}
