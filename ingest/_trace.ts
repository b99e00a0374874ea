/**
 * Phase timings on stderr when `PODTRAIL_TRACE` is set (for tuning; the
 * benchmark is the measure).
 *
 * @module
 */
const on = (() => {
  try {
    return Boolean(Deno.env.get("PODTRAIL_TRACE"));
  } catch {
    return false;
  }
})();

/** Runs `fn`, printing how long it took when tracing is on. */
export async function traced<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!on) return await fn();
  const start = performance.now();
  try {
    return await fn();
  } finally {
    console.error(`[trace] ${name}: ${((performance.now() - start) / 1000).toFixed(3)} s`);
  }
}
