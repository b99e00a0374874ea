/**
 * Detects a file's shape from the first bytes of its content (decompressed
 * when it is gzip), never from its name.
 *
 * @module
 */
import { constants as zlibConstants, gunzipSync } from "node:zlib";

/** How the top-level JSON values are laid out in the file. */
export type Container =
  /** One or more compact values, one per line (also a single one-line object). */
  | "lines"
  /** One or more values spread over several lines (pretty-printed objects). */
  | "unstructured"
  /** One top-level array whose elements are the items. */
  | "array";

/** What each top-level item is. */
export type Wrapper =
  | "records" // {"Records":[…]}
  | "record" // a bare CloudTrail record
  | "eventbridge" // {"detail-type":"AWS API Call via CloudTrail","detail":{…}}
  | "ecs" // {"event":{"original":"<record JSON>"}}
  | "lookup" // {"Events":[{"CloudTrailEvent":"<record JSON>"}]}
  | "digest" // a CloudTrail digest file
  | "unknown"; // JSON that is none of these

/** The result of sniffing one file. */
export interface Sniff {
  /** The content is gzip (by magic bytes). */
  gzip: boolean;
  /** The content starts with a UTF-8 byte order mark. */
  bom: boolean;
  /** False when the first non-blank character is neither `{` nor `[`. */
  json: boolean;
  container: Container;
  wrapper: Wrapper;
  /** True when more than one top-level value was seen in the sniffed prefix. */
  multi: boolean;
}

const WINDOW = 256 * 1024;
/** Compressed bytes inflated first (and at most, when the whole head would not fit). */
const SLICE = 16384;

/**
 * The first `WINDOW` bytes of content from the file's first bytes: gzip is
 * inflated as far as the given bytes go (a truncated stream is not an error
 * here; the full read reports it with the file name).
 */
export function contentPrefix(head: Uint8Array): { bytes: Uint8Array; gzip: boolean } {
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  if (!gzip) return { bytes: head.subarray(0, WINDOW), gzip };
  // The first 16 KB inflate cheaply; when the whole head would clearly inflate past WINDOW
  // (CloudTrail's JSON compresses about 10:1), inflating it only to fail costs more than both.
  const start = inflatePrefix(head);
  if (head.length <= SLICE || start.length * (head.length / SLICE) > 2 * WINDOW) {
    return { bytes: start, gzip };
  }
  try {
    const out = gunzipSync(head, {
      finishFlush: zlibConstants.Z_SYNC_FLUSH,
      maxOutputLength: WINDOW,
    });
    return { bytes: out, gzip };
  } catch {
    // Past maxOutputLength, or corrupt: what the first bytes inflate to.
    return { bytes: start, gzip };
  }
}

function inflatePrefix(head: Uint8Array): Uint8Array {
  for (let n = Math.min(head.length, SLICE); n > 0; n = Math.floor(n / 4)) {
    try {
      const out = gunzipSync(head.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      return out.subarray(0, WINDOW);
    } catch { /* try a shorter prefix */ }
  }
  return new Uint8Array();
}

const DIGEST_KEYS = [
  "digestStartTime",
  "digestEndTime",
  "digestS3Bucket",
  "previousDigestSignature",
];

/** Scans the prefix as JSON text: top-level layout and the keys of the first item. */
export function sniffText(text: string): Omit<Sniff, "gzip"> {
  let i = 0;
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) i = 1;
  while (i < text.length && /\s/.test(text[i])) i++;
  const first = text[i];
  if (first !== "{" && first !== "[") {
    return { bom, json: false, container: "lines", wrapper: "unknown", multi: false };
  }
  const isArray = first === "[";
  // Walk the text, tracking depth; collect the keys at the item level (depth 1
  // for objects, 2 for elements of a top-level array) of the first item, and
  // note whether a newline occurs inside the first value.
  const itemDepth = isArray ? 2 : 1;
  const keys: string[] = [];
  let depth = 0;
  let newlineInside = false;
  let topValues = 0;
  let inString = false;
  let stringStart = 0;
  let lastString = "";
  let expectKey = false;
  let firstItemDone = false;
  for (; i < text.length; i++) {
    if (inString) {
      // Jump to the closing quote (one after an even run of backslashes): strings are most of
      // the text, and a loop over their characters cost ~0.2 s on the benchmark's 349 files.
      let end = text.indexOf('"', i);
      while (end !== -1) {
        let slashes = 0;
        while (end - 1 - slashes >= stringStart && text[end - 1 - slashes] === "\\") slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) break;
      i = end;
      inString = false;
      lastString = text.slice(stringStart, i);
      if (!firstItemDone && depth === itemDepth && expectKey) {
        keys.push(lastString);
        expectKey = false;
      }
      continue;
    }
    const ch = text[i];
    switch (ch) {
      case '"':
        inString = true;
        stringStart = i + 1;
        break;
      case "{":
      case "[":
        if (depth === 0) topValues++;
        depth++;
        if (ch === "{" && depth === itemDepth) expectKey = true;
        break;
      case "}":
      case "]":
        depth--;
        if (depth < itemDepth && keys.length > 0) firstItemDone = true;
        break;
      case ",":
        if (depth === itemDepth && !firstItemDone) expectKey = true;
        break;
      case "\n":
        if (depth > 0 && topValues === 1) newlineInside = true;
        break;
    }
    if (topValues > 1) break;
  }
  const has = (k: string) => keys.includes(k);
  let wrapper: Wrapper = "unknown";
  if (has("Records")) wrapper = "records";
  else if (DIGEST_KEYS.some(has)) wrapper = "digest";
  else if (has("Events")) wrapper = "lookup";
  else if (has("detail-type") || (has("detail") && has("source"))) wrapper = "eventbridge";
  else if (has("event") && (has("@timestamp") || text.includes('"original"'))) wrapper = "ecs";
  else if (has("eventName") || has("eventSource") || has("eventTime") || has("eventVersion")) {
    wrapper = "record";
  }
  const container: Container = isArray ? "array" : newlineInside ? "unstructured" : "lines";
  return { bom, json: true, container, wrapper, multi: topValues > 1 };
}

/** Sniffs a file from its first bytes (see {@linkcode contentPrefix}). */
export function sniffHead(head: Uint8Array): Sniff {
  const { bytes, gzip } = contentPrefix(head);
  const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
  return { gzip, ...sniffText(text) };
}
