/**
 * Looks at each discovered file once (SHA-256 and a sniff of its content) and
 * decides what happens to it: read in a batch, read on its own, or skipped or
 * failed with a reason.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { extname } from "node:path";
import type { FoundFile } from "./discover_files.ts";
import { type Sniff, sniffFile } from "./_sniff.ts";

/** A file's planned treatment. */
export type Plan =
  | { kind: "batch"; sniff: Sniff }
  | { kind: "single"; sniff: Sniff }
  | { kind: "skip"; reason: string }
  | { kind: "fail"; reason: string };

/** A file with its hash, uncompressed size estimate and plan. */
export interface PlannedFile extends FoundFile {
  sha256: string;
  /** Bytes of JSON the reader will see (gzip's ISIZE for gzip files). */
  contentSize: number;
  plan: Plan;
}

/** Streams the file through SHA-256. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  const file = await Deno.open(path, { read: true });
  try {
    for await (const chunk of file.readable) hash.update(chunk);
  } catch (e) {
    throw e;
  }
  return hash.digest("hex");
}

/** gzip's trailer holds the uncompressed size modulo 2^32: enough to size buffers. */
async function gzipContentSize(path: string, size: number): Promise<number> {
  if (size < 18) return size;
  const file = await Deno.open(path, { read: true });
  try {
    await file.seek(size - 4, Deno.SeekMode.Start);
    const buf = new Uint8Array(4);
    await file.read(buf);
    const isize = new DataView(buf.buffer).getUint32(0, true);
    // ISIZE wraps at 4 GiB; a ratio below 1 means it did (or the file is damaged).
    return isize >= size ? isize : size * 20;
  } finally {
    file.close();
  }
}

const JSON_NAMES = /\.(json|jsonl|ndjson)(\.gz)?$|\.gz$/i;

/** Hashes and sniffs `file` and decides its plan. `seen` maps content hashes already in the lake or in this run to a description. */
export async function planFile(
  file: FoundFile,
  seen: Map<string, string>,
): Promise<PlannedFile> {
  const planned = (plan: Plan, sha256 = "", contentSize = file.size): PlannedFile => ({
    ...file,
    sha256,
    contentSize,
    plan,
  });
  let sha256: string;
  try {
    sha256 = await sha256File(file.path);
  } catch (e) {
    return planned({ kind: "fail", reason: `cannot read: ${(e as Error).message}` });
  }
  const earlier = seen.get(sha256);
  if (earlier) return planned({ kind: "skip", reason: earlier }, sha256);
  if (file.path.includes("CloudTrail-Digest")) {
    return planned({ kind: "skip", reason: "CloudTrail digest file" }, sha256);
  }
  if (file.size === 0) {
    return planned({ kind: "fail", reason: "empty file (0 bytes)" }, sha256);
  }
  let sniff: Sniff;
  try {
    sniff = await sniffFile(file.path);
  } catch (e) {
    return planned({ kind: "fail", reason: `cannot read: ${(e as Error).message}` }, sha256);
  }
  const contentSize = sniff.gzip ? await gzipContentSize(file.path, file.size) : file.size;
  const known = JSON_NAMES.test(file.path) || extname(file.path) === "";
  if (!sniff.json) {
    return known
      ? planned({ kind: "fail", reason: "not JSON (does not start with { or [)" }, sha256)
      : planned({ kind: "skip", reason: "not a JSON log file" }, sha256);
  }
  if (sniff.wrapper === "digest") {
    return planned({ kind: "skip", reason: "CloudTrail digest file" }, sha256, contentSize);
  }
  if (sniff.wrapper === "unknown") {
    return planned(
      {
        kind: "fail",
        reason: "not CloudTrail: its first item is not a CloudTrail record or envelope",
      },
      sha256,
      contentSize,
    );
  }
  const batchable = sniff.wrapper === "records" && !sniff.bom && sniff.container !== "array";
  return planned({ kind: batchable ? "batch" : "single", sniff }, sha256, contentSize);
}

/** The shape label recorded in the manifest, e.g. `records/lines+gzip`. */
export function shapeLabel(s: Sniff): string {
  return `${s.wrapper}/${s.container}${s.multi ? "+multi" : ""}${s.gzip ? "+gzip" : ""}${
    s.bom ? "+bom" : ""
  }`;
}
