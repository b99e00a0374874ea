/**
 * A finding's swimlane timeline: one lane per category of sensitive action
 * (plus credential issuance on top and other calls at the bottom), one mark
 * per event. Allowed calls are dots in the lane's colour, denied calls are
 * red crosses, issuances are diamonds with a dashed line across all lanes.
 * Marks are drawn in event order, so the n-th mark is the n-th row of the
 * finding's event table (the page's script uses that for tooltips and clicks).
 *
 * @module
 */
import type { ReportEvent, ReportFinding } from "./report_data.ts";
import { drawTimeAxis, px, renderSvg, type Shape, timeScale } from "./_svg.ts";

const WIDTH = 1100;
const LABEL_WIDTH = 190;
const RIGHT = 16;
const TOP = 34;
const LANE = 30;

/** The lane id of credential issuances. */
export const ISSUANCE_LANE = "\u0000issuance";
/** The lane id of calls outside the sensitive-action catalog. */
export const OTHER_LANE = "\u0000other";

/** Categories in the order of an intrusion; unknown ones follow alphabetically. */
const CATEGORY_ORDER = [
  "reconnaissance",
  "credential-access",
  "iam-escalation",
  "privilege-escalation",
  "identity-creation",
  "persistence",
  "lateral-movement",
  "compute-creation",
  "defence-evasion",
  "defense-evasion",
];

/** Labels of the catalog's categories (`queries/action_catalog.csv`). */
const CATEGORY_LABEL: Record<string, string> = {
  "reconnaissance": "Reconnaissance",
  "credential-access": "Credential access",
  "iam-escalation": "IAM escalation",
  "identity-creation": "Identity creation",
  "lateral-movement": "Lateral movement",
  "compute-creation": "Compute creation",
  "defence-evasion": "Defence evasion",
};

function normal(category: string): string {
  return category.toLowerCase().replace(/[\s_]+/g, "-");
}

/** A lane: its id, label and colour index (0–7). */
export interface Lane {
  id: string;
  label: string;
  colour: number;
}

/** Humanises a category id: `credential-access` → `Credential access`. */
export function categoryLabel(category: string): string {
  const known = CATEGORY_LABEL[normal(category)];
  if (known) return known;
  const words = category.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A lane label that fits the label column. */
function clipLabel(label: string): string {
  const chars = [...label];
  return chars.length <= 28 ? label : chars.slice(0, 27).join("") + "\u2026";
}

/** The lane of an event. */
export function laneOf(event: ReportEvent): string {
  if (event.issuedKey !== null) return ISSUANCE_LANE;
  return event.category ?? OTHER_LANE;
}

/** The lanes of a finding, top to bottom: issuance, categories, other calls. */
export function swimlaneLanes(rf: ReportFinding): Lane[] {
  const categories = new Set<string>(rf.finding.categories);
  let issuance = false;
  let other = false;
  for (const e of rf.events) {
    const lane = laneOf(e);
    if (lane === ISSUANCE_LANE) issuance = true;
    else if (lane === OTHER_LANE) other = true;
    else categories.add(lane);
  }
  const rank = (c: string) => {
    const i = CATEGORY_ORDER.indexOf(normal(c));
    return i < 0 ? CATEGORY_ORDER.length : i;
  };
  const sorted = [...categories].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const lanes: Lane[] = [];
  if (issuance) lanes.push({ id: ISSUANCE_LANE, label: "Credential issuance", colour: 0 });
  sorted.forEach((c, i) => lanes.push({ id: c, label: categoryLabel(c), colour: (i % 7) + 1 }));
  if (other) lanes.push({ id: OTHER_LANE, label: "Other calls", colour: 0 });
  return lanes;
}

/** Renders a finding's swimlane SVG. */
export function svgSwimlane(rf: ReportFinding): string {
  const lanes = swimlaneLanes(rf);
  const laneIndex = new Map(lanes.map((l, i) => [l.id, i]));
  const height = TOP + Math.max(lanes.length, 1) * LANE + 8;
  const times = rf.events.map((e) => Date.parse(e.time));
  const from = times.length ? Math.min(...times) : Date.parse(rf.finding.firstSeen);
  const to = times.length ? Math.max(...times) : Date.parse(rf.finding.lastSeen);
  const label = `Timeline: ${rf.events.length} events in ${lanes.length} lanes`;
  return renderSvg({ width: WIDTH, height, className: "chart swimlane", label }, (ctx) => {
    const { d3, svg, text } = ctx;
    const x = timeScale(d3, from, to, [LABEL_WIDTH + 12, WIDTH - RIGHT]);
    const laneTop = (i: number) => TOP + i * LANE;
    const g = svg.append("g").attr("class", "lanes");
    const odd = lanes.map((_, i) => i).filter((i) => i % 2 === 1);
    if (odd.length) {
      g.append("path").attr("class", "band")
        .attr("d", odd.map((i) => `M0,${laneTop(i)}h${WIDTH}v${LANE}H0z`).join(""));
    }
    const labels = svg.append("g").attr("class", "lane-labels");
    lanes.forEach((lane, i) => {
      labels.append("text").attr("x", LABEL_WIDTH).attr("y", laneTop(i) + 19).text(
        text(clipLabel(lane.label)),
      );
    });
    drawTimeAxis(ctx, x, { y: 16, gridBottom: height - 8, ticks: 7 });
    // The rule's window (lateral movement: the sliding window that fired), shaded behind the marks.
    const w = rf.finding.window;
    if (w && Date.parse(w.start) <= Date.parse(w.end)) {
      const [lo, hi] = x.range() as [number, number];
      const x1 = Math.max(lo, px(x(new Date(w.start))));
      const x2 = Math.min(hi, Math.max(px(x(new Date(w.end))), x1 + 2));
      if (x2 > x1) {
        svg.append("rect").attr("class", "window").attr("x", x1).attr("y", TOP)
          .attr("width", px(x2 - x1)).attr("height", lanes.length * LANE);
      }
    }

    const issue = svg.append("g").attr("class", "issuances");
    const marks = svg.append("g").attr("class", "marks");
    const shapes: Shape[] = [];
    // Spread marks that would overlap over three sub-rows of their lane.
    const lastX = lanes.map(() => [-Infinity, -Infinity, -Infinity]);
    const offsets = [0, -7, 7];
    let lastIssueLabel = -Infinity;
    for (const e of rf.events) {
      const lane = laneIndex.get(laneOf(e)) ?? 0;
      const cx = px(x(new Date(e.time)));
      const used = lastX[lane];
      let sub = used.findIndex((last) => cx - last >= 5);
      if (sub < 0) sub = used.indexOf(Math.min(...used));
      used[sub] = cx;
      const cy = px(laneTop(lane) + LANE / 2 + offsets[sub]);
      if (e.issuedKey !== null) {
        issue.append("line").attr("class", "issue-line").attr("x1", cx).attr("x2", cx)
          .attr("y1", TOP).attr("y2", height - 8);
        if (cx - lastIssueLabel > 110) {
          lastIssueLabel = cx;
          const nearEnd = cx > WIDTH - 130;
          issue.append("text").attr("class", nearEnd ? "issue-label end" : "issue-label")
            .attr("x", px(nearEnd ? cx - 10 : cx + 10)).attr("y", px(cy + 4)).text(
              text(`issued \u2026${e.issuedKey.slice(-4)}`),
            );
        }
      }
      // Marks carry no text: the page's script shows the event's table row as their tooltip
      // and goes to the row on click (the n-th mark is the n-th row). Long sessions stay small.
      if (e.errorCode) {
        shapes.push({
          kind: "path",
          className: "mk denied",
          d: `M${px(cx - 4)},${px(cy - 4)}l8,8m0,-8l-8,8`,
        });
      } else if (e.issuedKey !== null) {
        shapes.push({
          kind: "path",
          className: "mk issue",
          d: `M${cx},${px(cy - 6)}l6,6l-6,6l-6,-6z`,
        });
      } else {
        shapes.push({
          kind: "circle",
          className: `mk ok c${lanes[lane]?.colour ?? 0}`,
          cx,
          cy,
          r: 4.5,
        });
      }
    }
    marks.text(ctx.shapes(shapes));
  });
}
