/**
 * Finds the input files under the paths a user gave: files as they are,
 * folders recursively (following links once, never looping).
 *
 * @module
 */
import { join, resolve } from "node:path";

/** A file to consider for ingestion. */
export interface FoundFile {
  /** Absolute path. */
  path: string;
  size: number;
  /** Modification time (ms since the epoch) and inode when found: to notice a file that changes. */
  mtimeMs?: number | null;
  ino?: number | null;
}

/** A path that could not be looked at, with the reason. */
export interface UnreadablePath {
  path: string;
  reason: string;
}

/** What {@linkcode discoverFiles} found. */
export interface Discovery {
  files: FoundFile[];
  unreadable: UnreadablePath[];
}

/**
 * Lists the regular files under `paths`, sorted by path, each once.
 *
 * @example
 * ```ts
 * import { discoverFiles } from "./discover_files.ts";
 * const { files } = await discoverFiles(["."]);
 * console.log(files.length > 0);
 * ```
 */
export async function discoverFiles(paths: string[]): Promise<Discovery> {
  const files = new Map<string, FoundFile>();
  const unreadable: UnreadablePath[] = [];
  const seenDirs = new Set<string>();
  const visit = async (path: string, top: boolean): Promise<void> => {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (e) {
      if (top && e instanceof Deno.errors.NotFound) {
        throw new TypeError(`Input "${path}" does not exist; check the path`);
      }
      unreadable.push({ path, reason: describe(e) });
      return;
    }
    if (info.isDirectory) {
      let real: string;
      try {
        real = await Deno.realPath(path);
      } catch (e) {
        unreadable.push({ path, reason: describe(e) });
        return;
      }
      if (seenDirs.has(real)) return; // a link back into a folder already walked
      seenDirs.add(real);
      let names: string[];
      try {
        names = (await Array.fromAsync(Deno.readDir(path))).map((e) => e.name);
      } catch (e) {
        unreadable.push({ path, reason: describe(e) });
        return;
      }
      names.sort();
      for (const name of names) await visit(join(path, name), false);
    } else if (info.isFile) {
      if (!files.has(path)) {
        files.set(path, {
          path,
          size: info.size,
          mtimeMs: info.mtime?.getTime() ?? null,
          ino: info.ino ?? null,
        });
      }
    } else {
      // Never opened: reading a FIFO blocks until someone writes to it.
      const kind = info.isFifo
        ? "a FIFO"
        : info.isSocket
        ? "a socket"
        : info.isCharDevice || info.isBlockDevice
        ? "a device"
        : "not a file or folder";
      unreadable.push({ path, reason: `not a regular file (${kind})` });
    }
  };
  for (const p of paths) await visit(resolve(p), true);
  return {
    files: [...files.values()].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
    unreadable,
  };
}

function describe(e: unknown): string {
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.NotFound) return "not found (dangling link?)";
  if (e instanceof Deno.errors.FilesystemLoop) return "symbolic link loop";
  return (e as Error).message ?? String(e);
}

/**
 * Why `file` is no longer what discovery found (size, modification time or
 * inode differ: it was written to or replaced since), or null. Ingest asks
 * after reading a file, so that the SHA-256 in the lake is that of the
 * content it read.
 */
export async function changedSince(file: FoundFile): Promise<string | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(file.path);
  } catch (e) {
    return `it went away while being read (${(e as Error).message})`;
  }
  const what = info.size !== file.size
    ? `its size went from ${file.size} to ${info.size} bytes`
    : file.mtimeMs !== undefined && (info.mtime?.getTime() ?? null) !== file.mtimeMs
    ? "its modification time changed"
    : file.ino !== undefined && (info.ino ?? null) !== file.ino
    ? "it was replaced"
    : null;
  return what && `it changed while being read (${what}); re-run ingest once it is complete`;
}
