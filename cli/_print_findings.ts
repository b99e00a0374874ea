/**
 * Printers for hunt findings: `table` (one block per finding with its
 * reasons), `json` (one array), `jsonl` (one finding per line) and `csv`.
 *
 * @module
 */
import type { CliIO } from "./program.ts";
import type { TableFormat } from "./_flags.ts";
import { csvField } from "./_print_rows.ts";
import { type Finding, SEVERITIES } from "../hunt/finding.ts";

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/** Control characters (terminal escapes in log values) shown as visible escapes. */
function visible(s: string): string {
  return s.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

const short = (xs: string[], max = 12) =>
  xs.length <= max ? xs.join(", ") : `${xs.slice(0, max).join(", ")}, … (${xs.length})`;
const roleName = (arn: string | null | undefined) => arn?.replace(/^.*\//, "") ?? "?";

/** The columns of `--format csv`, in order. */
export const FINDING_CSV_COLUMNS = [
  "severity",
  "score",
  "rule",
  "serviceAccount",
  "cluster",
  "attribution",
  "accessKeyId",
  "parentAccessKeyId",
  "rootAccessKeyId",
  "sessionKeys",
  "roleArn",
  "accountId",
  "firstSeen",
  "lastSeen",
  "eventCount",
  "actions",
  "categories",
  "deniedActions",
  "novelActions",
  "sourceIPs",
  "userAgents",
  "reasons",
] as const;

function csvValue(f: Finding, column: typeof FINDING_CSV_COLUMNS[number]): unknown {
  const v = (f as unknown as Record<string, unknown>)[column];
  if (column === "reasons") return (v as string[]).join("\n");
  if (Array.isArray(v)) return v.join(" ");
  return v;
}

function block(f: Finding): string[] {
  const who = f.serviceAccount ??
    (f.likelyServiceAccount ? `unknown (likely ${f.likelyServiceAccount})` : "unknown");
  const chain = f.rootAccessKeyId && f.rootAccessKeyId !== f.accessKeyId
    ? `  chained from ${f.parentAccessKeyId} (root ${f.rootAccessKeyId}, ${
      roleName(f.rootRoleArn)
    })`
    : "";
  const lines = [
    `${f.severity.toUpperCase()}  ${f.rule}  score ${f.score ?? "?"}`,
    `  service account  ${who} (${f.attribution}${f.cluster ? `, cluster ${f.cluster}` : ""})`,
    `  credential       ${f.accessKeyId}  role ${roleName(f.roleArn)}  account ${
      f.accountId ?? "?"
    }${chain}`,
    `  seen             ${f.firstSeen} → ${f.lastSeen}  ${f.eventCount} events from ${
      short(f.sourceIPs, 4)
    }`,
    `  actions          ${short(f.actions)}`,
  ];
  if (f.deniedActions.length > 0) lines.push(`  denied           ${short(f.deniedActions)}`);
  f.reasons.forEach((r, i) =>
    lines.push(`${i === 0 ? "  why              " : "                   "}${r}`)
  );
  return lines.map(visible);
}

/** Prints `findings` in `format`. */
export function printFindings(findings: Finding[], format: TableFormat, io: CliIO): void {
  if (format === "json") {
    io.stdout(JSON.stringify(findings, null, 2) + "\n");
  } else if (format === "jsonl") {
    io.stdout(findings.map((f) => JSON.stringify(f) + "\n").join(""));
  } else if (format === "csv") {
    const lines = [FINDING_CSV_COLUMNS.join(",")];
    for (const f of findings) {
      lines.push(FINDING_CSV_COLUMNS.map((c) => csvField(csvValue(f, c))).join(","));
    }
    io.stdout(lines.join("\r\n") + "\r\n");
  } else {
    const out: string[] = [];
    for (const f of findings) out.push(...block(f), "");
    const counts = [...SEVERITIES].reverse()
      .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`);
    out.push(
      `(${findings.length} finding${findings.length === 1 ? "" : "s"}${
        counts.length ? `: ${counts.join(", ")}` : ""
      })`,
    );
    io.stdout(out.join("\n") + "\n");
  }
}
