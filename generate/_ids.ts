/**
 * AWS identifier shapes. Access key ids and unique principal ids carry the
 * account id in their first characters, as real ones do: base32 of
 * `(account << 7) | random7` in the first 48 bits, so the 8 characters after
 * the prefix are the same for every id of one account (`ASIA37QFXJP5…`,
 * `AROA37QFXJP5…` in the real samples).
 *
 * @module
 */
import type { Rng } from "./_rng.ts";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Uint8Array, chars: number): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (out.length < chars && bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

function encoded(rng: Rng, account: string, chars: number): string {
  const bytes = new Uint8Array(11);
  // 48-bit big-endian value: (account << 7) | 7 random bits, top bit clear.
  const value = BigInt(account) * 128n + BigInt(rng.int(128));
  for (let i = 5; i >= 0; i--) bytes[5 - i] = Number((value >> BigInt(i * 8)) & 0xffn);
  for (let i = 6; i < 11; i++) bytes[i] = rng.int(256);
  return base32(bytes, chars);
}

/** A temporary (STS) access key id: `ASIA` + 16 base32 characters. */
export function sessionKeyId(rng: Rng, account: string): string {
  return "ASIA" + encoded(rng, account, 16);
}

/** A long-term (IAM user) access key id: `AKIA` + 16 base32 characters. */
export function userKeyId(rng: Rng, account: string): string {
  return "AKIA" + encoded(rng, account, 16);
}

/** A role's unique id: `AROA` + 17 base32 characters. */
export function roleId(rng: Rng, account: string): string {
  return "AROA" + encoded(rng, account, 17);
}

/** An IAM user's unique id: `AIDA` + 17 base32 characters. */
export function userId(rng: Rng, account: string): string {
  return "AIDA" + encoded(rng, account, 17);
}

/** A managed policy's unique id: `ANPA` + 17 base32 characters. */
export function policyId(rng: Rng, account: string): string {
  return "ANPA" + encoded(rng, account, 17);
}

/** Decodes the account id from an access key or principal id (inverse of the encoding). */
export function accountOfKey(id: string): string {
  const body = id.slice(4, 14);
  let value = 0n;
  for (const ch of body) value = value * 32n + BigInt(BASE32.indexOf(ch));
  // 10 characters = 50 bits; keep the first 48.
  value >>= 2n;
  return ((value & 0x7fffffffff80n) >> 7n).toString().padStart(12, "0");
}

/** A session token of the real length and alphabet (opaque base64). */
export function sessionToken(rng: Rng, length = 712): string {
  return "IQoJb3JpZ2luX2Vj" + rng.base64(length - 16);
}

/** An EC2-style resource id such as `i-0a1b2c3d4e5f67890`. */
export function ec2Id(rng: Rng, prefix: string): string {
  return `${prefix}-0${rng.hex(8).slice(0, 16)}`;
}
