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
import { type Sniff, sniffHead } from "./_sniff.ts";
import { hex } from "./_hex.ts";

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

/** Bytes of compressed input to read for the sniff. */
const HEAD = 64 * 1024;
/** Files up to this size are read whole in one call; larger ones are streamed. */
const WHOLE = 16 * 1024 * 1024;

const trailer = (b: Uint8Array) =>
  b.length >= 4 ? new DataView(b.buffer, b.byteOffset + b.length - 4).getUint32(0, true) : 0;

/** One read of the file: its SHA-256, its first bytes, and its last four (gzip's ISIZE). */
async function readOnce(path: string, size: number) {
  if (size <= WHOLE) {
    const bytes = await Deno.readFile(path);
    // WebCrypto hashes on a worker thread: the main thread sniffs other files meanwhile.
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    return { sha256: hex(digest), head: bytes.subarray(0, HEAD), isize: trailer(bytes) };
  }
  const hash = createHash("sha256");
  const file = await Deno.open(path, { read: true });
  let head: Uint8Array = new Uint8Array();
  let last: Uint8Array = new Uint8Array();
  for await (const chunk of file.readable) {
    hash.update(chunk);
    if (head.length < HEAD) head = concat(head, chunk).subarray(0, HEAD);
    last = chunk.length >= 4 ? chunk : concat(last, chunk);
  }
  return { sha256: hash.digest("hex"), head, isize: trailer(last) };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
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
  let read: Awaited<ReturnType<typeof readOnce>>;
  try {
    read = await readOnce(file.path, file.size);
  } catch (e) {
    return planned({ kind: "fail", reason: `cannot read: ${(e as Error).message}` });
  }
  const { sha256 } = read;
  const earlier = seen.get(sha256);
  if (earlier) return planned({ kind: "skip", reason: earlier }, sha256);
  if (file.path.includes("CloudTrail-Digest")) {
    return planned({ kind: "skip", reason: "CloudTrail digest file" }, sha256);
  }
  if (file.size === 0) {
    return planned({ kind: "fail", reason: "empty file (0 bytes)" }, sha256);
  }
  const sniff = sniffHead(read.head);
  // gzip's ISIZE is the content size modulo 4 GiB; a ratio below 1 means it wrapped (or is damaged).
  const contentSize = !sniff.gzip
    ? file.size
    : read.isize >= file.size
    ? read.isize
    : file.size * 20;
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
