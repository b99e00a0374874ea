/**
 * The overview timeline: every flagged session (credential) as a bar over
 * one UTC time axis, coloured by its finding's severity, each chained
 * session linked to the session that issued it. Bars link to their finding.
 *
 * @module
 */
import type { ReportFinding, ReportKey } from "./report_data.ts";
import { drawTimeAxis, px, renderSvg, timeScale, utcLabel } from "./_svg.ts";

/** Layout constants (viewBox units). */
const WIDTH = 1100;
const LABEL_WIDTH = 330;
const RIGHT = 16;
const TOP = 30;

/** One row of the overview: a credential of a finding's tree. */
interface Row {
  finding: ReportFinding;
  index: number;
  key: ReportKey;
  depth: number;
}

/** Orders a tree's keys depth-first from the root, with their depth. */
export function orderKeys(keys: ReportKey[]): { key: ReportKey; depth: number }[] {
  const known = new Set(keys.map((k) => k.accessKeyId));
  const children = new Map<string | null, ReportKey[]>();
  for (const k of keys) {
    const parent = k.parentAccessKeyId !== null && known.has(k.parentAccessKeyId)
      ? k.parentAccessKeyId
      : null;
    const list = children.get(parent) ?? [];
    list.push(k);
    children.set(parent, list);
  }
  const out: { key: ReportKey; depth: number }[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) =>
      a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : 0
    );
    for (const k of list) {
      if (seen.has(k.accessKeyId)) continue;
      seen.add(k.accessKeyId);
      out.push({ key: k, depth });
      visit(k.accessKeyId, depth + 1);
    }
  };
  visit(null, 0);
  for (const k of keys) if (!seen.has(k.accessKeyId)) out.push({ key: k, depth: 0 });
  return out;
}

/** The role name of a role ARN (`…:role/path/name` → `name`). */
export function roleName(arn: string | null): string | null {
  if (!arn) return null;
  const i = arn.lastIndexOf("/");
  return i >= 0 ? arn.slice(i + 1) : arn;
}

/** Shortens text to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join("") + "\u2026";
}

/** The rows of the overview, in display order. */
export function overviewRows(findings: ReportFinding[]): Row[] {
  const rows: Row[] = [];
  findings.forEach((finding, index) => {
    for (const { key, depth } of orderKeys(finding.keys)) rows.push({ finding, index, key, depth });
  });
  return rows;
}

/** Renders the overview SVG; `findings` must already be in display order. */
export function svgOverview(findings: ReportFinding[]): string {
  const rows = overviewRows(findings);
  const rowHeight = rows.length > 150 ? 14 : 22;
  const barHeight = rows.length > 150 ? 8 : 12;
  const height = TOP + Math.max(rows.length, 1) * rowHeight + 10;
  const times = rows.flatMap((r) => [Date.parse(r.key.firstSeen), Date.parse(r.key.lastSeen)]);
  const from = times.length ? Math.min(...times) : 0;
  const to = times.length ? Math.max(...times) : 60_000;
  const label =
    `Overview timeline of ${findings.length} flagged session trees, ${rows.length} sessions`;
  return renderSvg(
    { width: WIDTH, height, className: "chart overview", label },
    (ctx) => {
      const { d3, svg, text } = ctx;
      const x = timeScale(d3, from, to, [LABEL_WIDTH + 8, WIDTH - RIGHT], 10 * 60_000);
      drawTimeAxis(ctx, x, { y: 14, gridBottom: height - 6, ticks: 8 });
      const rowY = (i: number) => TOP + i * rowHeight;
      const barX = (iso: string) => px(x(new Date(iso)));
      // Where each key's row is: within its own finding first, else the first finding that has it.
      const local = new Map<string, number>();
      const global = new Map<string, number>();
      rows.forEach((r, i) => {
        local.set(`${r.finding.id} ${r.key.accessKeyId}`, i);
        if (!global.has(r.key.accessKeyId)) global.set(r.key.accessKeyId, i);
      });
      const rowOf = (findingId: string, key: string) =>
        local.get(`${findingId} ${key}`) ?? global.get(key);

      const bands = svg.append("g").attr("class", "bands");
      const links = svg.append("g").attr("class", "links");
      const bars = svg.append("g").attr("class", "bars");
      let band = false;
      let d = "";
      rows.forEach((row, i) => {
        if (row.depth === 0 && (i === 0 || rows[i - 1].finding !== row.finding)) band = !band;
        if (band) d += `M0,${rowY(i)}h${WIDTH}v${rowHeight}H0z`;
      });
      if (d) bands.append("path").attr("class", "band").attr("d", d);

      rows.forEach((row, i) => {
        const f = row.finding.finding;
        const yMid = px(rowY(i) + rowHeight / 2);
        const x1 = barX(row.key.firstSeen);
        const x2 = Math.max(barX(row.key.lastSeen), x1 + 3);
        // Link from the issuing session to this one: inside the tree, or to another finding's tree.
        const parentRow = row.key.parentAccessKeyId !== null
          ? rowOf(row.finding.id, row.key.parentAccessKeyId)
          : undefined;
        if (parentRow !== undefined && parentRow !== i) {
          const py = px(
            rowY(parentRow) + rowHeight / 2 + (parentRow < i ? barHeight / 2 : -barHeight / 2),
          );
          const cross = rows[parentRow].finding !== row.finding;
          links.append("path")
            .attr("class", cross ? "link cross" : "link")
            .attr("d", `M${x1},${py}V${yMid}h3`);
        }
        const a = bars.append("a").attr("href", `#${row.finding.id}`)
          .attr("class", `sev-${f.severity}`);
        const who = row.depth === 0
          ? (f.serviceAccount ?? roleName(row.key.roleArn ?? f.roleArn) ?? "unknown identity")
          : `\u21B3 ${roleName(row.key.roleArn) ?? "chained session"}`;
        a.append("title").text(text(
          `#${row.index + 1} ${f.severity.toUpperCase()} \u00B7 ${f.rule}\n` +
            `${who} \u00B7 ${row.key.accessKeyId}\n` +
            `${utcLabel(row.key.firstSeen)} \u2013 ${utcLabel(row.key.lastSeen)} \u00B7 ` +
            `${row.key.eventCount} events`,
        ));
        a.append("text").attr("class", row.depth === 0 ? "label" : "label child")
          .attr("x", 6 + row.depth * 14).attr("y", px(yMid + 4))
          .text(text(
            row.depth === 0
              ? `#${row.index + 1}  ${clip(who, 34)}`
              : clip(`${who} \u00B7 \u2026${row.key.accessKeyId.slice(-4)}`, 40 - row.depth * 2),
          ));
        a.append("rect").attr("class", "bar")
          .attr("x", x1).attr("y", px(yMid - barHeight / 2))
          .attr("width", px(x2 - x1)).attr("height", barHeight).attr("rx", 2);
      });
    },
  );
}
