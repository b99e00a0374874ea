/**
 * Named crash points for the crash-safety tests: when `PODTRAIL_FAILPOINT`
 * names one, the process kills itself there with SIGKILL, exactly as a
 * power cut or an OOM kill would stop it.
 *
 * @module
 */

const wanted = (() => {
  try {
    return Deno.env.get("PODTRAIL_FAILPOINT") ?? "";
  } catch {
    return ""; // no --allow-env: no failpoints
  }
})();

/** Dies here if the environment asks for it. */
export function failpoint(name: "staged" | "moved" | "manifest"): void {
  if (wanted === name) Deno.kill(Deno.pid, "SIGKILL");
}
