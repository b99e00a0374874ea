/**
 * `runDemo()`: the whole pipeline on a generated EKS estate under attack —
 * generate → ingest → hunt → report — in one working folder.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { generateEstate } from "../generate/generate_estate.ts";
import type { GenerateSummary } from "../generate/generate_estate.ts";
import { ingest, type IngestSummary } from "../ingest/ingest.ts";
import { hunt } from "../hunt/hunt.ts";
import type { Finding } from "../hunt/finding.ts";
import { huntSource } from "../report/hunt_source.ts";
import { writeReport } from "../report/write_report.ts";

/** Options of {@linkcode runDemo}. */
export interface DemoOptions {
  /** The working folder; default `.demo` in the current folder. */
  out?: string;
  /** The estate's seed; default 1. */
  seed?: number;
  /** Days of logs; default 3. */
  days?: number;
  /** Estate scale; default 1 (about 100k events over 3 days). */
  scale?: number;
  /** Called between steps, for a progress line. */
  onStep?: (step: string) => void;
}

/** What the demo did. */
export interface DemoSummary {
  out: string;
  generated: GenerateSummary;
  ingested: IngestSummary;
  findings: Finding[];
  report: { path: string; bytes: number };
  seconds: number;
}

/** The file that marks a folder as the demo's own (so a re-run may replace it). */
const MARKER = "podtrail-demo.json";

/** Makes `out` the demo's folder: new, empty, or an earlier demo's (replaced). */
async function prepare(out: string): Promise<void> {
  let entries: string[];
  try {
    entries = (await Array.fromAsync(Deno.readDir(out))).map((e) => e.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) entries = [];
    else throw e;
  }
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new TypeError(
      `Folder "${out}" is not empty and was not made by podtrail demo; pass another --out`,
    );
  }
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(
    join(out, MARKER),
    JSON.stringify({
      madeBy: "podtrail demo",
      note: "this folder is replaced by the next demo run",
    }) +
      "\n",
  );
}

/**
 * Generates the estate, ingests it, hunts and writes the report.
 *
 * @example
 * ```ts ignore
 * import { runDemo } from "./run_demo.ts";
 * const { report } = await runDemo({ out: "/tmp/podtrail-demo" });
 * console.log(report.path);
 * ```
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoSummary> {
  const start = performance.now();
  const out = resolve(options.out ?? ".demo");
  const step = options.onStep ?? (() => {});
  await prepare(out);
  step("generating an EKS estate under attack");
  const logs = join(out, "logs");
  const generated = await generateEstate({
    out: logs,
    seed: options.seed ?? 1,
    days: options.days ?? 3,
    scale: options.scale ?? 1,
  });
  step("ingesting the CloudTrail logs into a Parquet lake");
  const lake = join(out, "lake");
  const ingested = await ingest({ inputs: [join(logs, "AWSLogs")], lake });
  step("hunting service-account sessions");
  const findings = await hunt({ lake });
  step("writing the HTML report");
  const report = await writeReport({
    lake,
    output: join(out, "report.html"),
    hunt: huntSource(),
    force: true,
    title: "podtrail demo: EKS service-account sessions",
    command: ["podtrail", "demo", ...(options.out ? ["--out", options.out] : [])],
  });
  return {
    out,
    generated,
    ingested,
    findings,
    report: { path: report.path, bytes: report.bytes },
    seconds: (performance.now() - start) / 1000,
  };
}
