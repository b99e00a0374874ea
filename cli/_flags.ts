/**
 * Flag value parsers shared by the commands; each throws `RangeError` with a
 * one-line message (exit 2).
 *
 * @module
 */

/** `--threads`: a whole number from 1 to 256. */
export function parseThreads(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256) {
    throw new RangeError(`Invalid --threads "${value}": use a whole number from 1 to 256`);
  }
  return n;
}

/** `--format` of tabular output. */
export type TableFormat = "table" | "json" | "jsonl" | "csv";

/** Parses `--format`. */
export function parseFormat(value: string): TableFormat {
  if (!["table", "json", "jsonl", "csv"].includes(value)) {
    throw new RangeError(`Invalid --format "${value}": use table, json, jsonl or csv`);
  }
  return value as TableFormat;
}
