/**
 * Test helper: the fixtures of `queries/fixtures/` ingested once per test
 * process into a temporary lake (removed when the process ends).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { ingest } from "../ingest/ingest.ts";

/** The folder of the CloudTrail fixture cases. */
export const FIXTURES = fileURLToPath(new URL("../queries/fixtures/", import.meta.url));

let lake: Promise<string> | undefined;
const made: string[] = [];

globalThis.addEventListener("unload", () => {
  for (const dir of made) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // already gone
    }
  }
});

/** A temporary folder removed when the process ends. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  made.push(dir);
  return dir;
}

/** Ingests `inputs` into a new temporary lake and returns its folder. */
export async function lakeOf(inputs: string[]): Promise<string> {
  const dir = `${await tempDir("podtrail-hunt-test-")}/lake`;
  const summary = await ingest({ inputs, lake: dir });
  if (summary.records.rejected > 0 || summary.files.failed > 0) {
    throw new Error(`fixtures did not ingest cleanly: ${JSON.stringify(summary.problems)}`);
  }
  return dir;
}

/** The lake of every fixture case (built on first use). */
export function fixtureLake(): Promise<string> {
  lake ??= lakeOf([FIXTURES]);
  return lake;
}
