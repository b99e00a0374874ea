/**
 * `ingest()` with a small batch size, run as a subprocess by the kill tests so
 * that one run commits several batches (the CLI's batches are 2 GiB).
 * Usage: `_ingest_driver.ts <batchBytes> <lake> <input>...`; exits 0, or 3
 * when something was rejected.
 *
 * @module
 */
import { hasRejects, ingest } from "../../ingest/ingest.ts";

if (import.meta.main) {
  const [batchBytes, lake, ...inputs] = Deno.args;
  const summary = await ingest({ inputs, lake, batchBytes: Number(batchBytes), threads: 2 });
  Deno.exit(hasRejects(summary) ? 3 : 0);
}
