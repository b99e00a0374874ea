/**
 * Server-side SVG with d3-node, and how text gets into it safely.
 *
 * d3 builds the geometry in a jsdom document; text never enters that
 * document. Every label and tooltip is registered with {@linkcode TextSlots}
 * and only a placeholder token (private-use characters around a number) is
 * set with d3. After serialisation the tokens are replaced by the values
 * escaped with the report's one helper, {@linkcode escapeHtml}, which also
 * escapes private-use characters, so log text can never forge a token.
 *
 * One jsdom document is reused for every chart (creating one costs
 * milliseconds); each chart is a detached element of it. The thousands
 * of marks of large reports are not jsdom elements (tens of microseconds
 * each): d3 places them and {@linkcode shapeMarkup} writes them, from numbers
 * and checked class names only. Nothing here is random, so the same input
 * gives the same SVG.
 *
 * @module
 */
import process from "node:process";
import { escapeHtml } from "./escape_html.ts";

// jsdom requires node's deprecated `punycode`; keep that warning off the CLI's stderr.
const proc = process as unknown as { noDeprecation?: boolean };
const noDeprecationBefore = proc.noDeprecation;
proc.noDeprecation = true;
const { D3Node } = await import("d3-node");
proc.noDeprecation = noDeprecationBefore;

/** d3 and its selections, untyped (d3-node bundles d3 without its type declarations). */
// deno-lint-ignore no-explicit-any
export type D3 = any;
/** A d3 selection. */
// deno-lint-ignore no-explicit-any
export type Selection = any;

const OPEN = "\uE000";
const CLOSE = "\uE001";
const MARKS = "\uE002";
const TOKEN = /\uE000(\d+)\uE001|\uE002(\d+)\uE001/g;

/** The shapes of {@linkcode shapeMarkup}. */
export type Shape =
  | { kind: "circle"; className: string; cx: number; cy: number; r: number }
  | { kind: "path"; className: string; d: string };

const CLASS_NAME = /^[a-z][a-z0-9 -]*$/;
const PATH_DATA = /^[MmLlHhVvZz0-9., -]*$/;

/**
 * Markup of simple shapes, for charts with thousands of marks (jsdom costs
 * tens of microseconds per element). Only numbers, path commands and
 * class names reach it, each checked, so it holds no text that needs escaping.
 */
export function shapeMarkup(shapes: readonly Shape[]): string {
  let out = "";
  for (const s of shapes) {
    if (!CLASS_NAME.test(s.className)) throw new TypeError(`Invalid class name "${s.className}"`);
    if (s.kind === "circle") {
      if (![s.cx, s.cy, s.r].every(Number.isFinite)) throw new TypeError("Invalid circle");
      out += `<circle class="${s.className}" cx="${s.cx}" cy="${s.cy}" r="${s.r}"/>`;
    } else {
      if (!PATH_DATA.test(s.d)) throw new TypeError(`Invalid path data "${s.d}"`);
      out += `<path class="${s.className}" d="${s.d}"/>`;
    }
  }
  return out;
}

/** Collects text for an SVG and fills it in, escaped, after serialisation. */
export class TextSlots {
  readonly #values: string[] = [];
  readonly #shapes: string[] = [];
  /** Registers `value` and returns the placeholder to set with d3's `.text()` or `.attr()`. */
  put(value: unknown): string {
    this.#values.push(value === null || value === undefined ? "" : String(value));
    return `${OPEN}${this.#values.length - 1}${CLOSE}`;
  }
  /** Registers shapes and returns the placeholder to set as an element's `.text()`. */
  shapes(shapes: readonly Shape[]): string {
    this.#shapes.push(shapeMarkup(shapes));
    return `${MARKS}${this.#shapes.length - 1}${CLOSE}`;
  }
  /** Replaces every placeholder in `markup` by its escaped value (or its shapes). */
  fill(markup: string): string {
    return markup.replace(
      TOKEN,
      (_, text: string | undefined, shapes: string | undefined) =>
        text !== undefined ? escapeHtml(this.#values[Number(text)]) : this.#shapes[Number(shapes)],
    );
  }
}

const SVG_NS = "http://www.w3.org/2000/svg";

let shared:
  | { d3: D3; document: { createElementNS(ns: string, name: string): unknown } }
  | undefined;

function d3Document() {
  if (!shared) {
    const node = new D3Node();
    shared = { d3: node.d3, document: node.document };
  }
  return shared;
}

/** What a chart builder receives. */
export interface SvgContext {
  d3: D3;
  svg: Selection;
  /** Registers text; see {@linkcode TextSlots.put}. */
  text: (value: unknown) => string;
  /** Registers shapes to become an element's content; see {@linkcode shapeMarkup}. */
  shapes: (shapes: readonly Shape[]) => string;
}

/**
 * Builds one SVG: `build` draws into `svg` (sized by `viewBox`), the result is
 * serialised, its text slots filled, and the element removed from the shared document.
 */
export function renderSvg(
  options: { width: number; height: number; className: string; label: string },
  build: (ctx: SvgContext) => void,
): string {
  const { d3, document } = d3Document();
  const slots = new TextSlots();
  // A detached element of the shared jsdom document: cheaper to build than one in its tree.
  const svg = d3.select(document.createElementNS(SVG_NS, "svg"))
    .attr("xmlns", SVG_NS)
    .attr("viewBox", `0 0 ${options.width} ${options.height}`)
    .attr("class", options.className)
    .attr("role", "img")
    .attr("aria-label", slots.put(options.label));
  build({ d3, svg, text: (v) => slots.put(v), shapes: (list) => slots.shapes(list) });
  // Empty elements as `<x/>` (valid in inline SVG), text filled in, escaped.
  return slots.fill(svg.node().outerHTML.replace(/><\/(circle|path|rect|line)>/g, "/>"));
}

/** Rounds a coordinate to 0.1 px (smaller files, stable output). */
export function px(value: number): number {
  return Math.round(value * 10) / 10;
}

/** `2026-11-05 14:03:22Z` from an ISO time. */
export function utcLabel(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

/** Tick labels of a UTC time axis: dates at midnight, otherwise `HH:MM` (or `HH:MM:SS`). */
export function tickFormatter(d3: D3, domainMs: number): (d: Date) => string {
  const day = d3.utcFormat("%b %d");
  const minute = d3.utcFormat("%H:%M");
  const second = d3.utcFormat("%H:%M:%S");
  return (d: Date) => {
    if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0) {
      return day(d);
    }
    return domainMs < 5 * 60_000 ? second(d) : minute(d);
  };
}

/** A UTC time scale over `[from, to]` (ms), padded, at least `minSpanMs` wide. */
export function timeScale(
  d3: D3,
  from: number,
  to: number,
  range: [number, number],
  minSpanMs = 60_000,
): D3 {
  let lo = from;
  let hi = to;
  if (hi - lo < minSpanMs) {
    const mid = (lo + hi) / 2;
    lo = mid - minSpanMs / 2;
    hi = mid + minSpanMs / 2;
  }
  const pad = (hi - lo) * 0.02;
  return d3.scaleUtc().domain([new Date(lo - pad), new Date(hi + pad)]).range(range);
}

/** Draws a top time axis with light vertical grid lines down to `gridBottom`. */
export function drawTimeAxis(
  ctx: SvgContext,
  x: D3,
  options: { y: number; gridBottom: number; ticks: number },
): void {
  const { d3, svg, text } = ctx;
  const [lo, hi] = x.domain().map((d: Date) => d.getTime());
  const format = tickFormatter(d3, hi - lo);
  const ticks: Date[] = x.ticks(options.ticks);
  const g = svg.append("g").attr("class", "axis");
  if (ticks.length) {
    g.append("path").attr("class", "grid")
      .attr("d", ticks.map((t) => `M${px(x(t))},${options.y + 4}V${options.gridBottom}`).join(""));
  }
  for (const t of ticks) {
    g.append("text").attr("x", px(x(t))).attr("y", options.y).text(text(format(t)));
  }
}
