/**
 * Writing a file so that readers see the old content or the new, never a part.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { hex } from "./_hex.ts";

/**
 * Writes `data` to `path` through a new hidden temporary file in the same
 * folder (`.<name>.tmp-<pid>-<random>`, never an existing file) and a rename;
 * the temporary file is removed when anything fails. `beforeRename` runs
 * between the two (the lake's crash tests kill the process there).
 */
export async function writeAtomic(
  path: string,
  data: string | Uint8Array,
  beforeRename?: () => void,
): Promise<void> {
  const suffix = hex(crypto.getRandomValues(new Uint8Array(4)));
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${Deno.pid}-${suffix}`);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    await Deno.writeFile(tmp, bytes, { createNew: true, mode: 0o644 });
    beforeRename?.();
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
