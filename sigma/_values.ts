/**
 * Sigma string values: wildcards (`*`, `?`) with their escapes, and the value
 * transformations of the modifiers `windash`, `utf16le`/`utf16be`/`utf16`/`wide`,
 * `base64` and `base64offset`. Pure functions; no SQL here.
 *
 * @module
 */

/** One piece of a Sigma string: literal text, or a wildcard. */
export type Piece = { lit: string } | { wild: "*" | "?" };

/**
 * Splits a Sigma string into literal text and wildcards: `*` and `?` are
 * wildcards, `\*`, `\?` and `\\` are the literal characters, and any other
 * backslash is a literal backslash.
 */
export function parseWildcards(value: string): Piece[] {
  const out: Piece[] = [];
  let lit = "";
  const flush = () => {
    if (lit) out.push({ lit });
    lit = "";
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\\" && i + 1 < value.length && "*?\\".includes(value[i + 1])) {
      lit += value[i + 1];
      i++;
    } else if (c === "*" || c === "?") {
      flush();
      out.push({ wild: c });
    } else {
      lit += c;
    }
  }
  flush();
  return out;
}

/** Whether the pieces hold a wildcard. */
export function hasWildcard(pieces: Piece[]): boolean {
  return pieces.some((p) => "wild" in p);
}

/** The literal text of wildcard-free pieces. */
export function literalText(pieces: Piece[]): string {
  return pieces.map((p) => ("lit" in p ? p.lit : "")).join("");
}

/** A SQL LIKE pattern (escape character `\`) for the pieces. */
export function likePattern(pieces: Piece[]): string {
  return pieces.map((p) =>
    "wild" in p ? (p.wild === "*" ? "%" : "_") : p.lit.replace(/[\\%_]/g, (c) => `\\${c}`)
  ).join("");
}

const DASHES = ["-", "/", "\u2013", "\u2014", "\u2015"];

/** Most alternatives `windash` may produce (5 per dash position). */
export const WINDASH_LIMIT = 625;

/**
 * `windash`: every combination of `-`, `/`, en dash, em dash and horizontal bar
 * where a `-` or `/` starts a word after a non-word character (as pySigma does).
 */
export function windash(pieces: Piece[]): Piece[][] {
  // Positions are found on the text with wildcards read as non-word characters.
  const flat: { ch: string; wild?: "*" | "?" }[] = [];
  for (const p of pieces) {
    if ("wild" in p) flat.push({ ch: " ", wild: p.wild });
    else for (const ch of p.lit) flat.push({ ch });
  }
  const text = flat.map((f) => f.ch).join("");
  const spots: number[] = [];
  for (const m of text.matchAll(/\B[-/]\b/g)) spots.push(m.index!);
  if (spots.length === 0) return [pieces];
  if (DASHES.length ** spots.length > WINDASH_LIMIT) {
    throw new RangeError(`windash would make ${DASHES.length}^${spots.length} alternatives`);
  }
  let variants: string[][] = [[]];
  for (let i = 0; i < flat.length; i++) {
    const choices = spots.includes(i)
      ? DASHES
      : [flat[i].wild ? `\u0000${flat[i].wild}` : flat[i].ch];
    variants = variants.flatMap((v) => choices.map((c) => [...v, c]));
  }
  return variants.map((chars) => {
    const out: Piece[] = [];
    for (const c of chars) {
      if (c.startsWith("\u0000")) out.push({ wild: c[1] as "*" | "?" });
      else {
        const last = out[out.length - 1];
        if (last && "lit" in last) last.lit += c;
        else out.push({ lit: c });
      }
    }
    return out;
  });
}

/** UTF-16 encodings of `utf16le`/`wide`, `utf16be`, and `utf16` (little-endian with BOM). */
export function utf16(text: string, variant: "le" | "be" | "bom"): Uint8Array {
  const bytes: number[] = variant === "bom" ? [0xff, 0xfe] : [];
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (variant === "be") bytes.push(u >> 8, u & 0xff);
    else bytes.push(u & 0xff, u >> 8);
  }
  return new Uint8Array(bytes);
}

function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** `base64`: the standard Base64 text of the bytes. */
export function base64(bytes: Uint8Array): string {
  return toBase64(bytes);
}

/**
 * `base64offset`: the three Base64 forms the bytes take when they start at
 * offset 0, 1 or 2 of a longer encoded string, without the characters that
 * depend on the neighbouring bytes (pySigma's definition).
 */
export function base64offset(bytes: Uint8Array): string[] {
  const start = [0, 2, 3];
  const end = [0, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const padded = new Uint8Array(i + bytes.length).fill(0x20);
    padded.set(bytes, i);
    const enc = toBase64(padded);
    const e = end[(bytes.length + i) % 3];
    out.push(enc.slice(start[i], e === 0 ? undefined : e));
  }
  return out;
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
