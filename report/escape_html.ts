/**
 * The one escaping helper of the report. Every value that came from a log
 * (and every other dynamic value) reaches the HTML through this module:
 *
 * - {@linkcode escapeHtml} for HTML text, quoted attribute values and SVG text;
 * - {@linkcode safeHtml}, a tagged template that applies `escapeHtml` to every
 *   interpolation that is not already {@linkcode SafeHtml};
 * - {@linkcode jsonScript} for data inside a `<script type="application/json">`.
 *
 * Besides the five HTML metacharacters, `escapeHtml` makes invisible and
 * direction-changing characters visible (`‹U+202E›`): control characters,
 * format characters (bidi overrides and isolates, zero-width spaces, tag
 * characters), line/paragraph separators, private-use code points and lone
 * surrogates. A log value therefore cannot reorder or hide the text around it.
 *
 * @module
 */

/** Markup that is safe to insert as-is. Only this module's functions create it. */
export class SafeHtml {
  readonly #text: string;
  private constructor(text: string) {
    this.#text = text;
  }
  /** The markup. */
  toString(): string {
    return this.#text;
  }
  /** @internal Wraps markup this module produced. */
  static _wrap(text: string): SafeHtml {
    return new SafeHtml(text);
  }
}

const ENTITY: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Characters that need work: HTML metacharacters and invisible or bidi-changing ones. */
const NEEDS_WORK = /[&<>"']|[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u;
const REPLACE = /[&<>"']|[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/gu;

function replaceOne(ch: string): string {
  const entity = ENTITY[ch];
  if (entity !== undefined) return entity;
  if (ch === "\n" || ch === "\t") return ch;
  const hex = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return `\u2039U+${hex}\u203A`;
}

/**
 * Escapes a value for HTML text, a double- or single-quoted attribute value,
 * or SVG text. `null` and `undefined` become the empty string.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./escape_html.ts";
 * import assert from "node:assert/strict";
 * assert.equal(escapeHtml(`"><img src=x onerror=alert(1)>`), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
 * assert.equal(escapeHtml("abc\u202Efdp.exe"), "abc\u2039U+202E\u203Afdp.exe");
 * ```
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : String(value);
  return NEEDS_WORK.test(text) ? text.replace(REPLACE, replaceOne) : text;
}

/** What may be interpolated into {@linkcode safeHtml}. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (value === null || value === undefined || value === false) return "";
  if (Array.isArray(value)) {
    let out = "";
    for (const v of value) out += render(v);
    return out;
  }
  return escapeHtml(value);
}

/**
 * A tagged template: the literal parts are markup, every interpolation is
 * escaped with {@linkcode escapeHtml} unless it is {@linkcode SafeHtml};
 * arrays are joined; `null`, `undefined` and `false` render nothing.
 *
 * @example
 * ```ts
 * import { safeHtml } from "./escape_html.ts";
 * import assert from "node:assert/strict";
 * const ua = "<script>alert(1)</script>";
 * assert.equal(String(safeHtml`<td title="${ua}">${ua}</td>`),
 *   '<td title="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</td>');
 * ```
 */
export function safeHtml(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return SafeHtml._wrap(out);
}

/** Joins fragments with an optional (trusted, literal) separator. */
export function joinHtml(parts: readonly HtmlValue[], separator = ""): SafeHtml {
  return SafeHtml._wrap(parts.map(render).join(separator));
}

/**
 * Markup the report itself produced, e.g. an SVG string whose text was
 * escaped with {@linkcode escapeHtml} as it was built. Never pass log-derived
 * text to it.
 */
export function trustedMarkup(markup: string): SafeHtml {
  return SafeHtml._wrap(markup);
}

/**
 * A `<script type="application/json">` element holding `value` as JSON, with
 * `<`, `>`, `&`, U+2028 and U+2029 written as `\u` escapes so that no text
 * in the data can close the element or start a comment.
 *
 * @example
 * ```ts
 * import { jsonScript } from "./escape_html.ts";
 * import assert from "node:assert/strict";
 * assert.equal(String(jsonScript("d", { ua: "</script>" })),
 *   '<script type="application/json" id="d">{"ua":"\\u003c/script\\u003e"}</script>');
 * ```
 */
export function jsonScript(id: string, value: unknown): SafeHtml {
  const json = JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return SafeHtml._wrap(`<script type="application/json" id="${escapeHtml(id)}">${json}</script>`);
}
