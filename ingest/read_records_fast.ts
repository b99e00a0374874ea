/**
 * The fast reader for `{"Records":[…]}` files (S3 delivery: nearly all of an
 * investigation's bytes). It writes the lake's own event rows in one pass, so
 * a part whose rows are all kept becomes a lake file as it is.
 *
 * Each file is read as one JSON value and parsed three times by `from_json`
 * (the key maps need the file's text, so `read_json`'s own typing cannot be
 * used; with its default auto-detection it also overflowed the stack on deep
 * values): once straight into the lake's read types, and twice into key maps
 * whose values are typed `NULL` (nothing is built for them): of each record,
 * and of its `userIdentity` and the objects below it. A record is *plain* when
 * counting proves that typing dropped nothing: its keys number its typed
 * fields plus its `null` ones, and the objects and keys in its userIdentity
 * number that STRUCT's typed objects and values. Each typed
 * value has its own known key, so the counts are equal only when no key is
 * unknown or repeated and no value was of a kind the type drops. Counting
 * costs a few additions per record; set tests on key lists, or looking keys up
 * in the maps, cost more than the whole read (measured on the benchmark).
 *
 * A record that is not plain (an unknown or repeated key, a `null` where the
 * count cannot tell it from absence, a value of the wrong kind, no eventID, a
 * reason to reject it) or a file whose `Records` is not an array gets a NULL
 * `_batch` ({@linkcode NEEDS_FULL_READER_SQL} finds its file), and its file
 * is read again by the full reader (`recordsBatchSql`), which keeps every
 * value in `extra` or the rejects. A plain record's row is the one the full
 * reader writes (`read_records_fast_test.ts` compares both readers).
 *
 * @module
 */
import type { Container } from "./_sniff.ts";
import { FIELDS } from "./schema.ts";
import { boolValue, readOptions, timeOfText } from "./read_cloudtrail.ts";
import {
  sqlString,
  type Structure,
  UI_LEAF_PATHS,
  UI_OBJECT_PATHS,
  UI_STRUCTURE as UI,
} from "./_user_identity.ts";

/** The records in the lake's read types; `userIdentity` typed as the lake's STRUCT. */
const TYPED = JSON.stringify({
  Records: [
    Object.fromEntries(FIELDS.map((f) => [f.name, f.name === "userIdentity" ? UI : f.read])),
  ],
});

/** How many levels of objects `s` has (userIdentity → sessionContext → sessionIssuer: 3). */
const depth = (s: Structure | string): number =>
  typeof s === "object" ? 1 + Math.max(0, ...Object.values(s).map(depth)) : 0;
const keyMap = (levels: number): string =>
  levels === 0 ? `"NULL"` : `MAP(VARCHAR, ${keyMap(levels - 1)})`;
/**
 * Each record's keys, parsed strictly inside TRY: a file that repeats
 * `Records`, or holds something other than objects in it, gets NULL (the full
 * reader's envelope rules, the same strict parse). A map of the file's own
 * keys did this before, at the cost of copying the records' maps out of it.
 */
const KEYS = JSON.stringify({ Records: [keyMap(1)] });
/** The keys of each record's userIdentity and of the objects below it. */
const UI_KEYS = JSON.stringify({ Records: [{ userIdentity: keyMap(depth(UI)) }] });

const field = (root: string, path: string[]) => `${root}${path.map((k) => `."${k}"`).join("")}`;
/** How many of `terms` are not NULL (in UTINYINT: the counts stay below 64, and narrow adds are cheaper). */
const count = (terms: string[]) => terms.map((t) => `(${t} IS NOT NULL)::UTINYINT`).join(" + ");

/**
 * The objects and keys of a key map `m` of `levels` levels and of every map
 * below it, by a lambda per level: 1 for the map when its value was an
 * object, plus its keys, plus the same of each value (a value that is not an
 * object adds 0; a key not known, holding an object, adds its own).
 */
const nodes = (m: string, levels: number, v = 0): string => {
  const own = `(${m} IS NOT NULL)::INT + coalesce(cardinality(${m}), 0)`;
  if (levels === 1) return own;
  const below = nodes(`x${v}`, levels - 1, v + 1);
  // DOUBLE sums (exact for counts): list_sum of integers adds in HUGEINT, measurably slower.
  return `${own} + coalesce(list_sum(list_transform(map_values(${m}), x${v} -> (${below})::DOUBLE)), 0)`;
};
/**
 * The same of the typed userIdentity: 1 for it, 1 for each typed value, and
 * 2 for each typed object below it (its key and itself). A STRUCT typed from
 * an array or a string is not NULL but the key map is, so such a value is
 * told from an object.
 */
const UI_TYPED_COUNT = `(r.userIdentity IS NOT NULL)::UTINYINT + ${
  count(UI_LEAF_PATHS.map((p) => field("r.userIdentity", p)))
} + 2 * (${count(UI_OBJECT_PATHS.map((p) => field("r.userIdentity", p)))})`;

/** Fields that typing kept. userIdentity is NULL for a value that is not an object. */
const RECORD_TYPED_COUNT = count(FIELDS.map((f) => `r."${f.name}"`));
/**
 * The fields CloudTrail itself writes as `null`. Their typed value is NULL
 * whether the key holds `null` or is absent, so whether the key is there is
 * part of what the key map tells; a `null` in any other field makes the
 * record one for the full reader.
 */
const NULLABLE = ["requestParameters", "responseElements"];
const NULL_KEYS = NULLABLE.map((f) =>
  `(r."${f}" IS NULL AND map_contains(k, ${sqlString(f)}))::INT`
).join(" + ");

const untypedBool = (name: string) =>
  `coalesce((lower(r."${name}") NOT IN ('true', 'false'))::INT, 0)`;
/**
 * How many reasons the record has to be read by the full reader (a sum, not
 * an OR: DuckDB slices the wide record for each OR branch, measured slower).
 */
const NOT_PLAIN = `coalesce(CASE cardinality(k)::BIGINT - (${RECORD_TYPED_COUNT})
      WHEN 0 THEN 0 WHEN 1 THEN (1 <> ${NULL_KEYS})::INT WHEN 2 THEN (2 <> ${NULL_KEYS})::INT
      ELSE 1 END, 1)
    + (r.eventID IS NULL)::INT
    + (r.eventName IS NULL AND r.eventSource IS NULL)::INT
    + (r.eventTime IS NOT NULL AND _time IS NULL)::INT
    + ${untypedBool("readOnly")} + ${untypedBool("managementEvent")}
    + (u <> ${UI_TYPED_COUNT})::INT`;

function lakeValue(name: string, lake: string): string {
  if (lake === "BOOLEAN") return boolValue(`r."${name}"`);
  if (lake === "TIMESTAMPTZ") return "_time";
  return `r."${name}"`;
}

/**
 * Event rows in the lake's column order (the fields, `extra`, `_insight`,
 * `_source_file`, `_source_sha256`, `_record`, `_batch`, `_content_hash`) for
 * the files in `$1`, whose SHA-256 are the same positions of `$2`; `$3` is the
 * batch id. Rows to read again have a NULL `_batch`.
 */
export function fastRecordsSql(format: Container, maxObjectSize: number): string {
  // The file's hash by its position in $1 (a join would hold the files' text in its hash table).
  const files = `SELECT filename AS _source_file,
      list_extract($2::VARCHAR[], list_position($1, filename)) AS _source_sha256,
      from_json(json, ${sqlString(TYPED)}).Records AS rs,
      TRY(from_json_strict(json, ${sqlString(KEYS)})).Records AS ks,
      list_transform(from_json(json, ${sqlString(UI_KEYS)}).Records, x -> ${
    nodes("x.userIdentity", depth(UI))
  }) AS us
    FROM read_json($1, records = false, columns = {json: 'JSON'}, filename = true,
      ${readOptions(format, maxObjectSize)})`;
  // Unnests side by side pad the shorter lists with NULL: a file whose Records is not an array
  // gets one row from its _record list [-1] (r NULL), which marks it. (A coalesce(rs, [NULL])
  // here copied every file's records once more: 0.7 CPU seconds on the benchmark.)
  const records = `SELECT _source_file, _source_sha256,
      unnest(rs) AS r, unnest(ks) AS k, unnest(us) AS u,
      unnest(CASE WHEN rs IS NULL THEN [-1] ELSE range(len(rs)) END) AS _record
    FROM (${files})`;
  const fields = FIELDS.map((f) => `${lakeValue(f.name, f.lake)} AS "${f.name}"`).join(",\n    ");
  return `SELECT ${fields},
    NULL::JSON AS extra, r.eventType = 'AwsCloudTrailInsight' AS _insight,
    _source_file, _source_sha256, _record,
    CASE WHEN r IS NOT NULL AND k IS NOT NULL AND ${NOT_PLAIN} = 0 THEN $3::VARCHAR END AS _batch,
    NULL::VARCHAR AS _content_hash
  FROM (SELECT *, ${timeOfText("r.eventTime")} AS _time FROM (${records}))`;
}

/**
 * The files of a fast reader's output (`$1`) that must be read again: those
 * with a record that is not plain, and those whose record positions repeat
 * (a file of several Records objects restarts them).
 */
export const NEEDS_FULL_READER_SQL =
  `SELECT _source_file FROM read_parquet($1, hive_partitioning = false)
  GROUP BY _source_file HAVING bool_or(_batch IS NULL) OR count(*) > count(DISTINCT _record)`;
