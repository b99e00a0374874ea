/**
 * A small, fast, seedable pseudo-random generator (sfc32) and the random
 * identifier shapes CloudTrail uses (UUIDs, hex, alphanumerics). Everything
 * the generator writes is derived from one of these, never from
 * `Math.random()` or the clock, so a seed always reproduces the same bytes.
 *
 * @module
 */

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, "0"));

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Mixes a 32-bit value (splitmix32 finaliser). */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Hashes a string and numbers to a 32-bit seed (FNV-1a then mixed). */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x2f;
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h >>> 0);
}

/** sfc32: a 128-bit-state generator; `fork()` derives independent streams. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = mix32(seed);
    this.#b = mix32(this.#a ^ 0x6a09e667);
    this.#c = mix32(this.#b ^ 0xbb67ae85);
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A new generator whose stream depends on this one's seed and `label`. */
  static derive(seed: number, ...label: (string | number)[]): Rng {
    return new Rng(hashSeed(seed, ...label));
  }

  /** The next unsigned 32-bit value. */
  u32(): number {
    const a = this.#a, b = this.#b, c = this.#c, d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.#c = (r + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** One element of `items`, chosen by the parallel `weights`. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.float() * total;
    for (let i = 0; i < items.length; i++) {
      x -= weights[i];
      if (x < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** An exponentially distributed value with the given mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** Shuffles `items` in place (Fisher–Yates). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** `n` bytes as lowercase hex. */
  hex(bytes: number): string {
    let s = "";
    let v = 0;
    for (let i = 0; i < bytes; i++) {
      if ((i & 3) === 0) v = this.u32();
      s += HEX[v & 0xff];
      v >>>= 8;
    }
    return s;
  }

  /** A random (version 4) UUID, lowercase. */
  uuid(): string {
    const a = this.u32(), b = this.u32(), c = this.u32(), d = this.u32();
    return HEX[a >>> 24] + HEX[(a >>> 16) & 0xff] + HEX[(a >>> 8) & 0xff] + HEX[a & 0xff] + "-" +
      HEX[b >>> 24] + HEX[(b >>> 16) & 0xff] + "-4" + HEX[(b >>> 8) & 0xff].charAt(1) +
      HEX[b & 0xff] + "-" + HEX[0x80 | ((c >>> 24) & 0x3f)] + HEX[(c >>> 16) & 0xff] + "-" +
      HEX[(c >>> 8) & 0xff] + HEX[c & 0xff] + HEX[d >>> 24] + HEX[(d >>> 16) & 0xff] +
      HEX[(d >>> 8) & 0xff] + HEX[d & 0xff];
  }

  /** `n` characters of [A-Za-z0-9]. */
  alnum(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += ALNUM[this.int(62)];
    return s;
  }

  /** `n` characters of [A-Z0-9] (S3 request ids). */
  upperAlnum(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += UPPER_ALNUM[this.int(36)];
    return s;
  }

  /** `n` characters of the base64 alphabet (no padding). */
  base64(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += BASE64[this.u32() & 63];
    return s;
  }

  /** `n` characters of [a-z0-9]. */
  lowerAlnum(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += ALNUM[26 + this.int(36)];
    return s;
  }
}
