/**
 * Lists the regular files below a folder (no links followed), for the lake's
 * own folders.
 *
 * @module
 */
import { join } from "node:path";

/** Yields every file below `dir` as an absolute path; a missing folder yields nothing. */
export async function* walkFiles(dir: string): AsyncGenerator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  for (const e of entries) {
    const abs = join(dir, e.name);
    if (e.isDirectory) yield* walkFiles(abs);
    else if (e.isFile) yield abs;
  }
}
