/**
 * `parseSigma()`: Sigma rule YAML (one or several `---`-separated documents)
 * → {@linkcode SigmaRule} objects. Only the YAML and the document shape are
 * checked here; what a rule means is checked by `compileSigma()`.
 *
 * @module
 */
import { isMap, isScalar, LineCounter, parseAllDocuments } from "yaml";
import { InputSyntaxError } from "../errors.ts";

/** Unparsable Sigma YAML: carries the file, the byte offset, and the line and column (1-based). */
export class SigmaSyntaxError extends InputSyntaxError {
  /** 1-based line of the error, when known. */
  readonly line?: number;
  /** 1-based column of the error, when known. */
  readonly column?: number;
  /** Builds the error; `line`/`column` are appended to the message when known. */
  constructor(
    file: string,
    message: string,
    options?: { position?: number; line?: number; column?: number; cause?: unknown },
  ) {
    const where = options?.line ? ` at line ${options.line}, column ${options.column ?? 1}` : "";
    super(file, `${message}${where}`, options);
    this.name = "SigmaSyntaxError";
    this.line = options?.line;
    this.column = options?.column;
  }
}

/** What every kind of Sigma document has. */
export interface SigmaRuleBase {
  /** The file the rule came from (as given to {@linkcode parseSigma}). */
  file: string;
  /** 0-based index of the YAML document in the file. */
  document: number;
  /** 1-based line where the document starts. */
  line: number;
  /** `id`, when given. */
  id: string | null;
  /** `name` (the reference used by correlations), when given. */
  name: string | null;
  /** `title`, or `(untitled)`. */
  title: string;
  /** `level`, when given. */
  level: string | null;
  /** `status`, when given. */
  status: string | null;
  /** `tags`, or none. */
  tags: string[];
  /** The whole document as parsed. */
  raw: Record<string, unknown>;
}

/** A detection (base) rule: `logsource` and `detection`. */
export interface SigmaDetectionRule extends SigmaRuleBase {
  /** Discriminant: a detection (base) rule. */
  kind: "detection";
  /** `logsource`, as parsed. */
  logsource: Record<string, unknown>;
  /** Search identifiers and `condition`, as parsed. */
  detection: Record<string, unknown>;
}

/** A correlation rule: the `correlation` section as parsed (checked by the compiler). */
export interface SigmaCorrelationRule extends SigmaRuleBase {
  /** Discriminant: a correlation rule. */
  kind: "correlation";
  /** The `correlation` section, as parsed. */
  correlation: Record<string, unknown>;
}

/** A Sigma filter document (`filter:`); podtrail does not run these. */
export interface SigmaFilterRule extends SigmaRuleBase {
  /** Discriminant: a filter document. */
  kind: "filter";
}

/** One Sigma document. */
export type SigmaRule = SigmaDetectionRule | SigmaCorrelationRule | SigmaFilterRule;

const str = (v: unknown): string | null =>
  typeof v === "string" ? v : typeof v === "number" ? String(v) : null;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses the Sigma documents in `text`; `file` names the source in errors and
 * in the returned rules. Empty documents are skipped.
 *
 * @throws {SigmaSyntaxError} when the YAML is malformed, or a document is not a
 * mapping with `detection`, `correlation` or `filter`.
 *
 * @example
 * ```ts
 * import { parseSigma } from "./parse_sigma.ts";
 * import assert from "node:assert/strict";
 * const [rule] = parseSigma(
 *   "title: t\nlogsource: {product: aws}\ndetection: {sel: {eventName: X}, condition: sel}\n",
 *   "rule.yml",
 * );
 * assert.equal(rule.kind, "detection");
 * ```
 */
export function parseSigma(text: string, file: string): SigmaRule[] {
  if (typeof text !== "string") throw new TypeError("parseSigma() needs the YAML text");
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) {
    // An empty stream comes back as an EmptyStream object.
    return [];
  }
  const rules: SigmaRule[] = [];
  docs.forEach((doc, index) => {
    const error = doc.errors[0];
    if (error) {
      const pos = error.pos[0];
      const { line, col } = lineCounter.linePos(pos);
      throw new SigmaSyntaxError(
        file,
        error.message.split("\n")[0].replace(/ at line \d+.*$/, ""),
        {
          position: pos,
          line,
          column: col,
          cause: error,
        },
      );
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    const start = doc.contents.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(start);
    if (!isMap(doc.contents)) {
      throw new SigmaSyntaxError(file, `document ${index + 1} is not a mapping`, {
        position: start,
        line,
        column: col,
      });
    }
    const raw = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    const base: SigmaRuleBase = {
      file,
      document: index,
      line,
      id: str(raw.id),
      name: str(raw.name),
      title: str(raw.title) ?? "(untitled)",
      level: str(raw.level),
      status: str(raw.status),
      tags: Array.isArray(raw.tags) ? raw.tags.map(String) : [],
      raw,
    };
    if (isObject(raw.correlation)) {
      rules.push({ ...base, kind: "correlation", correlation: raw.correlation });
    } else if (isObject(raw.detection)) {
      rules.push({
        ...base,
        kind: "detection",
        logsource: isObject(raw.logsource) ? raw.logsource : {},
        detection: raw.detection,
      });
    } else if (isObject(raw.filter)) {
      rules.push({ ...base, kind: "filter" });
    } else {
      throw new SigmaSyntaxError(
        file,
        `document ${
          index + 1
        } is not a Sigma rule (no "detection", "correlation" or "filter" mapping)`,
        { position: start, line, column: col },
      );
    }
  });
  return rules;
}
