/**
 * The report's stylesheet (inlined, allowed by its hash in the page's CSP):
 * system fonts only, severity colours, the charts, and a print stylesheet.
 *
 * @module
 */

/** The CSS text of the report's one `<style>` element. */
export const PAGE_STYLE = `
:root {
  --ink: #0f172a; --muted: #475569; --faint: #94a3b8; --line: #e2e8f0; --bg: #f8fafc;
  --panel: #ffffff; --accent: #1e3a8a;
  --critical: #7f1d1d; --high: #dc2626; --medium: #ea580c; --low: #ca8a04; --info: #64748b;
  --denied: #b91c1c;
  --c0: #475569; --c1: #2563eb; --c2: #0891b2; --c3: #7c3aed; --c4: #059669; --c5: #c026d3;
  --c6: #0d9488; --c7: #4f46e5;
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { background: var(--bg); color: var(--ink); }
body {
  margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
  "Liberation Sans", Arial, sans-serif;
}
code, pre, .mono, td.t, td.k, td.ip {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 12.5px;
}
a { color: var(--accent); }
header.top { background: #0f172a; color: #e2e8f0; padding: 22px 32px 18px; }
header.top h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; letter-spacing: -0.01em; color: #fff; }
header.top p { margin: 0; color: #94a3b8; font-size: 13px; }
main { max-width: 1280px; margin: 0 auto; padding: 8px 32px 48px; }
h2 {
  font-size: 18px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line);
  font-weight: 650;
}
h3 { font-size: 16px; margin: 0; font-weight: 650; }
h4 {
  font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted);
  margin: 0 0 6px; font-weight: 650;
}
.panel {
  background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px;
}
.note { color: var(--muted); font-size: 13px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.card .n { font-size: 24px; font-weight: 650; line-height: 1.2; font-variant-numeric: tabular-nums; }
.card .l { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.05em; }
.card .s { color: var(--muted); font-size: 12.5px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); font-size: 13px; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.v, td, dd, li, code { unicode-bidi: isolate; overflow-wrap: break-word; }
td { word-break: normal; }
.sev {
  display: inline-block; padding: 1px 8px; border-radius: 999px; color: #fff; font-size: 11.5px;
  font-weight: 650; text-transform: uppercase; letter-spacing: 0.04em; white-space: nowrap;
  print-color-adjust: exact; -webkit-print-color-adjust: exact;
}
.sev.sev-critical { background: var(--critical); } .sev.sev-high { background: var(--high); }
.sev.sev-medium { background: var(--medium); } .sev.sev-low { background: var(--low); }
.sev.sev-info { background: var(--info); }
.sev.zero { background: #cbd5e1; color: #475569; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip {
  display: inline-block; padding: 0 8px; border: 1px solid var(--line); border-radius: 999px;
  font-size: 12.5px; background: #f1f5f9;
}
.chip.novel { border-color: #f59e0b; background: #fffbeb; }
.chip.denied { border-color: #fca5a5; background: #fef2f2; color: var(--denied); }
#controls {
  position: sticky; top: 0; z-index: 5; background: rgba(248, 250, 252, 0.96);
  border-bottom: 1px solid var(--line); padding: 8px 0; display: flex; flex-wrap: wrap;
  gap: 12px; align-items: center; font-size: 13px;
}
#controls label { display: inline-flex; gap: 4px; align-items: center; }
#controls input[type=search] {
  font: inherit; padding: 3px 8px; border: 1px solid #cbd5e1; border-radius: 6px; min-width: 260px;
}
#controls button {
  font: inherit; padding: 3px 10px; border: 1px solid #cbd5e1; border-radius: 6px; background: #fff;
  cursor: pointer;
}
#shown { color: var(--muted); margin-left: auto; }
table { border-collapse: collapse; width: 100%; background: var(--panel); font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th {
  background: #f1f5f9; font-weight: 600; font-size: 12px; color: var(--muted); position: sticky;
  top: 0;
}
td.t, td.k, td.ip, td.num { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.idx td:nth-child(1), table.idx td:nth-child(n+6):nth-child(-n+9),
table.idx th:nth-child(1), table.idx th:nth-child(n+6):nth-child(-n+9) {
  text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap;
}
table.idx td:nth-child(5) {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 12.5px; white-space: nowrap;
}
td small { display: block; color: var(--muted); font-size: 11.5px; }
tr.denied td { background: #fef2f2; }
tr.issue td { background: #eff6ff; }
tr.hit td { background: #fef9c3; }
table.ev { table-layout: fixed; min-width: 980px; }
table.ev td { overflow-wrap: anywhere; }
table.ev td:nth-child(1) { text-align: right; font-variant-numeric: tabular-nums; color: var(--muted); }
table.ev td:nth-child(2), table.ev td:nth-child(3), table.ev td:nth-child(7) {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 12.5px;
}
table.ev td:nth-child(2), table.ev td:nth-child(3) { white-space: nowrap; }
tr.denied td:nth-child(6) { color: var(--denied); font-weight: 600; }
tr.denied td:nth-child(6) small { font-weight: 400; }
table.ev td:nth-child(8) code { color: var(--muted); }
table.ev th:nth-child(1) { width: 44px; text-align: right; }
table.ev th:nth-child(2) { width: 176px; } table.ev th:nth-child(3) { width: 78px; }
table.ev th:nth-child(4) { width: 104px; } table.ev th:nth-child(5) { width: 16%; }
table.ev th:nth-child(6) { width: 15%; } table.ev th:nth-child(7) { width: 140px; }
.panel + .panel { margin-top: 10px; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
.scroll table { border: 0; }
section.finding {
  background: var(--panel); border: 1px solid var(--line); border-left: 6px solid var(--info);
  border-radius: 8px; padding: 16px 20px; margin: 20px 0;
}
section.finding.sev-critical { border-left-color: var(--critical); }
section.finding.sev-high { border-left-color: var(--high); }
section.finding.sev-medium { border-left-color: var(--medium); }
section.finding.sev-low { border-left-color: var(--low); }
.fhead { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.fhead .rule { color: var(--muted); font-size: 13px; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 20px; margin: 14px 0; }
@media (max-width: 900px) { .cols { grid-template-columns: 1fr; } }
ul.reasons { margin: 0 0 8px; padding-left: 18px; }
ul.keys { margin: 0; padding-left: 18px; }
figure { margin: 12px 0; }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 4px; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12.5px; color: var(--muted); margin: 4px 0; }
.legend svg { vertical-align: -2px; }
svg.chart { width: 100%; height: auto; display: block; background: #fff; }
svg.chart text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif; }
svg .axis text { font-size: 11px; fill: var(--muted); text-anchor: middle; }
svg .axis .grid { stroke: #e5e7eb; stroke-width: 1; fill: none; }
svg .band { fill: #f8fafc; }
svg .window { fill: rgba(234, 88, 12, 0.06); stroke: rgba(234, 88, 12, 0.5); stroke-width: 1; stroke-dasharray: 3 3; }
svg .lane-labels text { font-size: 12px; fill: var(--ink); font-weight: 550; text-anchor: end; }
svg .label { font-size: 12px; fill: var(--ink); }
svg .label.child { fill: var(--muted); }
svg .bar { stroke: rgba(15, 23, 42, 0.25); stroke-width: 0.5; }
svg .sev-critical .bar { fill: var(--critical); } svg .sev-high .bar { fill: var(--high); }
svg .sev-medium .bar { fill: var(--medium); } svg .sev-low .bar { fill: var(--low); }
svg .sev-info .bar { fill: var(--info); }
svg a:hover .bar { stroke: var(--ink); stroke-width: 1.5; }
svg a.dim { opacity: 0.15; }
svg .link { fill: none; stroke: #334155; stroke-width: 1.2; }
svg .link.cross { stroke-dasharray: 3 2; }
svg .mk.ok { stroke: #fff; stroke-width: 1; }
svg .c0 { fill: var(--c0); } svg .c1 { fill: var(--c1); } svg .c2 { fill: var(--c2); }
svg .c3 { fill: var(--c3); } svg .c4 { fill: var(--c4); } svg .c5 { fill: var(--c5); }
svg .c6 { fill: var(--c6); } svg .c7 { fill: var(--c7); }
svg .mk.denied { stroke: var(--denied); stroke-width: 2.4; fill: none; stroke-linecap: round; }
svg .mk.issue { fill: #1d4ed8; stroke: #fff; stroke-width: 1; }
svg .issue-line { stroke: #1d4ed8; stroke-width: 1; stroke-dasharray: 4 3; }
svg .issue-label { font-size: 11px; fill: #1d4ed8; font-weight: 600; }
svg .issue-label.end { text-anchor: end; }
svg .mk { cursor: pointer; }
svg .mk.ok:hover, svg .mk.issue:hover { stroke: var(--ink); stroke-width: 2; }
svg .mk.denied:hover { stroke-width: 3.4; }
details > summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
table.files td { font-size: 11.5px; }
table.files td:nth-child(2) { word-break: break-all; min-width: 24em; }
.more { color: var(--muted); font-style: italic; margin: 6px 0 0; }
pre {
  background: #f1f5f9; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
  overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0;
}
#tip {
  position: absolute; z-index: 10; max-width: 480px; background: #0f172a; color: #f8fafc;
  padding: 6px 9px; border-radius: 6px; font-size: 12px; white-space: pre-wrap; pointer-events: none;
  box-shadow: 0 4px 14px rgba(15, 23, 42, 0.3);
}
footer { color: var(--faint); font-size: 12px; text-align: center; padding: 24px; }
@media print {
  @page { margin: 14mm 12mm; }
  html, body { background: #fff; font-size: 11px; }
  header.top { background: #fff; color: var(--ink); padding: 0 0 8px; border-bottom: 2px solid var(--ink); }
  header.top h1 { color: var(--ink); }
  header.top p { color: var(--muted); }
  main { max-width: none; padding: 0; }
  #controls, #tip { display: none !important; }
  th { position: static; }
  section.finding { break-inside: auto; border: 1px solid #cbd5e1; border-left-width: 6px; }
  #findings, #appendix { break-before: page; }
  .fhead, h2, h3, h4 { break-after: avoid; }
  figure, .cols, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .scroll { overflow: visible; border: 0; }
  a { color: inherit; text-decoration: none; }
  svg.chart, section.finding, .sev, tr.denied td, tr.issue td, .chip {
    print-color-adjust: exact; -webkit-print-color-adjust: exact;
  }
}
`;
