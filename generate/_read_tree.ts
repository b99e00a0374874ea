/**
 * Reads back a generated S3 tree (tests and tools): every log file's path,
 * raw JSON and records, and every digest. Loads everything into memory, so
 * it is for small trees only.
 *
 * @module
 */
import { gunzipSync } from "node:zlib";

/** A log file as read back. */
export interface LogFile {
  /** Path relative to the output directory (`AWSLogs/…`). */
  path: string;
  /** The uncompressed content. */
  json: string;
  records: Record<string, unknown>[];
}

/** A digest file as read back. */
export interface DigestFile {
  path: string;
  json: string;
  digest: Record<string, unknown>;
}

/** Everything under `<out>/AWSLogs`. */
export interface Tree {
  logs: LogFile[];
  digests: DigestFile[];
  /** Every file path under `AWSLogs/`, sorted. */
  paths: string[];
}

const decoder = new TextDecoder();

function* walk(dir: string, rel: string): Generator<string> {
  const entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1);
  for (const e of entries) {
    if (e.isDirectory) yield* walk(`${dir}/${e.name}`, `${rel}/${e.name}`);
    else yield `${rel}/${e.name}`;
  }
}

/** Reads the tree written to `out`. */
export function readTree(out: string): Tree {
  const tree: Tree = { logs: [], digests: [], paths: [] };
  for (const path of walk(`${out}/AWSLogs`, "AWSLogs")) {
    tree.paths.push(path);
    const json = decoder.decode(gunzipSync(Deno.readFileSync(`${out}/${path}`)));
    if (path.includes("/CloudTrail-Digest/")) {
      tree.digests.push({ path, json, digest: JSON.parse(json) });
    } else {
      tree.logs.push({ path, json, records: JSON.parse(json).Records });
    }
  }
  return tree;
}
