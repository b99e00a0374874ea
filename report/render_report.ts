/**
 * `renderReport()`: {@linkcode ReportData} → one self-contained HTML page.
 *
 * Pure and deterministic: no clock, no randomness, no I/O. Every dynamic
 * value goes through the escaping helper (`escape_html.ts`: the
 * {@linkcode safeHtml} template escapes each interpolation); the page's
 * Content-Security-Policy allows nothing but its own inline style and script
 * (by hash) and `data:` images, so it cannot load or send anything.
 *
 * The page, top to bottom: summary, overview timeline, findings index, one
 * section per finding (attribution, why flagged, swimlane, events), and the
 * chain-of-custody appendix (versions, command line, manifest, rejects, rules).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type Finding, SEVERITIES, type Severity } from "../hunt/finding.ts";
import type { ReportData, ReportEvent, ReportFinding, ReportRule } from "./report_data.ts";
import {
  type HtmlValue,
  jsonScript,
  type SafeHtml,
  safeHtml,
  trustedMarkup,
} from "./escape_html.ts";
import { orderKeys, roleName, svgOverview } from "./svg_overview.ts";
import { categoryLabel, svgSwimlane } from "./svg_swimlane.ts";
import { clipText, isSecretKey, REDACTED } from "./_redact.ts";
import { utcLabel } from "./_svg.ts";
import { PAGE_STYLE } from "./_page_style.ts";
import { PAGE_SCRIPT } from "./_page_script.ts";

/** Manifest rows listed in full; more are counted. */
const MAX_MANIFEST_FILES = 2000;

/** The CSP source of an inline element's text. */
function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** The page's Content-Security-Policy: nothing but its own style and script. */
export function contentSecurityPolicy(): string {
  const policy = [
    "default-src 'none'",
    `style-src ${cspHash(PAGE_STYLE)}`,
    `script-src ${cspHash(PAGE_SCRIPT)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  // Written into the attribute as is (readable quotes), so it must need no escaping.
  if (/["<>&]/.test(policy)) throw new Error("The CSP must not need escaping");
  return policy;
}

/** `12,345`. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** `2 h 05 min`, `14 min 02 s`, `12 s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  if (d > 0) return `${d} d ${two(h)} h`;
  if (h > 0) return `${h} h ${two(m)} min`;
  if (m > 0) return `${m} min ${two(sec)} s`;
  return `${sec} s`;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `1 account`, `2 accounts`. */
function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
}

function span(from: string, to: string): string {
  const duration = formatDuration(Date.parse(to) - Date.parse(from));
  return `${utcLabel(from)} \u2013 ${utcLabel(to)} (${duration})`;
}

function sevBadge(s: Severity, text: HtmlValue = s): SafeHtml {
  return safeHtml`<span class="sev sev-${s}">${text}</span>`;
}

function chips(values: readonly string[], cls = "", max = 60): SafeHtml {
  if (values.length === 0) return safeHtml`<span class="note">none</span>`;
  const css = cls ? `chip ${cls}` : "chip";
  const shown = values.slice(0, max).map((v) => safeHtml`<span class="${css}">${v}</span>`);
  const more = values.length > max
    ? safeHtml`<span class="note">and ${formatCount(values.length - max)} more</span>`
    : null;
  return safeHtml`<span class="chips">${shown}${more}</span>`;
}

function valueList(values: readonly string[], max: number, clip = 300): SafeHtml {
  if (values.length === 0) return safeHtml`<span class="note">none recorded</span>`;
  const items = values.slice(0, max).map((v) =>
    safeHtml`<div class="mono">${clipText(v, clip)}</div>`
  );
  const more = values.length > max
    ? safeHtml`<div class="note">and ${formatCount(values.length - max)} more</div>`
    : null;
  return safeHtml`${items}${more}`;
}

function thresholdChips(thresholds: Record<string, number>): SafeHtml {
  return chips(
    Object.entries(thresholds).sort(([a], [b]) => cmp(a, b)).map(([k, v]) => `${k} = ${v}`),
  );
}

const ATTRIBUTION: Record<Finding["attribution"], string> = {
  "irsa": "IRSA: AssumeRoleWithWebIdentity seen in the logs",
  "pod-identity": "EKS Pod Identity: AssumeRoleForPodIdentity seen in the logs",
  "web-identity": "Web identity, issuance not in the logs (service account unknown)",
};

function summarySection(data: ReportData): SafeHtml {
  const { lake } = data;
  const counts = new Map<Severity, number>(SEVERITIES.map((s) => [s, 0]));
  for (const { finding: f } of data.findings) {
    counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  }
  const bySeverity = [...SEVERITIES].reverse().map((s) =>
    safeHtml`<span class="sev sev-${s}${counts.get(s) ? "" : " zero"}">${s} ${counts.get(s)}</span>`
  );
  const events = lake.firstEvent && lake.lastEvent
    ? span(lake.firstEvent, lake.lastEvent)
    : "no events in range";
  const from = data.range.from ? utcLabel(data.range.from) : "start";
  const to = data.range.to ? utcLabel(data.range.to) : "end";
  const range = data.range.from || data.range.to
    ? `${from} \u2013 ${to} (events at or after the start, before the end)`
    : "the whole lake";
  return safeHtml`<section id="summary"><h2>Summary</h2>
<div class="cards">
<div class="card"><div class="l">Findings</div><div class="n">${
    formatCount(data.findings.length)
  }</div><div class="chips">${bySeverity}</div></div>
<div class="card"><div class="l">Events examined</div><div class="n">${
    formatCount(lake.events)
  }</div><div class="s">in the time range below</div></div>
<div class="card"><div class="l">Service-account sessions examined</div><div class="n">${
    formatCount(lake.sessions)
  }</div><div class="s">web-identity and Pod Identity credentials</div></div>
<div class="card"><div class="l">Clusters</div><div class="n">${
    formatCount(lake.clusters.length)
  }</div><div class="s">${plural(lake.accounts.length, "account")}, ${
    plural(lake.regions.length, "region")
  }</div></div>
</div>
<div class="panel"><dl class="facts">
<dt>Events from</dt><dd>${events}</dd>
<dt>Time range</dt><dd>${range}</dd>
<dt>Minimum severity</dt><dd>${sevBadge(data.minSeverity)} findings below it are not listed</dd>
<dt>Accounts</dt><dd>${chips(lake.accounts)}</dd>
<dt>Regions</dt><dd>${chips(lake.regions)}</dd>
<dt>Clusters</dt><dd>${chips(lake.clusters)}</dd>
<dt>Lake</dt><dd class="mono">${lake.path}</dd>
</dl></div></section>`;
}

function controlsBar(): SafeHtml {
  const boxes = [...SEVERITIES].reverse().map((s) =>
    safeHtml`<label><input type="checkbox" data-sev="${s}" checked>${sevBadge(s)}</label>`
  );
  return safeHtml`<nav id="controls" hidden aria-label="Filter findings">
<strong>Show</strong>${boxes}
<input type="search" id="search" placeholder="Search: account, role, key, IP, action\u2026" aria-label="Search findings">
<button type="button" id="expand">Expand all events</button><button type="button" id="collapse">Collapse all events</button>
<span id="shown"></span></nav>`;
}

function overviewSection(data: ReportData): SafeHtml {
  if (data.findings.length === 0) {
    return safeHtml`<section id="overview"><h2>Overview timeline</h2><p class="note">No flagged sessions.</p></section>`;
  }
  const legend = [...SEVERITIES].reverse().map((s) => sevBadge(s));
  return safeHtml`<section id="overview"><h2>Overview timeline</h2>
<p class="note">Every flagged session (credential) as a bar from its first to its last call, coloured by
the finding's severity. A chained session (a role assumed with the credential above it) is indented under its
parent and joined to it by a line at the moment it was issued; a dashed line joins a session to a parent in
another finding. Select a bar to go to its finding. Times are UTC.</p>
<div class="legend">${legend}</div>
<div class="scroll">${trustedMarkup(svgOverview(data.findings))}</div></section>`;
}

function indexSection(data: ReportData): SafeHtml {
  if (data.findings.length === 0) {
    return safeHtml`<section id="index"><h2>Findings</h2><p class="note">No finding reached severity ${data.minSeverity} in this range.</p></section>`;
  }
  // Column styles come from the table's CSS (nth-child), not per-cell classes.
  const rows = data.findings.map((rf, i) => {
    const f = rf.finding;
    const active = formatDuration(Date.parse(f.lastSeen) - Date.parse(f.firstSeen));
    return safeHtml`<tr data-f="${rf.id}"><td><a href="#${rf.id}">${i + 1}</a></td><td>${
      sevBadge(f.severity)
    }</td><td>${f.serviceAccount ?? "unknown"}</td><td>${roleName(f.roleArn) ?? ""}</td><td>${
      utcLabel(f.firstSeen)
    }</td><td>${active}</td><td>${
      formatCount(f.eventCount)
    }</td><td>${f.actions.length}</td><td>${f.deniedActions.length}</td><td>${
      [f.rule, ...rf.alsoFlaggedBy.map((a) => a.rule)].join(", ")
    }</td></tr>`;
  });
  return safeHtml`<section id="index"><h2>Findings</h2>
<div class="scroll"><table class="idx"><thead><tr><th>#</th><th>Severity</th><th>Service account</th><th>Role</th><th>First seen (UTC)</th><th>Active</th><th>Events</th><th>Sensitive actions</th><th>Denied</th><th>Rules</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
}

function keyTree(
  rf: ReportFinding,
  labels: Map<string, string>,
  owner: Map<string, string>,
): SafeHtml {
  const ordered = orderKeys(rf.keys);
  const parent = rf.finding.parentAccessKeyId;
  const outside = parent !== null && !rf.keys.some((k) => k.accessKeyId === parent);
  if (ordered.length === 1 && !outside) {
    return safeHtml`<b>K1</b> <code>${ordered[0].key.accessKeyId}</code>`;
  }
  const items = ordered.map(({ key, depth }) => {
    const from = depth > 0
      ? safeHtml` \u2190 assumed with <code>${key.parentAccessKeyId}</code>`
      : null;
    return safeHtml`<li><b>${
      labels.get(key.accessKeyId)
    }</b> <code>${key.accessKeyId}</code>${from}<br><span class="note">${
      roleName(key.roleArn) ?? "role unknown"
    } \u00B7 ${span(key.firstSeen, key.lastSeen)} \u00B7 ${
      formatCount(key.eventCount)
    } events</span></li>`;
  });
  const issuer = outside
    ? safeHtml`<li>issued by <code>${parent}</code>${
      owner.has(parent)
        ? safeHtml` (see <a href="#${owner.get(parent)}">its finding</a>)`
        : " (outside this tree)"
    }</li>`
    : null;
  return safeHtml`<ul class="keys">${issuer}${items}</ul>`;
}

function attribution(
  rf: ReportFinding,
  labels: Map<string, string>,
  owner: Map<string, string>,
): SafeHtml {
  const f = rf.finding;
  const likely = !f.serviceAccount && f.likelyServiceAccount
    ? safeHtml`<dt>Likely service account</dt><dd>${f.likelyServiceAccount} <span class="note">(the one service account this role was issued to)</span></dd>`
    : null;
  const pod = f.podName ? safeHtml`<dt>Pod</dt><dd class="mono">${f.podName}</dd>` : null;
  const rootRole = f.rootRoleArn && f.rootRoleArn !== f.roleArn
    ? safeHtml`<dt>Root role</dt><dd class="mono">${f.rootRoleArn}</dd>`
    : null;
  const foreign = f.foreignIPs?.length
    ? safeHtml`<dt>Foreign IPs</dt><dd>${
      valueList(f.foreignIPs, 20)
    }<span class="note">public addresses no other session of this cluster used</span></dd>`
    : null;
  return safeHtml`<div><h4>Attribution</h4><dl class="facts">
<dt>Service account</dt><dd>${
    f.serviceAccount ?? "unknown (issuance not in the logs)"
  }</dd>${likely}${pod}
<dt>Cluster</dt><dd>${f.cluster ?? "unknown"}</dd>
<dt>How attributed</dt><dd>${ATTRIBUTION[f.attribution] ?? f.attribution}</dd>
<dt>Account</dt><dd class="mono">${f.accountId ?? "unknown"}</dd>
<dt>Role</dt><dd class="mono">${f.roleArn ?? "unknown"}</dd>${rootRole}
<dt>Session name</dt><dd class="mono">${f.roleSessionName ?? "unknown"}</dd>
<dt>Active</dt><dd>${span(f.firstSeen, f.lastSeen)}</dd>
<dt>Session keys</dt><dd>${keyTree(rf, labels, owner)}</dd>
<dt>Source IPs</dt><dd>${valueList(f.sourceIPs, 20)}</dd>${foreign}
<dt>User agents</dt><dd>${valueList(f.userAgents, 10)}</dd>
</dl></div>`;
}

/** The other rules that fired on the same tree, each with its severity and reasons. */
function alsoFlagged(rf: ReportFinding, rules: Map<string, ReportRule>): SafeHtml | null {
  if (rf.alsoFlaggedBy.length === 0) return null;
  const items = rf.alsoFlaggedBy.map((a) =>
    safeHtml`<li><b>${
      rules.get(a.rule)?.title ?? a.rule
    }</b> <a href="#rule-${a.rule}"><code>${a.rule}</code></a> ${
      sevBadge(a.severity)
    } <span class="note">${thresholdChips(a.thresholds)}</span><ul class="reasons">${
      a.reasons.map((r) => safeHtml`<li>${r}</li>`)
    }</ul></li>`
  );
  return safeHtml`<dt>Also flagged by</dt><dd><ul class="also">${items}</ul></dd>`;
}

function whyFlagged(
  rf: ReportFinding,
  rule: ReportRule | undefined,
  rules: Map<string, ReportRule>,
): SafeHtml {
  const f = rf.finding;
  const novel = new Set(f.novelActions);
  const denied = new Set(f.deniedActions);
  const actions = f.actions.map((a) => {
    const cls = denied.has(a) ? "chip denied" : novel.has(a) ? "chip novel" : "chip";
    const mark = `${novel.has(a) ? " \u2605" : ""}${denied.has(a) ? " \u2715" : ""}`;
    return safeHtml`<span class="${cls}">${a}${mark}</span>`;
  });
  const score = f.score !== undefined
    ? safeHtml` <span class="note">score ${f.score}</span>`
    : null;
  const window = f.window
    ? safeHtml`<dt>Rule window</dt><dd>${
      span(f.window.start, f.window.end)
    }: ${f.window.actions.length} actions${
      f.window.denied.length ? `, ${f.window.denied.length} denied` : ""
    }</dd>`
    : null;
  const routine = f.routineActions?.length
    ? safeHtml`<dt>Routine actions</dt><dd>${chips(f.routineActions)}</dd>`
    : null;
  const allowed = f.allowedActions?.length
    ? safeHtml`<dt>Allowlisted</dt><dd>${chips(f.allowedActions)}</dd>`
    : null;
  return safeHtml`<div><h4>Why flagged</h4><dl class="facts">
<dt>Rule</dt><dd><b>${
    rule?.title ?? f.rule
  }</b> <a href="#rule-${f.rule}"><code>${f.rule}</code></a></dd>
<dt>Severity</dt><dd>${sevBadge(f.severity)}${score}<ul class="reasons">${
    f.reasons.map((r) => safeHtml`<li>${r}</li>`)
  }</ul></dd>
<dt>Thresholds</dt><dd>${thresholdChips(f.thresholds)}</dd>${window}
<dt>Categories</dt><dd>${chips(f.categories.map(categoryLabel))}</dd>
<dt>Sensitive actions</dt><dd>${
    actions.length
      ? safeHtml`<span class="chips">${actions}</span>`
      : safeHtml`<span class="note">none</span>`
  }</dd>
<dt>Novel actions</dt><dd>${chips(f.novelActions, "novel")}</dd>
<dt>Denied actions</dt><dd>${chips(f.deniedActions, "denied")}</dd>${routine}${allowed}${
    alsoFlagged(rf, rules)
  }
</dl></div>`;
}

function paramsCell(params: [string, string][]): SafeHtml {
  return safeHtml`${
    params.map(([k, v]) =>
      safeHtml`<div><code>${k}</code> ${isSecretKey(k) ? REDACTED : clipText(v, 200)}</div>`
    )
  }`;
}

function eventRow(e: ReportEvent, n: number, labels: Map<string, string>): SafeHtml {
  const cls = e.errorCode ? "denied" : e.issuedKey !== null ? "issue" : "";
  const caller = e.accessKeyId ? (labels.get(e.accessKeyId) ?? e.accessKeyId) : "\u2014";
  const key = e.issuedKey !== null
    ? `${caller} \u2192 ${labels.get(e.issuedKey) ?? e.issuedKey}`
    : caller;
  const outcome = e.errorCode
    ? safeHtml`${e.errorCode}${
      e.errorMessage ? safeHtml`<small>${clipText(e.errorMessage, 160)}</small>` : null
    }`
    : "OK";
  const category = e.category ? safeHtml`<small>${categoryLabel(e.category)}</small>` : null;
  const source = e.eventSource.replace(/\.amazonaws\.com$/, "");
  const ip = e.sourceIP === null ? "" : clipText(e.sourceIP, 100);
  // Column styles come from the table's CSS (nth-child), not per-cell classes, and the optional
  // `</td>` end tags are left out (HTML allows it): a report of 1,000 sessions stays under 10 MB.
  return safeHtml`<tr${cls ? safeHtml` class="${cls}"` : null}><td>${n}<td>${
    utcLabel(e.time)
  }<td>${key}<td>${source}<td>${clipText(e.eventName, 120)}${category}<td>${outcome}<td>${ip}<td>${
    paramsCell(e.params)
  }</tr>`;
}

function findingSection(
  rf: ReportFinding,
  index: number,
  rules: Map<string, ReportRule>,
  owner: Map<string, string>,
): SafeHtml {
  const f = rf.finding;
  const labels = new Map<string, string>();
  orderKeys(rf.keys).forEach(({ key }, i) => labels.set(key.accessKeyId, `K${i + 1}`));
  const who = f.serviceAccount ?? roleName(f.roleArn) ?? "unknown identity";
  const total = rf.events.length + rf.eventsOmitted;
  const shown = formatCount(rf.events.length);
  const denied = rf.events.filter((e) => e.errorCode).length;
  const root = f.rootAccessKeyId ?? rf.keys[0]?.accessKeyId ?? f.accessKeyId;
  const more = rf.eventsOmitted > 0
    ? safeHtml`<p class="more">The first ${shown} of ${formatCount(total)} events are shown; ${
      formatCount(rf.eventsOmitted)
    } more are in the lake: <code>podtrail timeline --lake \u2026 --key ${root}</code></p>`
    : null;
  const caption =
    `${shown} events${
      rf.eventsOmitted > 0 ? ` (the first ${shown} of ${formatCount(total)})` : ""
    }, ${formatCount(denied)} denied \u00B7 \u25CF allowed \u00B7 \u2715 denied \u00B7 ` +
    `\u25C6 credential issued${f.window ? " \u00B7 shaded: the rule's window" : ""}`;
  const rows = rf.events.map((e, i) => eventRow(e, i + 1, labels));
  return safeHtml`<section class="finding sev-${f.severity}" id="${rf.id}" data-sev="${f.severity}">
<div class="fhead">${sevBadge(f.severity)}<h3>#${
    index + 1
  } <span class="v">${who}</span></h3><span class="rule">${
    rules.get(f.rule)?.title ?? f.rule
  } \u00B7 <span class="mono">${f.accessKeyId}</span></span></div>
<div class="cols">${attribution(rf, labels, owner)}${whyFlagged(rf, rules.get(f.rule), rules)}</div>
<figure><h4>Timeline by category (UTC)</h4><div class="scroll">${
    trustedMarkup(svgSwimlane(rf))
  }</div><figcaption>${caption}</figcaption></figure>
<details class="events" open><summary>Events (${formatCount(total)})</summary>
<div class="scroll"><table class="ev"><thead><tr><th>#</th><th>Time (UTC)</th><th>Key</th><th>Source</th><th>Action</th><th>Outcome</th><th>Source IP</th><th>Parameters</th></tr></thead>
<tbody>${rows}</tbody></table></div>${more}</details>
</section>`;
}

function manifestSection(data: ReportData): SafeHtml {
  const files = data.batches.flatMap((b) => b.files.map((f) => ({ batch: b.id, f })));
  const fileRows = files.slice(0, MAX_MANIFEST_FILES).map(({ batch, f }) =>
    safeHtml`<tr><td class="mono">${f.path}</td><td class="mono">${f.sha256}</td><td class="num">${
      formatCount(f.size)
    }</td><td>${f.status}${
      f.reason ? safeHtml`<small>${f.reason}</small>` : null
    }</td><td class="num">${formatCount(f.records.read)}</td><td class="num">${
      formatCount(f.records.written)
    }</td><td class="num">${formatCount(f.records.duplicates)}</td><td class="num">${
      formatCount(f.records.rejected)
    }</td><td class="mono">${batch}</td></tr>`
  );
  const totals = { read: 0, written: 0, duplicates: 0, rejected: 0 };
  for (const { f } of files) {
    totals.read += f.records.read;
    totals.written += f.records.written;
    totals.duplicates += f.records.duplicates;
    totals.rejected += f.records.rejected;
  }
  const moreFiles = files.length > MAX_MANIFEST_FILES
    ? safeHtml`<p class="note">${
      formatCount(files.length - MAX_MANIFEST_FILES)
    } more files are listed in the lake's manifest (<code>_podtrail/batches/</code>).</p>`
    : null;
  const batchRows = data.batches.map((b) =>
    safeHtml`<tr><td class="mono">${b.id}</td><td class="mono">${
      utcLabel(b.startedAt)
    }</td><td class="mono">${
      utcLabel(b.finishedAt)
    }</td><td>${b.podtrailVersion}</td><td>${b.duckdbVersion}</td><td class="mono">${
      b.command.join(" ")
    }</td><td class="num">${formatCount(b.files.length)}</td></tr>`
  );
  const rejectTotal = data.rejects.reduce((n, r) => n + r.count, 0);
  const rejectRows = data.rejects.map((r) =>
    safeHtml`<tr><td>${clipText(r.reason, 300)}</td><td class="num">${
      formatCount(r.count)
    }</td></tr>`
  );
  const rejects = data.rejects.length
    ? safeHtml`<div class="scroll"><table><thead><tr><th>Reason</th><th class="num">Records</th></tr></thead><tbody>${rejectRows}</tbody></table></div>`
    : safeHtml`<p class="note">No record was rejected.</p>`;
  return safeHtml`<h3>Lake manifest</h3>
<p class="note">${formatCount(data.batches.length)} committed ingest batches, ${
    formatCount(files.length)
  } input files: ${formatCount(totals.read)} records read, ${
    formatCount(totals.written)
  } written, ${formatCount(totals.duplicates)} duplicates, ${
    formatCount(totals.rejected)
  } rejected.</p>
<div class="scroll"><table><thead><tr><th>Batch</th><th>Started (UTC)</th><th>Finished (UTC)</th><th>podtrail</th><th>DuckDB</th><th>Command</th><th class="num">Files</th></tr></thead><tbody>${batchRows}</tbody></table></div>
<details class="files"><summary>Input files (${formatCount(files.length)})</summary>
<div class="scroll"><table class="files"><thead><tr><th>File</th><th>SHA-256</th><th class="num">Bytes</th><th>Status</th><th class="num">Read</th><th class="num">Written</th><th class="num">Duplicates</th><th class="num">Rejected</th><th>Batch</th></tr></thead><tbody>${fileRows}</tbody></table></div>${moreFiles}</details>
<h3>Rejected records</h3>
<p class="note">${
    formatCount(rejectTotal)
  } records in the lake's rejects area, by reason.</p>${rejects}`;
}

function rulesSection(data: ReportData): SafeHtml {
  if (data.rules.length === 0) {
    return safeHtml`<h3>Rules</h3><p class="note">No rule metadata recorded.</p>`;
  }
  const rules = data.rules.map((r) => {
    const attack = r.attack?.length
      ? safeHtml`<div>MITRE ATT&amp;CK: ${chips(r.attack)}</div>`
      : null;
    const fp = r.falsePositives
      ? safeHtml`<p class="note">False positives: ${r.falsePositives}</p>`
      : null;
    return safeHtml`<div class="panel" id="rule-${r.id}"><b>${r.title}</b> <code>${r.id}</code>
<p class="note">${r.description}</p>${fp}${attack}
<div>Thresholds: ${thresholdChips(r.thresholds)}</div><pre>${r.sql}</pre></div>`;
  });
  return safeHtml`<h3>Rules</h3>${rules}`;
}

function appendix(data: ReportData): SafeHtml {
  return safeHtml`<section id="appendix"><h2>Appendix: chain of custody</h2>
<div class="panel"><dl class="facts">
<dt>Generated</dt><dd class="mono">${utcLabel(data.generatedAt)}</dd>
<dt>podtrail</dt><dd class="mono">${data.podtrailVersion}</dd>
<dt>DuckDB</dt><dd class="mono">${data.duckdbVersion}</dd>
<dt>Command</dt><dd><pre>${data.command.join(" ")}</pre></dd>
<dt>Lake</dt><dd class="mono">${data.lake.path}</dd>
<dt>Events shown</dt><dd>at most ${formatCount(data.maxEvents)} per finding</dd>
<dt>Values</dt><dd>Every value in this report comes from the logs and is shown as text. Invisible and
direction-changing characters are shown as \u2039U+XXXX\u203A; credential secrets (session tokens, secret keys,
secret values) are removed before rendering.</dd>
</dl></div>
${manifestSection(data)}
${rulesSection(data)}
</section>`;
}

/**
 * The embedded JSON data block: a machine-readable index of the findings
 * (the script filters with it; a reader can extract it). The details are in
 * the page only, to keep large reports small.
 */
function dataBlock(data: ReportData): SafeHtml {
  return jsonScript("podtrail-data", {
    title: data.title,
    generatedAt: data.generatedAt,
    podtrailVersion: data.podtrailVersion,
    findings: data.findings.map(({ id, finding: f, alsoFlaggedBy }) => ({
      id,
      severity: f.severity,
      rule: f.rule,
      alsoFlaggedBy: alsoFlaggedBy.map((a) => ({ rule: a.rule, severity: a.severity })),
      accessKeyId: f.accessKeyId,
      parentAccessKeyId: f.parentAccessKeyId,
      sessionKeys: f.sessionKeys,
      serviceAccount: f.serviceAccount,
      cluster: f.cluster,
      roleArn: f.roleArn,
      roleSessionName: f.roleSessionName,
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
      eventCount: f.eventCount,
    })),
  });
}

/**
 * Renders the report page.
 *
 * @example
 * ```ts
 * import { renderReport } from "./render_report.ts";
 * import { sampleReportData } from "./_sample_data.ts";
 * import assert from "node:assert/strict";
 * const page = renderReport(sampleReportData());
 * assert.ok(page.startsWith("<!DOCTYPE html>"));
 * ```
 */
export function renderReport(data: ReportData): string {
  const rules = new Map(data.rules.map((r) => [r.id, r]));
  const owner = new Map<string, string>();
  for (const rf of data.findings) {
    for (const k of rf.keys) if (!owner.has(k.accessKeyId)) owner.set(k.accessKeyId, rf.id);
  }
  const top = data.findings[0]?.finding.severity;
  const generated = utcLabel(data.generatedAt);
  const sub = `podtrail ${data.podtrailVersion} \u00B7 generated ${generated} \u00B7 ${
    formatCount(data.findings.length)
  } findings${top ? ` \u00B7 highest severity ${top}` : ""}`;
  const findings = data.findings.map((rf, i) => findingSection(rf, i, rules, owner));
  const page = safeHtml`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${trustedMarkup(contentSecurityPolicy())}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="podtrail ${data.podtrailVersion}">
<title>${data.title}</title>
<style>${trustedMarkup(PAGE_STYLE)}</style>
</head>
<body>
<header class="top"><h1>${data.title}</h1><p>${sub}</p></header>
<main>
${controlsBar()}
${summarySection(data)}
${overviewSection(data)}
${indexSection(data)}
<div id="findings">${findings}</div>
${appendix(data)}
</main>
<footer>podtrail ${data.podtrailVersion} \u00B7 offline forensic report \u00B7 ${generated}</footer>
${dataBlock(data)}
<script>${trustedMarkup(PAGE_SCRIPT)}</script>
</body>
</html>
`;
  return page.toString();
}
