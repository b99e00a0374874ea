/**
 * The SQL that reads CloudTrail files with DuckDB's JSON reader and types each
 * record for the lake. Each shape has its own reader; all of them yield rows
 * of `(_file_id, _record, r MAP(VARCHAR, JSON), _item_error, _raw)` that
 * {@linkcode typedRecordsSql} turns into lake columns, a reject reason, and
 * `extra` (every field the schema does not know, or could not type).
 *
 * File paths and ids are bound parameters; the SQL text holds only names of
 * our own.
 *
 * @module
 */
import type { Container } from "./_sniff.ts";
import { FIELD_NAMES, FIELDS } from "./schema.ts";
import { list, sqlString, uiShape, uiUntyped } from "./_user_identity.ts";

/** A JSON value as text: a plain string without escapes is cut out, anything else goes through the JSON parser. */
const text = (v: string) =>
  `CASE WHEN starts_with(${v}, '"') AND NOT contains(${v}, '\\') THEN ${v}[2:-2] ELSE ${v}->>'$' END`;

/**
 * Text as a time: text that starts with a four-digit year, then DuckDB's cast
 * (ISO-8601, CloudTrail Lake's `2025-03-26 16:43:57.000000000`, offsets).
 * DuckDB's own words (`infinity`, `epoch`) and years outside 0000-9999 are
 * not times.
 */
export const timeOfText = (t: string) =>
  `CASE WHEN regexp_matches(${t}, '^\\s*\\d{4}-\\d{2}-\\d{2}') THEN TRY_CAST(${t} AS TIMESTAMPTZ) END`;
/** A JSON value as a time (see {@linkcode timeOfText}). */
const timeValue = (v: string) => timeOfText(text(v));
/** A JSON value as a boolean: `true`/`false` or those words as strings; never a number. */
export const boolValue = (v: string) =>
  `CASE lower(${v}) WHEN 'true' THEN true WHEN '"true"' THEN true WHEN 'false' THEN false WHEN '"false"' THEN false END`;

function fieldExpr(name: string, lake: string, read: string): string {
  const v = `r['${name}']`;
  if (name === "userIdentity") return "_ui";
  if (read === "JSON") return `CASE WHEN ${v} <> 'null' THEN ${v} END`;
  if (lake === "BOOLEAN") return boolValue(v);
  if (lake === "TIMESTAMPTZ") return timeValue(v);
  return text(v);
}

// Set checks (list_has_all) on constant lists are cheap; a lambda that
// mentions a list literal builds that list for every element, so lambdas run
// only on the rare records that do carry something unknown.
const KNOWN = list(FIELD_NAMES);
const boolUntyped = (k: string) =>
  `(r['${k}'] IS NOT NULL AND r['${k}'] <> 'null' AND ${boolValue(`r['${k}']`)} IS NULL)`;
const HAS_EXTRA = `(NOT list_has_all(${KNOWN}, map_keys(r)) OR ${boolUntyped("readOnly")}
  OR ${boolUntyped("managementEvent")} OR _ui_untyped)`;
/** The entries `extra` keeps: unknown fields, and known ones whose value could not be typed. */
const EXTRA = `to_json(map_from_entries(list_filter(map_entries(r), e ->
    NOT list_contains(${KNOWN}, e.key)
    OR (e.key = 'readOnly' AND ${boolUntyped("readOnly")})
    OR (e.key = 'managementEvent' AND ${boolUntyped("managementEvent")})
    OR (e.key = 'userIdentity' AND _ui_untyped))))::JSON`;

/** The keys that occur more than once in a list of keys (lambdas: only for the rare rows that have one). */
const repeated = (keys: string) =>
  `list_distinct(list_filter(${keys}, k -> len(list_filter(${keys}, x -> x = k)) > 1))`;
/**
 * Whether a key occurs twice in the record: which value is the event's is
 * then a guess (DuckDB takes the first, most JSON tools the last), so the
 * record is rejected with its raw text, both values in it. (One set count per
 * record; a key repeated inside userIdentity is kept with the whole value in
 * `extra`.)
 */
const HAS_DUPLICATE = `cardinality(r) > list_unique(map_keys(r))`;

/**
 * Wraps a reader's rows (`_file_id, _record, r MAP(VARCHAR, JSON), _item_error,
 * _raw`) into staging rows: provenance, the typed fields, `extra` (fields the schema
 * does not know, and values that could not be typed), and for refused records
 * the reason and raw text.
 */
export function typedRecordsSql(inner: string): string {
  const fields = FIELDS.map((f) =>
    `${f.name === "eventTime" ? "_time" : fieldExpr(f.name, f.lake, f.read)} AS "${f.name}"`
  ).join(",\n    ");
  // Values used twice are computed once, a layer below.
  const shared = `${uiShape("r['userIdentity']")}, ${timeValue(`r['eventTime']`)} AS _time,
      ${HAS_DUPLICATE} AS _dup`;
  return `SELECT * EXCLUDE (_raw, r, _ui_untyped, _ui_keys, _ui_types, _ui, _time, _dup),
    CASE WHEN _reject IS NOT NULL THEN coalesce(_raw, to_json(r)::VARCHAR) END AS _raw
  FROM (SELECT _file_id, _record, r, _raw, _ui_untyped, _ui_keys, _ui_types, _ui, _time, _dup,
    ${fields},
    CASE WHEN r IS NOT NULL AND ${HAS_EXTRA} AND NOT _dup THEN ${EXTRA} END AS extra,
    CASE WHEN r IS NOT NULL AND r['eventID'] IS NULL THEN sha256(to_json(r)) END AS _content_hash,
    CASE
      WHEN _item_error IS NOT NULL THEN _item_error
      WHEN r IS NULL THEN 'record is not a JSON object'
      WHEN r['eventName'] IS NULL AND r['eventSource'] IS NULL THEN 'not a CloudTrail record: no eventSource or eventName'
      WHEN _dup THEN 'duplicate key (' || array_to_string(${
    repeated("map_keys(r)")
  }, ', ') || '): which value is the event''s is ambiguous'
      WHEN r['eventTime'] IS NOT NULL AND r['eventTime'] <> 'null' AND _time IS NULL
        THEN 'eventTime is not a time: ' || left(r['eventTime']::VARCHAR, 80)
    END AS _reject
  FROM (SELECT *, ${uiUntyped("r['userIdentity']")} AS _ui_untyped
    FROM (SELECT *, ${shared} FROM (${inner}))))`;
}

/** `read_json` options shared by every reader. */
export function readOptions(format: Container, maxObjectSize: number): string {
  const f = format === "array"
    ? "array"
    : format === "lines"
    ? "newline_delimited"
    : "unstructured";
  // Never Hive partitions: a folder named `json=x` or `Records=x` must not replace a column.
  return `format = '${f}', maximum_object_size = ${
    Math.trunc(maxObjectSize)
  }, hive_partitioning = false`;
}

/**
 * Reader for many `{"Records":[…]}` files at once (the S3 delivery shape):
 * `$1` is the list of paths, `$2` their file ids (the same positions).
 * `_record` is the index in the file's Records array. Each file is read as one
 * JSON value and typed by `from_json_strict`, which fails the read on anything
 * but a Records array of objects, so such a file is read on its own.
 * (`read_json`'s own typing has no strict mode, and its schema auto-detection
 * recursed on a value nested a few thousand levels deep until the stack
 * overflowed and the process aborted.)
 */
export function recordsBatchSql(format: Container, maxObjectSize: number): string {
  // The id by position in $1: a join on the path would hold the files' text in its hash table.
  return typedRecordsSql(
    `SELECT _file_id, unnest(t.Records) AS r, unnest(range(len(t.Records))) AS _record,
      NULL::VARCHAR AS _item_error, NULL::VARCHAR AS _raw
    FROM (
      SELECT list_extract($2::INTEGER[], list_position($1, filename)) AS _file_id,
        from_json_strict(json, '{"Records": "MAP(VARCHAR, JSON)[]"}') AS t
      FROM read_json($1, records = false, columns = {json: 'JSON'}, filename = true,
        ${readOptions(format, maxObjectSize)}))`,
  );
}

/** Checks a batch's staging rows: files whose `_record` repeats held more than one object. */
export const MULTI_OBJECT_FILES_SQL =
  `SELECT DISTINCT _file_id FROM read_parquet($1, hive_partitioning = false) GROUP BY _file_id, _record HAVING count(*) > 1`;

/**
 * Reader for one file of any shape: the variables `read_path` and `file_id` name it.
 * Each top-level item (object, array element or line) is expanded by its own
 * wrapper, so a file may mix shapes. `_record` is the 0-based ordinal of the
 * record in the file. `salvageKey` reads a copy written by `salvageFile`.
 */
export function singleFileSql(
  format: Container,
  maxObjectSize: number,
  salvageKey?: string,
): string {
  // Items in file order: a streaming row_number() over a single-file scan.
  const items = `SELECT row_number() OVER () AS _item, json AS j
    FROM read_json(getvariable('read_path'), records = false, columns = {json: 'JSON'}, ${
    readOptions(format, maxObjectSize)
  })`;
  // Each item becomes a list of (record JSON text, error) pairs.
  // A salvaged file's marker: a record that was not JSON text, refused with its reason (`_salvage.ts`).
  const marker = salvageKey === undefined
    ? ""
    : `WHEN json_type(j, ${
      sqlString(`$."${salvageKey}"`)
    }) = 'VARCHAR' THEN [{'rec': j->'raw', 'err': j->>${sqlString(`$."${salvageKey}"`)}}]
      `;
  const expanded = `SELECT _item, CASE
      ${marker}WHEN len(json_keys(j)) > len(list_distinct(json_keys(j)))
        AND json_type(j, '$.eventName') IS NULL AND json_type(j, '$.eventSource') IS NULL THEN
        [{'rec': j, 'err': 'duplicate key in the envelope (' || array_to_string(${
    repeated("json_keys(j)")
  }, ', ') || '): which records are the file''s is ambiguous'}]
      WHEN json_type(j, '$.Records') = 'ARRAY' THEN
        list_transform(CAST(j->'Records' AS JSON[]), x -> {'rec': x, 'err': NULL::VARCHAR})
      WHEN json_type(j, '$.Events') = 'ARRAY' THEN
        list_transform(CAST(j->'Events' AS JSON[]), x -> CASE
          WHEN json_valid(x->>'CloudTrailEvent') THEN {'rec': (x->>'CloudTrailEvent')::JSON, 'err': NULL::VARCHAR}
          ELSE {'rec': x, 'err': 'CloudTrailEvent is missing or not valid JSON'} END)
      WHEN json_type(j, '$.detail') = 'OBJECT' AND (j->>'$."detail-type"') IS NOT NULL THEN
        [{'rec': j->'detail', 'err': NULL::VARCHAR}]
      WHEN json_type(j, '$.event.original') = 'VARCHAR' THEN CASE
        WHEN json_valid(j->>'$.event.original') THEN [{'rec': (j->>'$.event.original')::JSON, 'err': NULL::VARCHAR}]
        ELSE [{'rec': j, 'err': 'event.original is not valid JSON'}] END
      WHEN json_type(j, '$.Records') IS NOT NULL THEN [{'rec': j, 'err': 'Records is not an array'}]
      ELSE [{'rec': j, 'err': NULL::VARCHAR}]
    END AS recs FROM (${items})`;
  const rows = `SELECT _item, unnest(recs) AS x, unnest(range(len(recs))) AS _i FROM (${expanded})`;
  const records = `SELECT getvariable('file_id')::INTEGER AS _file_id,
      row_number() OVER (ORDER BY _item, _i) - 1 AS _record,
      TRY_CAST(x.rec AS MAP(VARCHAR, JSON)) AS r,
      x.err AS _item_error,
      ${
    // A marker's record text is a JSON string: kept as the text it holds.
    salvageKey === undefined
      ? "x.rec::VARCHAR"
      : "CASE WHEN json_type(x.rec) = 'VARCHAR' THEN x.rec->>'$' ELSE x.rec::VARCHAR END"} AS _raw
    FROM (${rows})`;
  return typedRecordsSql(records);
}
