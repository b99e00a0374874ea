/**
 * The printer of `podtrail demo`: what was found and how to open the report.
 *
 * @module
 */
import type { DemoSummary } from "../demo/run_demo.ts";
import { type Finding, SEVERITIES, severityRank } from "../hunt/finding.ts";
import type { CliIO } from "./program.ts";

/** Prints the demo's summary. */
export function printDemoSummary(s: DemoSummary, io: CliIO): void {
  const r = s.ingested.records;
  // One line per flagged session: the rules that fired on it, its worst severity.
  const sessions = new Map<string, { f: Finding; rules: string[] }>();
  for (const f of s.findings) {
    const seen = sessions.get(f.accessKeyId);
    if (!seen) sessions.set(f.accessKeyId, { f, rules: [f.rule] });
    else {
      seen.rules.push(f.rule);
      if (severityRank(f.severity) > severityRank(seen.f.severity)) seen.f = f;
    }
  }
  const bySeverity = SEVERITIES.slice().reverse()
    .map((sev) => [sev, s.findings.filter((f) => f.severity === sev).length] as const)
    .filter(([, n]) => n > 0)
    .map(([sev, n]) => `${n} ${sev}`);
  const lines = [
    "",
    `podtrail demo (${s.seconds.toFixed(1)} s) in ${s.out}`,
    `  logs:     ${s.generated.files} CloudTrail files, ${s.generated.records} records, ` +
    `${s.generated.attacks} injected attacks (truth: ${s.generated.truthPath})`,
    `  lake:     ${r.written} events written, ${r.duplicates} re-delivered duplicates dropped, ` +
    `${r.rejected} rejected`,
    `  findings: ${s.findings.length} (${
      bySeverity.join(", ") || "none"
    }) on ${sessions.size} sessions`,
  ];
  for (const { f, rules } of [...sessions.values()].slice(0, 10)) {
    lines.push(
      `    ${f.severity.padEnd(8)} ${
        (f.serviceAccount ?? "(service account unknown)").padEnd(28)
      } ` +
        `${f.accessKeyId}  ${String(f.actions.length).padStart(2)} sensitive actions  ${
          rules.join(", ")
        }`,
    );
  }
  if (sessions.size > 10) lines.push(`    … and ${sessions.size - 10} more`);
  lines.push(
    `  report:   ${s.report.path} (${(s.report.bytes / 1024).toFixed(0)} KiB)`,
    `  open it:  xdg-open ${s.report.path}   (or file://${s.report.path} in a browser)`,
    `  explore:  deno task podtrail query --lake ${s.out}/lake "SELECT eventName, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC"`,
    "",
  );
  io.stdout(lines.join("\n") + "\n");
}
