/**
 * Salvage of a file that DuckDB refuses whole because one record holds bytes
 * that are not JSON text (invalid UTF-8, or a raw control character such as
 * NUL inside a string): the file's items are cut apart here, the good ones
 * copied byte for byte, and each bad one replaced by a marker object that the
 * single-file reader turns into a reject with the reason and the record's
 * text (bad bytes shown as U+FFFD). Only failed files come here, so the scan
 * is plain JavaScript.
 *
 * Items are the records of `{"Records": […]}` objects and top-level arrays,
 * and any other top-level value (a bare record, an envelope) whole; numbering
 * stays that of a clean read unless a bad item is itself an envelope of many
 * records (it becomes one reject).
 *
 * @module
 */
import { gunzipSync } from "node:zlib";

/** A salvaged copy of a file: its path and the key of its marker objects. */
export interface Salvaged {
  path: string;
  /** The marker objects' key (random per file, so no input can forge one). */
  key: string;
  /** How many items were replaced by markers. */
  bad: number;
}

/** DuckDB's messages for the two faults salvage can work around. */
export const SALVAGEABLE = /invalid UTF-8|control character/i;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossy = new TextDecoder("utf-8");
const encoder = new TextEncoder();

/** Where the first invalid UTF-8 sequence of `bytes` starts (one pass; RFC 3629). */
function badUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const n = b < 0x80
      ? 0
      : b >= 0xc2 && b < 0xe0
      ? 1
      : b >= 0xe0 && b < 0xf0
      ? 2
      : b >= 0xf0 && b < 0xf5
      ? 3
      : -1;
    if (n < 0) return i;
    const min = n === 2 && b === 0xe0 ? 0xa0 : n === 3 && b === 0xf0 ? 0x90 : 0x80;
    const max = n === 2 && b === 0xed ? 0x9f : n === 3 && b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? min : 0x80) || c > (k === 1 ? max : 0xbf)) return i;
    }
    i += n + 1;
  }
  return bytes.length;
}

/** Why `bytes` (one item) is not JSON text, or undefined when it is fine. */
function fault(bytes: Uint8Array): string | undefined {
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
      else if (b < 0x20) {
        return `a control character (0x${
          b.toString(16).padStart(2, "0")
        }) in a string at byte ${i} of the record`;
      }
    } else if (b === 0x22) inString = true;
  }
  try {
    utf8.decode(bytes);
  } catch {
    return `invalid UTF-8 at byte ${badUtf8(bytes)} of the record`;
  }
  return undefined;
}

/** Ends of the JSON value starting at `i` (a string-aware bracket match); -1 when it does not end. */
function valueEnd(s: Uint8Array, i: number): number {
  let depth = 0;
  let inString = false;
  for (; i < s.length; i++) {
    const b = s[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) {
      if (--depth === 0) return i + 1;
    } else if (
      depth === 0 && (b === 0x2c || b === 0x0a || b === 0x20 || b === 0x09 || b === 0x0d)
    ) {
      return i;
    }
  }
  return depth === 0 && !inString ? i : -1;
}

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** Element spans of the array starting at `open` (its `[`), or undefined when it is not well formed. */
function elements(s: Uint8Array, open: number): [number, number][] | undefined {
  const out: [number, number][] = [];
  let i = open + 1;
  for (;;) {
    while (i < s.length && isSpace(s[i])) i++;
    if (s[i] === 0x5d) return out;
    const end = valueEnd(s, i);
    if (end <= i) return undefined;
    out.push([i, end]);
    i = end;
    while (i < s.length && isSpace(s[i])) i++;
    if (s[i] === 0x2c) i++;
    else if (s[i] === 0x5d) return out;
    else return undefined;
  }
}

/**
 * The `[` of a top-level object's `"Records"` array; -1 when it has none, -2
 * when it has two (the reader refuses that envelope as ambiguous) or the
 * value is not an array.
 */
function recordsArray(s: Uint8Array, start: number, end: number): number {
  const key = encoder.encode('"Records"');
  let depth = 0;
  let inString = false;
  let found = -1;
  for (let i = start; i < end; i++) {
    const b = s[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) depth--;
    else if (b === 0x22) {
      if (depth === 1 && key.every((k, j) => s[i + j] === k)) {
        let j = i + key.length;
        while (isSpace(s[j])) j++;
        if (s[j] === 0x3a) {
          j++;
          while (isSpace(s[j])) j++;
          if (found !== -1 || s[j] !== 0x5b) return -2;
          found = j;
        }
      }
      inString = true;
    }
  }
  return found;
}

/**
 * Writes the salvaged copy of `path` to `out`, or returns undefined when the
 * file's layout is not one this can cut apart (the file then fails as before).
 */
export async function salvageFile(path: string, out: string): Promise<Salvaged | undefined> {
  let s: Uint8Array = await Deno.readFile(path);
  if (s[0] === 0x1f && s[1] === 0x8b) s = gunzipSync(s);
  let i = s[0] === 0xef && s[1] === 0xbb && s[2] === 0xbf ? 3 : 0;
  const items: [number, number][] = [];
  for (;;) {
    while (i < s.length && isSpace(s[i])) i++;
    if (i >= s.length) break;
    const end = valueEnd(s, i);
    if (end <= i) return undefined;
    const records = s[i] === 0x7b ? recordsArray(s, i, end) : s[i] === 0x5b ? i : -1;
    if (records === -2) return undefined;
    const inner = records >= 0 ? elements(s, records) : undefined;
    if (records >= 0 && !inner) return undefined;
    if (inner && inner.length > 0) {
      // The envelope around the records must be clean: only records are salvaged.
      const around = [s.subarray(i, inner[0][0]), s.subarray(inner[inner.length - 1][1], end)];
      if (around.some((x) => fault(x) !== undefined)) return undefined;
    }
    items.push(...(inner ?? [[i, end]]));
    i = end;
  }
  const key = `podtrail-salvage-${crypto.randomUUID()}`;
  const parts: Uint8Array[] = [];
  let bad = 0;
  for (const [a, b] of items) {
    const bytes = s.subarray(a, b);
    const reason = fault(bytes);
    if (reason === undefined) parts.push(bytes);
    else {
      bad++;
      parts.push(encoder.encode(JSON.stringify({ [key]: reason, raw: lossy.decode(bytes) })));
    }
    parts.push(encoder.encode("\n"));
  }
  if (bad === 0) return undefined;
  const file = await Deno.open(out, { write: true, create: true, truncate: true });
  try {
    for (const p of parts) {
      for (let off = 0; off < p.length;) off += await file.write(p.subarray(off));
    }
  } finally {
    file.close();
  }
  return { path: out, key, bad };
}
