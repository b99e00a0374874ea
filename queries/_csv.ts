/**
 * A small RFC 4180 CSV reader for podtrail's data files (the action catalog,
 * `--actions` and `--allow` files): a header row, quoted fields, and `#`
 * comment lines.
 *
 * @module
 */
import { InputSyntaxError } from "../errors.ts";

/** One data row: values by header name, and the 1-based line it starts on. */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

/** Splits `text` into records of fields; `#` lines and blank lines are skipped. */
function records(text: string, file: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    // Comment or blank line.
    if (text[i] === "#" || text[i] === "\n" || (text[i] === "\r" && text[i + 1] === "\n")) {
      while (i < n && text[i] !== "\n") i++;
      i++;
      line++;
      continue;
    }
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    let atFieldStart = true;
    while (i < n) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (c === '"') {
          quoted = false;
          i++;
          if (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
            throw new InputSyntaxError(file, `line ${line}: text after a closing quote`, {
              position: line,
            });
          }
        } else {
          if (c === "\n") line++;
          field += c;
          i++;
        }
      } else if (c === '"' && (atFieldStart || field.trim() === "")) {
        // An opening quote, possibly after spaces (which are dropped).
        quoted = true;
        atFieldStart = false;
        field = "";
        i++;
      } else if (c === ",") {
        fields.push(field);
        field = "";
        atFieldStart = true;
        i++;
      } else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
        i += c === "\r" ? 2 : 1;
        line++;
        break;
      } else {
        field += c;
        atFieldStart = false;
        i++;
      }
    }
    if (quoted) {
      throw new InputSyntaxError(file, `line ${start}: unterminated quoted field`, {
        position: start,
      });
    }
    fields.push(field);
    out.push({ line: start, fields });
  }
  return out;
}

/**
 * Parses CSV `text` with a header row that must name every column of
 * `required` (others are allowed in `optional`); values are trimmed.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./_csv.ts";
 * const rows = parseCsv("a,b\n# note\n1,\"x,y\"\n", "t.csv", ["a", "b"]);
 * console.assert(rows[0].values.b === "x,y");
 * ```
 */
export function parseCsv(
  text: string,
  file: string,
  required: readonly string[],
  optional: readonly string[] = [],
): CsvRow[] {
  const recs = records(text.replace(/^\uFEFF/, ""), file);
  if (recs.length === 0) {
    throw new InputSyntaxError(file, `no header row (expected: ${required.join(",")})`);
  }
  const header = recs[0].fields.map((h) => h.trim());
  for (const name of required) {
    if (!header.includes(name)) {
      throw new InputSyntaxError(
        file,
        `line ${recs[0].line}: the header lacks column "${name}" (expected: ${
          [...required, ...optional].join(",")
        })`,
        { position: recs[0].line },
      );
    }
  }
  for (const name of header) {
    if (!required.includes(name) && !optional.includes(name)) {
      throw new InputSyntaxError(file, `line ${recs[0].line}: unknown column "${name}"`, {
        position: recs[0].line,
      });
    }
  }
  return recs.slice(1).map((r) => {
    if (r.fields.length !== header.length) {
      throw new InputSyntaxError(
        file,
        `line ${r.line}: ${r.fields.length} fields where the header has ${header.length}`,
        { position: r.line },
      );
    }
    return {
      line: r.line,
      values: Object.fromEntries(header.map((h, i) => [h, r.fields[i].trim()])),
    };
  });
}
