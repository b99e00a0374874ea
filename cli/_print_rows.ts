/**
 * Printers for tabular results: `table` (aligned text), `json` (one array),
 * `jsonl` (one object per line) and `csv` (RFC 4180).
 *
 * @module
 */
import type { CliIO } from "./program.ts";
import type { TableFormat } from "./_flags.ts";

/** Rows with their column order. */
export interface Rows {
  columns: string[];
  rows: Record<string, unknown>[];
}

const cell = (v: unknown): string =>
  v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);

/** Quotes a CSV field when it needs it. */
export function csvField(v: unknown): string {
  const s = cell(v);
  return /[",\r\n]/.test(s) || /^[=+\-@\t]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Control characters (terminal escapes in log values) shown as visible escapes. */
function visible(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}

/** Prints `result` in `format`. */
export function printRows(result: Rows, format: TableFormat, io: CliIO): void {
  const { columns, rows } = result;
  if (format === "json") {
    io.stdout(JSON.stringify(rows, null, 2) + "\n");
  } else if (format === "jsonl") {
    io.stdout(rows.map((r) => JSON.stringify(r) + "\n").join(""));
  } else if (format === "csv") {
    const lines = [columns.map(csvField).join(",")];
    for (const r of rows) lines.push(columns.map((c) => csvField(r[c])).join(","));
    io.stdout(lines.join("\r\n") + "\r\n");
  } else {
    const MAX = 60;
    const text = rows.map((r) =>
      columns.map((c) => {
        const s = visible(cell(r[c]));
        return s.length > MAX ? s.slice(0, MAX - 1) + "…" : s;
      })
    );
    const widths = columns.map((c, i) => Math.max(c.length, ...text.map((t) => t[i].length)));
    const line = (cells: string[]) => cells.map((s, i) => s.padEnd(widths[i])).join("  ").trimEnd();
    const out = [line(columns), line(widths.map((w) => "-".repeat(w))), ...text.map(line)];
    out.push(`(${rows.length} row${rows.length === 1 ? "" : "s"})`);
    io.stdout(out.join("\n") + "\n");
  }
}
