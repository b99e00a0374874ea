/**
 * Printers for `podtrail ingest`: the accounting (text or JSON) and a
 * progress line on a terminal.
 *
 * @module
 */
import type { IngestSummary, Progress } from "../ingest/ingest.ts";
import type { CliIO } from "./program.ts";

/** Prints the accounting that ends every ingest. */
export function printIngestSummary(s: IngestSummary, io: CliIO, json: boolean): void {
  if (json) {
    io.stdout(JSON.stringify(s, null, 2) + "\n");
    return;
  }
  const f = s.files;
  const r = s.records;
  const lines = [
    `lake: ${s.lake}`,
    `files: ${f.found} found, ${f.ingested} ingested, ${
      f.skipped.digest + f.skipped.alreadyInLake + f.skipped.other
    } skipped (${f.skipped.digest} digest, ${f.skipped.alreadyInLake} already in lake, ${f.skipped.other} other), ${f.failed} failed`,
    `records: ${r.read} read = ${r.written} written + ${r.duplicates} duplicates + ${r.rejected} rejected`,
  ];
  if (f.ingested === 0 && f.failed === 0 && r.read === 0) {
    lines.push("nothing new: every input is already in the lake or was skipped");
  }
  if (s.recovered > 0) {
    lines.push(
      `recovered: removed ${s.recovered} uncommitted file(s) left by an interrupted ingest`,
    );
  }
  for (const p of s.problems.slice(0, 50)) {
    lines.push(`${p.status}: ${JSON.stringify(p.path)}: ${p.reason}`);
  }
  if (s.problems.length > 50) lines.push(`… and ${s.problems.length - 50} more (see --json)`);
  if (r.rejected > 0 || f.failed > 0) {
    lines.push(`rejects are in ${s.lake}/rejects/ (query: SELECT * FROM rejects)`);
  }
  io.stdout(lines.join("\n") + "\n");
}

/** A progress line redrawn in place on stderr. */
export function progressPrinter(io: CliIO): (p: Progress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 100 && p.done !== p.total) return;
    last = now;
    const width = 30;
    const filled = p.total > 0 ? Math.round((p.done / p.total) * width) : 0;
    io.stderr(
      `\r${p.phase.padEnd(5)} [${"#".repeat(filled)}${
        " ".repeat(width - filled)
      }] ${p.done}/${p.total}\x1b[K`,
    );
    if (p.phase === "write") io.stderr("\r\x1b[K");
  };
}
