/**
 * `podtrail sigma export [--out <dir>]` → {@linkcode exportSigma};
 * `podtrail sigma run <rules>... --lake <dir>` → {@linkcode runSigma} → printer.
 *
 * `sigma run` exits with `EXIT.partial` when a rule could not be parsed,
 * compiled or run (each is named on stderr with the construct and the
 * reason) while the other rules ran, and `EXIT.ok` when all ran.
 *
 * @module
 */
import type { Command } from "commander";
import { join } from "node:path";
import type { CliIO, Register } from "./program.ts";
import { EXIT } from "./exit_codes.ts";
import { parseFormat, parseThreads, type TableFormat } from "./_flags.ts";
import { printRows } from "./_print_rows.ts";
import { parseTime } from "../queries/open_lake.ts";
import { OutputExistsError } from "../errors.ts";
import { exportSigma } from "../sigma/export_sigma.ts";
import { runSigma, type SigmaRunResult } from "../sigma/run_sigma.ts";

const MATCH_COLUMNS = [
  "rule",
  "title",
  "level",
  "eventTime",
  "eventID",
  "eventName",
  "eventSource",
  "userIdentity.arn",
  "sourceIPAddress",
];
const CORRELATION_COLUMNS = [
  "rule",
  "title",
  "level",
  "type",
  "group",
  "windowStart",
  "windowEnd",
  "count",
  "eventIDs",
];

/** Prints a run's matches and correlations in `format`. */
export function printSigmaResult(result: SigmaRunResult, format: TableFormat, io: CliIO): void {
  const matches = result.matches.map((m) => ({
    rule: m.ruleId ?? m.title,
    title: m.title,
    level: m.level,
    eventTime: m.eventTime,
    eventID: m.eventID,
    eventName: m.eventName,
    eventSource: m.eventSource,
    "userIdentity.arn": m.userIdentityArn,
    sourceIPAddress: m.sourceIPAddress,
  }));
  const correlations = result.correlations.map((c) => ({
    rule: c.ruleId ?? c.title,
    title: c.title,
    level: c.level,
    type: c.type,
    group: c.group,
    windowStart: c.windowStart,
    windowEnd: c.windowEnd,
    count: c.count,
    eventIDs: c.eventIDs,
  }));
  if (format === "json") {
    io.stdout(
      JSON.stringify(
        {
          matches: result.matches,
          correlations: result.correlations,
          unsupported: result.unsupported,
        },
        null,
        2,
      ) + "\n",
    );
    return;
  }
  if (format === "table") {
    io.stdout(`Matches\n`);
    printRows({ columns: MATCH_COLUMNS, rows: matches }, "table", io);
    io.stdout(`\nCorrelations\n`);
    printRows({ columns: CORRELATION_COLUMNS, rows: correlations }, "table", io);
    return;
  }
  const columns = ["kind", ...new Set([...MATCH_COLUMNS, ...CORRELATION_COLUMNS])];
  const rows = [
    ...matches.map((m) => ({ kind: "match", ...m })),
    ...correlations.map((c) => ({ kind: "correlation", ...c })),
  ];
  printRows({ columns, rows }, format, io);
}

/** Writes the export into `dir`, refusing to replace files unless `force`. */
async function writeExport(dir: string, force: boolean): Promise<string[]> {
  const files = exportSigma();
  await Deno.mkdir(dir, { recursive: true });
  if (!force) {
    for (const f of files) {
      const path = join(dir, f.fileName);
      try {
        await Deno.lstat(path);
        throw new OutputExistsError(path);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
  }
  const written: string[] = [];
  for (const f of files) {
    const path = join(dir, f.fileName);
    const tmp = `${path}.tmp-${crypto.randomUUID()}`;
    await Deno.writeTextFile(tmp, f.yaml);
    await Deno.rename(tmp, path);
    written.push(path);
  }
  return written;
}

/** Adds `sigma export` and `sigma run` to the program. */
export const registerSigma: Register = (program, run, io) => {
  const sigma = program.command("sigma")
    .description(
      "Export podtrail's rules as Sigma, or run Sigma rules (with correlations) over the lake",
    );
  const quiet = (c: Command) =>
    c.exitOverride().configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: () => {},
      outputError: () => {},
    });

  quiet(
    sigma.command("export")
      .description(
        "Write podtrail's rules as Sigma v2.1 YAML (stdout, or one file per rule in --out)",
      )
      .option("--out <dir>", "write the files into this folder")
      .option("--force", "replace files that exist")
      .action((opts: { out?: string; force?: boolean }) =>
        run(async () => {
          if (!opts.out) {
            io.stdout(exportSigma().map((f) => `# ${f.fileName}\n${f.yaml}`).join("---\n"));
            return EXIT.ok;
          }
          for (const path of await writeExport(opts.out, opts.force === true)) {
            io.stdout(`${path}\n`);
          }
          return EXIT.ok;
        })
      ),
  );

  quiet(
    sigma.command("run")
      .description("Run Sigma rules (files or folders) over the lake")
      .argument("<rules...>", "Sigma rule files or folders (.yml, .yaml; multi-document files too)")
      .requiredOption("--lake <dir>", "the lake folder")
      .option("--format <format>", "table, json, jsonl or csv", parseFormat, "table")
      .option("--from <time>", "only events at or after this time (ISO-8601)")
      .option("--to <time>", "only events before this time (ISO-8601)")
      .option("--threads <n>", "DuckDB worker threads", parseThreads)
      .action((rules: string[], opts) =>
        run(async () => {
          const result = await runSigma({
            rules,
            lake: opts.lake,
            from: opts.from ? parseTime(opts.from, "--from") : undefined,
            to: opts.to ? parseTime(opts.to, "--to") : undefined,
            threads: opts.threads,
          });
          printSigmaResult(result, opts.format, io);
          for (const u of result.unsupported) {
            const what = u.title ? `rule "${u.title}"${u.ruleId ? ` (${u.ruleId})` : ""}` : "file";
            io.stderr(`podtrail: sigma: ${u.file}: ${what} not run: ${u.construct}: ${u.reason}\n`);
          }
          if (result.unsupported.length > 0) {
            io.stderr(
              `podtrail: sigma: ${result.ran} rules ran, ${result.unsupported.length} could not be run\n`,
            );
            return EXIT.partial;
          }
          return EXIT.ok;
        })
      ),
  );
};
