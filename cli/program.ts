/**
 * Builds the `podtrail` command tree and runs it, turning every outcome into
 * an exit code. `main.ts` is the only caller that exits the process.
 *
 * @module
 */
import { Command, CommanderError } from "commander";
import { EXIT } from "./exit_codes.ts";
import { LakeError, LakeLockedError, OutputExistsError, QueryError } from "../errors.ts";
import { registerIngest } from "./ingest.ts";
import { registerQuery } from "./query.ts";
import { registerHunt } from "./hunt.ts";
import { registerTimeline } from "./timeline.ts";
import { registerGenerate } from "./generate.ts";
import { registerSigma } from "./sigma.ts";
import { registerDemo } from "./demo.ts";
import { registerReport } from "./report.ts";
import { VERSION } from "../version.ts";

/** A command file's contribution: adds itself to the program. */
export type Register = (program: Command, run: Runner, io: CliIO) => void;

/** Sets the exit code that the running command produced. */
export type Runner = (work: () => Promise<number>) => Promise<void>;

/** Where the CLI writes; tests pass buffers. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars only then). */
  stderrIsTty: boolean;
}

const REGISTRY: Register[] = [
  registerIngest,
  registerQuery,
  registerHunt,
  registerTimeline,
  registerGenerate,
  registerSigma,
  registerDemo,
  registerReport,
];

/** Adds a command module (used by modules that register late, e.g. plugins in tests). */
export function addCommand(register: Register): void {
  REGISTRY.push(register);
}

/** Maps an error to an exit code and a one-line message. */
export function exitCodeFor(error: unknown): { code: number; message: string } {
  if (error instanceof CommanderError) {
    return { code: EXIT.usage, message: error.message.replace(/^error: /, "") };
  }
  if (error instanceof LakeLockedError) return { code: EXIT.locked, message: error.message };
  if (error instanceof OutputExistsError) return { code: EXIT.usage, message: error.message };
  if (error instanceof QueryError || error instanceof LakeError) {
    return { code: EXIT.query, message: error.message };
  }
  if (error instanceof TypeError || error instanceof RangeError) {
    return { code: EXIT.usage, message: error.message };
  }
  if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) {
    return { code: EXIT.usage, message: (error as Error).message };
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: EXIT.internal, message: `internal error (please report): ${message}` };
}

/** Runs the CLI with `args` (without the program name) and returns the exit code. */
export async function runCli(args: string[], io: CliIO): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command("podtrail")
    .description("Offline forensic toolkit for AWS CloudTrail: ingest, hunt, report")
    .version(VERSION, "-V, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: () => {},
      outputError: () => {},
    })
    .showHelpAfterError(false);
  const run: Runner = async (work) => {
    code = await work();
  };
  for (const register of REGISTRY) register(program, run, io);
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: () => {},
      outputError: () => {},
    });
  }
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    if (
      error instanceof CommanderError &&
      (error.code === "commander.helpDisplayed" || error.code === "commander.version" ||
        error.code === "commander.help")
    ) {
      return EXIT.ok;
    }
    const { code: failure, message } = exitCodeFor(error);
    io.stderr(`podtrail: ${message.split("\n")[0]}\n`);
    if (failure === EXIT.internal) io.stderr(`${message}\n`);
    return failure;
  }
  return code;
}
