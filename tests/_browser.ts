/**
 * Headless Debian Chromium for the browser tests, through playwright-core
 * (never a downloaded browser).
 *
 * @module
 */
import fs from "node:fs";

/** Debian's Chromium (`apt-get install chromium`). */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether Chromium is installed (the browser tests are ignored, and say so, when it is not). */
export const hasChromium: boolean = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/**
 * playwright-core probes `/proc/sys/fs/binfmt_misc/WSLInterop` when it loads; Deno refuses
 * `/proc` paths without --allow-all, so under the test task's permissions that probe throws.
 * While it loads, a path Deno refuses reads as absent.
 */
export async function loadPlaywright(): Promise<typeof import("playwright-core")> {
  const existsSync = fs.existsSync;
  fs.existsSync = (path: fs.PathLike) => {
    try {
      return existsSync(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable) return false;
      throw e;
    }
  };
  try {
    return await import("playwright-core");
  } finally {
    fs.existsSync = existsSync;
  }
}

/** Launch options: headless, and nothing that reaches the network by itself. */
export const LAUNCH = {
  executablePath: CHROMIUM,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
