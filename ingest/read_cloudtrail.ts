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
import { FIELD_NAMES, FIELDS, USER_IDENTITY_TYPE } from "./schema.ts";

/** Parses a DuckDB STRUCT type string into `json_transform`'s structure form. */
export function structureOf(type: string): unknown {
  const t = type.trim();
  if (!t.startsWith("STRUCT(")) return t;
  const body = t.slice(7, -1);
  const out: Record<string, unknown> = {};
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  for (const part of parts) {
    const m = part.trim().match(/^"?([A-Za-z0-9_]+)"?\s+([\s\S]+)$/);
    if (!m) throw new Error(`Bad struct member: ${part}`);
    out[m[1]] = structureOf(m[2]);
  }
  return out;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const list = (xs: Iterable<string>) => `[${[...xs].map(sqlString).join(", ")}]`;
const UI_STRUCTURE = structureOf(USER_IDENTITY_TYPE) as Record<string, unknown>;
const UI_KEYS = Object.keys(UI_STRUCTURE);
const SC_KEYS = Object.keys(UI_STRUCTURE.sessionContext as object);

/** A JSON value as text: a plain string without escapes is cut out, anything else goes through the JSON parser. */
const text = (v: string) =>
  `CASE WHEN starts_with(${v}, '"') AND NOT contains(${v}, '\\') THEN ${v}[2:-2] ELSE ${v}->>'$' END`;

/**
 * A JSON value as a time: text that starts with a four-digit year, then
 * DuckDB's cast (ISO-8601, CloudTrail Lake's `2025-03-26 16:43:57.000000000`,
 * offsets). DuckDB's own words (`infinity`, `epoch`) and years outside
 * 0000-9999 are not times.
 */
const timeValue = (v: string) =>
  `CASE WHEN regexp_matches(${text(v)}, '^\\s*\\d{4}-\\d{2}-\\d{2}') THEN TRY_CAST(${
    text(v)
  } AS TIMESTAMPTZ) END`;
/** A JSON value as a boolean: `true`/`false` or those words as strings; never a number. */
const boolValue = (v: string) =>
  `CASE lower(${v}) WHEN 'true' THEN true WHEN '"true"' THEN true WHEN 'false' THEN false WHEN '"false"' THEN false END`;

function fieldExpr(name: string, lake: string, read: string): string {
  const v = `r['${name}']`;
  if (name === "userIdentity") {
    return `CASE WHEN json_type(${v}) = 'OBJECT' THEN json_transform(${v}, ${
      sqlString(JSON.stringify(UI_STRUCTURE))
    }) END`;
  }
  if (read === "JSON") return `CASE WHEN ${v} <> 'null' THEN ${v} END`;
  if (lake === "BOOLEAN") return boolValue(v);
  if (lake === "TIMESTAMPTZ") return timeValue(v);
  return text(v);
}

// Set checks (list_has_all) on constant lists are cheap; a lambda that
// mentions a list literal builds that list for every element, so lambdas run
// only on the rare records that do carry something unknown.
const KNOWN = list(FIELD_NAMES);
const uiValue = `r['userIdentity']`;
const UI_UNTYPED =
  `(${uiValue} IS NOT NULL AND ${uiValue} <> 'null' AND (json_type(${uiValue}) <> 'OBJECT'
    OR NOT list_has_all(${list(UI_KEYS)}, json_keys(${uiValue}))
    OR (json_type(${uiValue}, '$.sessionContext') = 'OBJECT'
      AND NOT list_has_all(${list(SC_KEYS)}, json_keys(${uiValue}, '$.sessionContext')))))`;
const boolUntyped = (k: string) =>
  `(r['${k}'] IS NOT NULL AND r['${k}'] <> 'null' AND ${boolValue(`r['${k}']`)} IS NULL)`;
const HAS_EXTRA = `(NOT list_has_all(${KNOWN}, map_keys(r)) OR ${boolUntyped("readOnly")}
  OR ${boolUntyped("managementEvent")} OR ${UI_UNTYPED})`;
/** The entries `extra` keeps: unknown fields, and known ones whose value could not be typed. */
const EXTRA = `to_json(map_from_entries(list_filter(map_entries(r), e ->
    NOT list_contains(${KNOWN}, e.key)
    OR (e.key = 'readOnly' AND ${boolUntyped("readOnly")})
    OR (e.key = 'managementEvent' AND ${boolUntyped("managementEvent")})
    OR (e.key = 'userIdentity' AND ${UI_UNTYPED}))))::JSON`;

/** The keys that occur more than once in a list of keys (lambdas: only for the rare rows that have one). */
const repeated = (keys: string) =>
  `list_distinct(list_filter(${keys}, k -> len(list_filter(${keys}, x -> x = k)) > 1))`;
/**
 * Whether a key occurs twice in the record: which value is the event's is
 * then a guess (DuckDB takes the first, most JSON tools the last), so the
 * record is rejected with its raw text, both values in it. (One set count per
 * record; keys repeated inside userIdentity are not looked for: that costs a
 * JSON parse per record.)
 */
const HAS_DUPLICATE = `cardinality(r) > list_unique(map_keys(r))`;

/**
 * Wraps a reader's rows (`_file_id, _record, r MAP(VARCHAR, JSON), _item_error,
 * _raw`) into staging rows: provenance, the typed fields, `extra` (fields the
 * schema does not know, and values that could not be typed), and for refused
 * records the reason and raw text.
 */
export function typedRecordsSql(inner: string): string {
  const fields = FIELDS.map((f) => `${fieldExpr(f.name, f.lake, f.read)} AS "${f.name}"`).join(
    ",\n    ",
  );
  return `SELECT * EXCLUDE (_raw, r),
    CASE WHEN _reject IS NOT NULL THEN coalesce(_raw, to_json(r)::VARCHAR) END AS _raw
  FROM (SELECT _file_id, _record, r, _raw,
    ${fields},
    CASE WHEN r IS NOT NULL AND ${HAS_EXTRA} AND cardinality(r) = list_unique(map_keys(r))
      THEN ${EXTRA} END AS extra,
    CASE WHEN r IS NOT NULL AND r['eventID'] IS NULL THEN sha256(to_json(r)) END AS _content_hash,
    CASE
      WHEN _item_error IS NOT NULL THEN _item_error
      WHEN r IS NULL THEN 'record is not a JSON object'
      WHEN r['eventName'] IS NULL AND r['eventSource'] IS NULL THEN 'not a CloudTrail record: no eventSource or eventName'
      WHEN ${HAS_DUPLICATE} THEN 'duplicate key (' || array_to_string(${
    repeated("map_keys(r)")
  }, ', ') || '): which value is the event''s is ambiguous'
      WHEN r['eventTime'] IS NOT NULL AND r['eventTime'] <> 'null' AND ${
    timeValue(`r['eventTime']`)
  } IS NULL
        THEN 'eventTime is not a time: ' || left(r['eventTime']::VARCHAR, 80)
    END AS _reject
  FROM (${inner}))`;
}

/** `read_json` options shared by every reader. */
function readOptions(format: Container, maxObjectSize: number): string {
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
 * `$1` is the list of paths; each file's id comes from the temp table `_files`.
 * `_record` is the index in the file's Records array. Each file is read as one
 * JSON value and typed by `from_json_strict`: `read_json`'s own typing of
 * nested values recurses, and a value nested a few thousand levels deep
 * overflowed the stack and aborted the process. Strict typing fails the read on
 * anything but a Records array of objects, so such a file is read on its own.
 */
export function recordsBatchSql(format: Container, maxObjectSize: number): string {
  return typedRecordsSql(
    `SELECT f.file_id AS _file_id, u._record, u.r, NULL::VARCHAR AS _item_error,
      NULL::VARCHAR AS _raw
    FROM (
      SELECT filename, unnest(t.Records) AS r, unnest(range(len(t.Records))) AS _record
      FROM (
        SELECT filename, from_json_strict(json, '{"Records": "MAP(VARCHAR, JSON)[]"}') AS t
        FROM read_json($1, records = false, columns = {json: 'JSON'}, filename = true,
          ${readOptions(format, maxObjectSize)}))
    ) u JOIN _files f ON f.path = u.filename`,
  );
}

/** Checks a batch's staging rows: files whose `_record` repeats held more than one object. */
export const MULTI_OBJECT_FILES_SQL =
  `SELECT DISTINCT _file_id FROM read_parquet($1, hive_partitioning = false) GROUP BY _file_id, _record HAVING count(*) > 1`;

/**
 * Reader for one file of any shape: the variables `read_path` and `file_id` name it.
 * Each top-level item (object, array element or line) is expanded by its own
 * wrapper, so a file may mix shapes. `_record` is the 0-based ordinal of the
 * record in the file.
 */
export function singleFileSql(format: Container, maxObjectSize: number): string {
  // Items in file order: a streaming row_number() over a single-file scan.
  const items = `SELECT row_number() OVER () AS _item, json AS j
    FROM read_json(getvariable('read_path'), records = false, columns = {json: 'JSON'}, ${
    readOptions(format, maxObjectSize)
  })`;
  // Each item becomes a list of (record JSON text, error) pairs.
  const expanded = `SELECT _item, CASE
      WHEN len(json_keys(j)) > len(list_distinct(json_keys(j)))
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
  return typedRecordsSql(`SELECT getvariable('file_id')::INTEGER AS _file_id,
      row_number() OVER (ORDER BY _item, _i) - 1 AS _record,
      TRY_CAST(x.rec AS MAP(VARCHAR, JSON)) AS r,
      x.err AS _item_error,
      x.rec::VARCHAR AS _raw
    FROM (${rows})`);
}
