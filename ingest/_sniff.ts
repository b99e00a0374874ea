/**
 * Detects a file's shape from the first bytes of its content (decompressed
 * when it is gzip), never from its name.
 *
 * @module
 */
import { createGunzip } from "node:zlib";
import { createReadStream } from "node:fs";

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

/** Reads up to `WINDOW` bytes of the file's (decompressed) content. */
async function readPrefix(path: string): Promise<{ bytes: Uint8Array; gzip: boolean }> {
  const file = await Deno.open(path, { read: true });
  let head: Uint8Array;
  try {
    const buf = new Uint8Array(2);
    const n = (await file.read(buf)) ?? 0;
    head = buf.subarray(0, n);
  } finally {
    file.close();
  }
  const gzip = head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
  const chunks: Uint8Array[] = [];
  let total = 0;
  await new Promise<void>((resolve) => {
    const raw = createReadStream(path, gzip ? {} : { end: WINDOW - 1 });
    const stream = gzip ? raw.pipe(createGunzip()) : raw;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      raw.destroy();
      resolve();
    };
    stream.on("data", (chunk: Uint8Array) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= WINDOW) finish();
    });
    // A truncated or corrupt gzip still yields what it could decompress; the
    // full read reports the error with the file name later.
    stream.on("error", finish);
    stream.on("end", finish);
    raw.on("error", finish);
  });
  const bytes = new Uint8Array(Math.min(total, WINDOW));
  let offset = 0;
  for (const c of chunks) {
    if (offset >= bytes.length) break;
    bytes.set(c.subarray(0, bytes.length - offset), offset);
    offset += c.length;
  }
  return { bytes, gzip };
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
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') {
        inString = false;
        lastString = text.slice(stringStart, i);
        if (!firstItemDone && depth === itemDepth) {
          if (expectKey) {
            keys.push(lastString);
            expectKey = false;
          }
        }
      }
      continue;
    }
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

/** Sniffs `path`: gzip or not, BOM, layout and wrapper of its JSON content. */
export async function sniffFile(path: string): Promise<Sniff> {
  const { bytes, gzip } = await readPrefix(path);
  const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
  return { gzip, ...sniffText(text) };
}
