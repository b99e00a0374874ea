/**
 * Builds a bigger lake for the hunt benchmark by copying a lake's events
 * `copies` times with distinct credentials and event ids per copy (each copy
 * is the same estate's activity under other keys), plus its index and a manifest, so
 * `openLakeDb` and `hunt` read it as any lake.
 *
 * @module
 */
import { join } from "node:path";
import { openEngine, runBound } from "../ingest/_duckdb.ts";
import { walkFiles } from "../ingest/_walk.ts";
import { commitBatch, createLake, readBatches } from "../ingest/lake.ts";
import { writeLakeIndex } from "../ingest/_lake_index.ts";
import { VERSION } from "../version.ts";

/** Copies the events of `source` into a new lake at `target`, `copies` times. */
export async function scaleLake(source: string, target: string, copies: number): Promise<number> {
  const from = await createLake(source);
  const files = (await readBatches(from)).flatMap((b) =>
    b.dataFiles.map((f) => join(from.root, f))
  );
  await Deno.remove(target, { recursive: true }).catch(() => {});
  const to = await createLake(target);
  const engine = await openEngine({ memoryLimit: "2GB" });
  let rows = 0;
  let indexFiles: string[] = [];
  try {
    for (let i = 0; i < copies; i++) {
      // Copy i's keys are ASIA<i>…: the issuance (responseElements) and the calls agree.
      const result = await runBound(
        engine.conn,
        `COPY (
          SELECT * REPLACE (
            CASE WHEN $3 = 0 THEN userIdentity ELSE struct_update(userIdentity,
              accessKeyId := replace(userIdentity.accessKeyId, 'ASIA', 'ASIA' || $3)) END AS userIdentity,
            CASE WHEN $3 = 0 THEN responseElements
              ELSE replace(responseElements::VARCHAR, '"ASIA', '"ASIA' || $3)::JSON END AS responseElements,
            eventID || '-' || $3 AS eventID)
          FROM read_parquet($1, hive_partitioning = true, hive_types = {'day': VARCHAR})
        ) TO $2 (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (day), APPEND, FILENAME_PATTERN 'copy${i}_{uuid}')`,
        [files, join(to.events), i],
      );
      rows += Number(result.getRowsJson()[0][0]);
    }
    // The index of the copies, as ingest writes it for each batch.
    const copied: string[] = [];
    for await (const f of walkFiles(to.events)) copied.push(f);
    indexFiles = await writeLakeIndex(engine.conn, copied, to.root, "bench-scaled");
  } finally {
    engine.close();
  }
  const dataFiles: string[] = [];
  for await (const f of walkFiles(to.events)) dataFiles.push(f.slice(to.root.length + 1));
  const now = new Date().toISOString();
  await commitBatch(to, {
    id: "bench-scaled",
    startedAt: now,
    finishedAt: now,
    podtrailVersion: VERSION,
    duckdbVersion: "",
    command: ["bench", "scaleLake", source, String(copies)],
    dataFiles: dataFiles.sort(),
    indexFiles,
    rejectsFile: null,
    files: [],
  });
  return rows;
}
