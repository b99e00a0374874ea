/** Bytes as lower-case hex (hashes, random suffixes). */
export const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
