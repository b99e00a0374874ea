/**
 * `benchHunt()`: times one `hunt()` over a lake, as the project's bench script
 * reports it (the target: under 2 s for 10M events on 2 cores).
 *
 * @module
 */
import { hunt } from "./hunt.ts";

/**
 * Runs `hunt()` once over `lake` with 2 DuckDB threads and returns the wall
 * time in seconds and the number of findings (default minimum severity).
 *
 * @example
 * ```ts ignore
 * import { benchHunt } from "./hunt_bench.ts";
 * const { seconds, findings } = await benchHunt("./big-lake");
 * console.log(`hunt: ${seconds.toFixed(2)} s, ${findings} findings`);
 * ```
 */
export async function benchHunt(lake: string): Promise<{ seconds: number; findings: number }> {
  const started = performance.now();
  const findings = await hunt({ lake, threads: 2 });
  return { seconds: (performance.now() - started) / 1000, findings: findings.length };
}
