/**
 * `writeReport()`: lake → one self-contained HTML file, written atomically
 * (a temporary file in the output's folder, then a rename) and never over an
 * existing file unless `force` is set.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { OutputExistsError } from "../errors.ts";
import { writeAtomic } from "../ingest/_write_atomic.ts";
import { type CollectOptions, collectReportData } from "./collect_report_data.ts";
import { renderReport } from "./render_report.ts";

/** Options of {@linkcode writeReport}. */
export interface WriteReportOptions extends Omit<CollectOptions, "now"> {
  /** The HTML file to write. */
  output: string;
  /** Overwrite an existing output. */
  force?: boolean;
  /**
   * The generation time written into the report; default: `SOURCE_DATE_EPOCH`
   * (seconds since the epoch) when set, else the clock.
   */
  now?: Date;
}

/** What {@linkcode writeReport} wrote. */
export interface WriteReportResult {
  /** The absolute path of the report. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** How many findings it shows. */
  findings: number;
  /** How many session trees they flag (one section each). */
  sessions: number;
}

/**
 * The generation time: `now` when given, else `SOURCE_DATE_EPOCH` (whole
 * seconds) when set, else the clock. A malformed `SOURCE_DATE_EPOCH` is a `RangeError`.
 */
export function generationTime(now?: Date, sourceDateEpoch?: string): Date {
  if (now) {
    if (Number.isNaN(now.getTime())) throw new RangeError("Invalid generation time");
    return now;
  }
  if (sourceDateEpoch !== undefined && sourceDateEpoch !== "") {
    if (!/^\d+$/.test(sourceDateEpoch)) {
      throw new RangeError(
        `Invalid SOURCE_DATE_EPOCH "${sourceDateEpoch}": use whole seconds since 1970-01-01T00:00:00Z`,
      );
    }
    return new Date(Number(sourceDateEpoch) * 1000);
  }
  return new Date();
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * Collects the report's data from the lake, renders it and writes it.
 * Throws {@linkcode OutputExistsError} when the output exists and `force` is not set.
 *
 * @example
 * ```ts ignore
 * import { writeReport } from "./write_report.ts";
 * const { path, bytes, findings } = await writeReport({ lake: "./lake", output: "report.html", hunt });
 * ```
 */
export async function writeReport(options: WriteReportOptions): Promise<WriteReportResult> {
  const path = resolve(options.output);
  const folder = dirname(path);
  if (!(await exists(folder))) {
    throw new Deno.errors.NotFound(`Output folder "${folder}" does not exist; create it first`);
  }
  if (!options.force && await exists(path)) throw new OutputExistsError(options.output);
  const envEpoch = options.now ? undefined : Deno.env.get("SOURCE_DATE_EPOCH");
  const now = generationTime(options.now, envEpoch);
  const data = await collectReportData({ ...options, now });
  const bytes = new TextEncoder().encode(renderReport(data));
  // Checked again just before the rename: another writer may have created it meanwhile.
  if (!options.force && await exists(path)) throw new OutputExistsError(options.output);
  await writeAtomic(path, bytes);
  return {
    path,
    bytes: bytes.length,
    findings: data.findings.reduce((n, rf) => n + 1 + rf.alsoFlaggedBy.length, 0),
    sessions: data.findings.length,
  };
}
