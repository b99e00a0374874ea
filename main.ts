/**
 * The `podtrail` command line: parses the arguments, runs one command and
 * exits with its documented code (see `cli/exit_codes.ts`).
 *
 * @module
 */
import { runCli } from "./cli/program.ts";

/**
 * A writer that writes every byte (`writeSync` may write part of a buffer to a
 * pipe) and, once the reader has gone (`podtrail query … | head`), drops the
 * rest of the output quietly so that the command still ends with its own exit
 * code, as ripgrep does, instead of an internal error.
 */
function writerFor(file: typeof Deno.stdout): (text: string) => void {
  const encoder = new TextEncoder();
  let closed = false;
  return (text) => {
    if (closed) return;
    let bytes = encoder.encode(text);
    try {
      while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
    } catch (error) {
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
      closed = true;
    }
  };
}

if (import.meta.main) {
  const code = await runCli(Deno.args, {
    stdout: writerFor(Deno.stdout),
    stderr: writerFor(Deno.stderr),
    stderrIsTty: Deno.stderr.isTerminal(),
  });
  Deno.exit(code);
}
