/**
 * The report's one inline script (allowed by its hash in the page's CSP).
 * The page is complete without it; it only adds the severity filter, a text
 * search, expand/collapse of the event tables, styled tooltips and opening
 * every table before printing. It reads the findings from the JSON data
 * block and writes text only through `textContent`.
 *
 * @module
 */

/** The JavaScript text of the report's inline `<script>`. */
export const PAGE_SCRIPT = `
(function () {
  "use strict";
  var doc = document;
  var dataEl = doc.getElementById("podtrail-data");
  var controls = doc.getElementById("controls");
  if (!dataEl || !controls) return;
  var data = JSON.parse(dataEl.textContent);
  controls.hidden = false;
  var sections = {};
  doc.querySelectorAll("section.finding").forEach(function (s) { sections[s.id] = s; });
  var indexRows = doc.querySelectorAll("#index tbody tr[data-f]");
  var bars = doc.querySelectorAll("svg.overview .bars a");
  var haystack = {};
  function text(id) {
    if (haystack[id] === undefined) {
      var s = sections[id];
      haystack[id] = s ? s.textContent.toLowerCase() : "";
    }
    return haystack[id];
  }
  var boxes = controls.querySelectorAll("input[data-sev]");
  var search = doc.getElementById("search");
  var shown = doc.getElementById("shown");
  function visible(id) { var s = sections[id]; return !s || !s.hidden; }
  function apply() {
    var allowed = {};
    boxes.forEach(function (b) { if (b.checked) allowed[b.getAttribute("data-sev")] = true; });
    var q = search.value.trim().toLowerCase();
    var n = 0;
    data.findings.forEach(function (f) {
      var ok = Boolean(allowed[f.severity]) && (!q || text(f.id).indexOf(q) >= 0);
      if (ok) n++;
      if (sections[f.id]) sections[f.id].hidden = !ok;
    });
    indexRows.forEach(function (r) { r.hidden = !visible(r.getAttribute("data-f")); });
    bars.forEach(function (a) {
      a.classList.toggle("dim", !visible((a.getAttribute("href") || "#").slice(1)));
    });
    shown.textContent = n + " of " + data.findings.length + " findings shown";
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  function setOpen(open) {
    doc.querySelectorAll("details.events").forEach(function (d) { d.open = open; });
  }
  doc.getElementById("expand").addEventListener("click", function () { setOpen(true); });
  doc.getElementById("collapse").addEventListener("click", function () { setOpen(false); });
  var wasOpen = [];
  window.addEventListener("beforeprint", function () {
    wasOpen = [];
    doc.querySelectorAll("details.events").forEach(function (d) {
      wasOpen.push([d, d.open]);
      d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    wasOpen.forEach(function (p) { p[0].open = p[1]; });
  });
  var tip = doc.createElement("div");
  tip.id = "tip";
  tip.hidden = true;
  tip.setAttribute("role", "tooltip");
  doc.body.appendChild(tip);
  function own(cell) {
    var text = "";
    cell.childNodes.forEach(function (n) { if (n.nodeType === 3) text += n.textContent; });
    var small = cell.querySelector("small");
    return small ? text + " (" + small.textContent + ")" : text;
  }
  function rowText(row) {
    var c = row.cells;
    var lines = ["#" + c[0].textContent + "  " + c[1].textContent + "  " + c[2].textContent,
      c[3].textContent + ":" + own(c[4]), "Outcome: " + own(c[5])];
    if (c[6].textContent) lines.push("From: " + c[6].textContent);
    c[7].querySelectorAll("div").forEach(function (d) { lines.push(d.textContent); });
    return lines.join("\\n");
  }
  function markRow(mark) {
    var section = mark.closest("section.finding");
    if (!section) return null;
    var marks = section.querySelectorAll("svg.swimlane .mk");
    var i = Array.prototype.indexOf.call(marks, mark);
    var body = section.querySelector("table.ev tbody");
    return i < 0 || !body ? null : body.rows[i] || null;
  }
  function target(ev) {
    var el = ev.target;
    if (!el || !el.closest) return null;
    if (el.classList && el.classList.contains("mk") && el.closest("svg.swimlane")) return el;
    return el.closest("svg.chart a");
  }
  function tipText(el) {
    var text = el.getAttribute("data-tip");
    if (text === null) {
      var row = el.classList.contains("mk") ? markRow(el) : null;
      var t = el.querySelector("title");
      text = row ? rowText(row) : t ? t.textContent : "";
      if (t) t.remove();
      el.setAttribute("data-tip", text);
    }
    return text;
  }
  function place(ev) {
    var w = tip.offsetWidth;
    var left = ev.pageX + 14;
    if (ev.clientX + 14 + w > doc.documentElement.clientWidth) left = ev.pageX - w - 14;
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = (ev.pageY + 16) + "px";
  }
  doc.addEventListener("mouseover", function (ev) {
    var el = target(ev);
    if (!el) return;
    tip.textContent = tipText(el);
    tip.hidden = false;
    place(ev);
  });
  doc.addEventListener("mousemove", function (ev) { if (!tip.hidden) place(ev); });
  doc.addEventListener("mouseout", function (ev) {
    var el = target(ev);
    if (el && !(ev.relatedTarget && el.contains(ev.relatedTarget))) tip.hidden = true;
  });
  doc.addEventListener("click", function (ev) {
    var el = target(ev);
    if (!el || !el.classList.contains("mk")) return;
    var row = markRow(el);
    if (!row) return;
    var details = row.closest("details");
    if (details) details.open = true;
    var old = doc.querySelector("tr.hit");
    if (old) old.classList.remove("hit");
    row.classList.add("hit");
    row.scrollIntoView({ block: "center" });
  });
  apply();
})();
`;
