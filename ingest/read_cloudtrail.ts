/**
 * The SQL that reads CloudTrail files with DuckDB's JSON reader and types each
 * record for the lake. Each shape has its own reader; all of them yield rows
 * of `(_file_id, _record, j JSON, _item_error, _raw)` that
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

/**
 * The first, lenient transform of a record: scalars as text (a number where a
 * string belongs is kept as its text), objects as JSON, userIdentity as JSON
 * (typed in a second, small step so its unknown keys can be found).
 */
const READ_STRUCTURE = sqlString(JSON.stringify(Object.fromEntries(
  FIELDS.map((f) => [f.name, f.read === "JSON" || f.name === "userIdentity" ? "JSON" : "VARCHAR"]),
)));

function fieldExpr(name: string, lake: string): string {
  const v = `x."${name}"`;
  if (name === "userIdentity") {
    return `CASE WHEN json_type(${v}) = 'OBJECT' THEN json_transform(${v}, ${
      sqlString(JSON.stringify(UI_STRUCTURE))
    }) END`;
  }
  if (lake === "BOOLEAN") return `TRY_CAST(${v} AS BOOLEAN)`;
  if (lake === "TIMESTAMPTZ") return `TRY_CAST(${v} AS TIMESTAMPTZ)`;
  if (lake === "JSON") return `CASE WHEN ${v} <> 'null' THEN ${v} END`;
  return v;
}

/** Known fields whose value could not be typed: their raw value goes to `extra`. */
const UNTYPED_KEYS = `list_concat(
    CASE WHEN x.readOnly IS NOT NULL AND TRY_CAST(x.readOnly AS BOOLEAN) IS NULL THEN ['readOnly'] ELSE [] END,
    CASE WHEN x.managementEvent IS NOT NULL AND TRY_CAST(x.managementEvent AS BOOLEAN) IS NULL
      THEN ['managementEvent'] ELSE [] END,
    CASE WHEN x.userIdentity IS NOT NULL AND x.userIdentity <> 'null' AND (json_type(x.userIdentity) <> 'OBJECT'
        OR len(list_filter(json_keys(x.userIdentity), k -> NOT list_contains(${
  list(UI_KEYS)
}, k))) > 0
        OR (json_type(x.userIdentity, '$.sessionContext') = 'OBJECT'
          AND len(list_filter(json_keys(x.userIdentity, '$.sessionContext'),
                k -> NOT list_contains(${list(SC_KEYS)}, k))) > 0))
      THEN ['userIdentity'] ELSE [] END)`;

/**
 * Wraps a reader's rows (`_file_id, _record, j JSON, _item_error, _raw`) into
 * staging rows: provenance, the typed fields, `extra` (fields the schema does
 * not know, and values that could not be typed), and for refused records the
 * reason and raw text.
 */
export function typedRecordsSql(inner: string): string {
  const fields = FIELDS.map((f) => `${fieldExpr(f.name, f.lake)} AS "${f.name}"`).join(",\n    ");
  return `SELECT * EXCLUDE (_raw, j, _keys),
    CASE WHEN len(_keys) > 0 THEN to_json(map_from_entries(list_transform(_keys, k -> {
      'key': k, 'value': json_extract(j, '/' || replace(replace(k, '~', '~0'), '/', '~1'))})))::JSON
    END AS extra,
    CASE WHEN _reject IS NOT NULL THEN coalesce(_raw, j::VARCHAR) END AS _raw
  FROM (SELECT _file_id, _record, j, _raw,
    ${fields},
    CASE WHEN x IS NOT NULL THEN list_concat(
      list_filter(json_keys(j), k -> NOT list_contains(${
    list(FIELD_NAMES)
  }, k)), ${UNTYPED_KEYS}) END AS _keys,
    CASE WHEN x IS NOT NULL AND x.eventID IS NULL THEN sha256(j::VARCHAR) END AS _content_hash,
    CASE
      WHEN _item_error IS NOT NULL THEN _item_error
      WHEN x IS NULL THEN 'record is not a JSON object'
      WHEN x.eventName IS NULL AND x.eventSource IS NULL THEN 'not a CloudTrail record: no eventSource or eventName'
      WHEN x.eventTime IS NOT NULL AND TRY_CAST(x.eventTime AS TIMESTAMPTZ) IS NULL
        THEN 'eventTime is not a time: ' || to_json(left(x.eventTime, 80))
    END AS _reject
  FROM (SELECT *, CASE WHEN json_type(j) = 'OBJECT' THEN json_transform(j, ${READ_STRUCTURE}) END AS x
        FROM (${inner})))`;
}

/** `read_json` options shared by every reader. */
function readOptions(format: Container, maxObjectSize: number): string {
  const f = format === "array"
    ? "array"
    : format === "lines"
    ? "newline_delimited"
    : "unstructured";
  return `format = '${f}', maximum_object_size = ${Math.trunc(maxObjectSize)}`;
}

/**
 * Reader for many `{"Records":[…]}` files at once (the S3 delivery shape):
 * `$1` is the list of paths; each file's id comes from the temp table `_files`.
 * `_record` is the index in the file's Records array.
 */
export function recordsBatchSql(format: Container, maxObjectSize: number): string {
  return typedRecordsSql(
    `SELECT f.file_id AS _file_id, u._record, u.j, NULL::VARCHAR AS _item_error,
      NULL::VARCHAR AS _raw
    FROM (
      SELECT filename, unnest(Records) AS j, unnest(range(len(Records))) AS _record
      FROM read_json($1, columns = {Records: 'JSON[]'}, filename = true,
        ${readOptions(format, maxObjectSize)})
    ) u JOIN _files f ON f.path = u.filename`,
  );
}

/** Checks a batch's staging rows: files whose `_record` repeats held more than one object. */
export const MULTI_OBJECT_FILES_SQL =
  `SELECT DISTINCT _file_id FROM read_parquet($1) GROUP BY _file_id, _record HAVING count(*) > 1`;

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
      x.rec AS j,
      x.err AS _item_error,
      x.rec::VARCHAR AS _raw
    FROM (${rows})`);
}
