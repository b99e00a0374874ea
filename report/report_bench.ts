/**
 * The report benchmark: renders a report over 1,000 flagged sessions from
 * synthetic {@linkcode ReportData} (the lake and the hunt are timed by their
 * own benchmarks). Targets: under 5 s and under 10 MB.
 *
 * @module
 */
import { renderReport } from "./render_report.ts";
import { syntheticReportData } from "./_sample_data.ts";

/** What {@linkcode benchReport} measured. */
export interface ReportBenchResult {
  /** Seconds to render the page (ReportData → HTML bytes). */
  seconds: number;
  /** The page's size in bytes. */
  bytes: number;
  /** Flagged sessions (findings) in the report. */
  sessions: number;
  /** Events drawn (marks and table rows). */
  events: number;
}

/**
 * Renders the synthetic report once and measures it.
 *
 * @example
 * ```ts ignore
 * import { benchReport } from "./report/report_bench.ts";
 * const { seconds, bytes } = await benchReport();
 * ```
 */
export function benchReport(sessions = 1000): Promise<ReportBenchResult> {
  const data = syntheticReportData(sessions);
  const started = performance.now();
  const bytes = new TextEncoder().encode(renderReport(data)).length;
  const seconds = (performance.now() - started) / 1000;
  const events = data.findings.reduce((n, f) => n + f.events.length, 0);
  return Promise.resolve({ seconds, bytes, sessions: data.findings.length, events });
}

if (import.meta.main) {
  const r = await benchReport();
  console.log(
    `report: ${r.sessions} flagged sessions, ${r.events} events drawn: ${r.seconds.toFixed(2)} s ` +
      `(target < 5 s), ${(r.bytes / 1e6).toFixed(2)} MB (target < 10 MB)`,
  );
}
