/* veille desk: what every page shares (filter bar, URL state, fetching, the event card).
 *
 * Every string that comes from the data reaches the DOM through textContent or setAttribute:
 * the helpers below never build HTML from strings, and links from the data are kept only
 * when they are http(s).
 */
"use strict";

const Desk = (() => {
  const TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
  // cooperation in blues and greens, conflict in yellows to reds, so a map reads at a glance
  const COLOURS = {
    AGREE: "#1b7837", CONSULT: "#5aae61", SUPPORT: "#7fbf7b", CONCEDE: "#a6dba0",
    COOPERATE: "#2166ac", AID: "#4393c3", RETREAT: "#92c5de", REQUEST: "#8073ac",
    ACCUSE: "#dfc27d", REJECT: "#bf812d", THREATEN: "#f4a582", PROTEST: "#c51b7d",
    SANCTION: "#8c510a", MOBILIZE: "#d6604d", COERCE: "#e08214", ASSAULT: "#b2182b",
  };
  const MODALITIES = ["asserted", "claimed", "planned", "threatened", "denied", "hypothetical"];
  // the filters of desk.md, in the order the bar shows them
  const FILTERS = ["text", "type", "mode", "actor", "role", "country", "near", "since", "until",
    "source", "modality", "min_sources", "doc"];
  const VIEWS = [["map", "Map"], ["timeline", "Timeline"], ["network", "Network"],
    ["relationship", "Relationship"], ["events", "Events"], ["ingest", "Ingest"], ["sources", "Sources"],
    ["watches", "Watches"]];
  // pages that list something else than events: the event filters do not follow the nav there
  const UNFILTERED = ["ingest", "sources", "watches"];

  /* ---------- DOM helpers (text only) ---------- */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = String(v);
      else if (k === "style") Object.assign(node.style, v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function safeUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null; }
  function extLink(url, label) {
    const u = safeUrl(url);
    if (!u) return el("span", { text: label || url || "" });
    return el("a", { href: u, target: "_blank", rel: "noopener noreferrer nofollow", text: label || u });
  }
  function colour(type) { return COLOURS[type] || "#777"; }
  function swatch(type) { return el("span", { class: "swatch", style: { background: colour(type) } }); }
  function typeBadge(type, mode) {
    return el("span", { class: "badge", style: { borderColor: colour(type) } }, swatch(type),
      (type || "?") + (mode ? "/" + mode : ""));
  }
  // a legend key that filters the view to its type
  function typeKey(type, label) {
    return el("button", { type: "button", class: "key type-key", title: "Show only " + type, "data-type": type,
      onclick: () => setParams({ type: [type] }) }, swatch(type), label);
  }
  function actors(codes) { return (codes && codes.length) ? codes.join(", ") : "?"; }
  function docLabel(doc) { return doc ? (doc.title || doc.name || doc.id || "") : ""; }

  /* ---------- URL state ---------- */
  function params() { return new URLSearchParams(location.search); }
  function filterParams(p) {
    const out = new URLSearchParams();
    for (const [k, v] of (p || params())) if (FILTERS.includes(k) && v !== "") out.append(k, v);
    return out;
  }
  function setParams(changes, { push = true } = {}) {
    const p = params();
    for (const [k, v] of Object.entries(changes)) {
      p.delete(k);
      if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
      else if (v !== null && v !== undefined && v !== "") p.set(k, v);
    }
    if (!("offset" in changes)) p.delete("offset");
    const url = location.pathname + (p.toString() ? "?" + p.toString() : "");
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
    notify();
  }
  let listeners = [];
  function onChange(fn) { listeners.push(fn); }
  function notify() {
    fillBar();
    updateNav();
    listeners.forEach((fn) => fn(params()));
  }
  window.addEventListener("popstate", notify);

  /* ---------- fetching ---------- */
  async function getJSON(path, query) {
    const qs = query ? (query instanceof URLSearchParams ? query : new URLSearchParams(query)).toString() : "";
    const res = await fetch(path + (qs ? "?" + qs : ""), { headers: { Accept: "application/json" } });
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      const msg = body && body.error ? body.error.message : res.status + " " + res.statusText;
      throw new Error(msg);
    }
    return body;
  }
  function showError(where, err) {
    const box = el("div", { class: "error", role: "alert", text: "Error: " + (err && err.message ? err.message : err) });
    if (where) where.appendChild(box);
    return box;
  }

  /* ---------- layout: header, filter bar, details panel ---------- */
  function header(view) {
    const nav = el("nav", { id: "views" });
    for (const [id, label] of VIEWS) {
      nav.appendChild(el("a", { href: "/" + id, "data-view": id, class: id === view ? "current" : "" , text: label }));
    }
    return el("header", { id: "top" }, el("a", { href: "/map", class: "brand", text: "veille" }), nav,
      el("span", { id: "status", "aria-live": "polite" }));
  }
  function updateNav() {
    const q = filterParams().toString();
    document.querySelectorAll("#views a").forEach((a) => {
      const view = a.getAttribute("data-view");
      a.setAttribute("href", "/" + view + (q && !UNFILTERED.includes(view) ? "?" + q : ""));
    });
    const dl = document.getElementById("downloads");
    if (dl) {
      dl.querySelectorAll("a").forEach((a) => {
        a.setAttribute("href", "/api/events." + a.getAttribute("data-format") + (q ? "?" + q : ""));
      });
    }
  }
  function field(name, label, input) {
    input.setAttribute("name", name);
    input.id = "f-" + name;
    return el("div", { class: "field" }, el("label", { for: "f-" + name, text: label }), input);
  }
  function filterBar() {
    const form = el("form", { id: "filters", autocomplete: "off" });
    form.appendChild(el("h2", { text: "Filters" }));
    form.appendChild(field("text", "Text", el("input", { type: "search", placeholder: "words in sentence or title" })));
    const types = el("fieldset", { class: "types", id: "f-type" }, el("legend", { text: "Type" }));
    for (const t of TYPES) {
      types.appendChild(el("label", { class: "type", title: t },
        el("input", { type: "checkbox", name: "type", value: t }), swatch(t), t.toLowerCase()));
    }
    form.appendChild(types);
    form.appendChild(field("mode", "Mode", el("input", { type: "text", placeholder: "drone, aerial…" })));
    form.appendChild(field("actor", "Actor", el("input", { type: "text", placeholder: "RUS, UKR-MIL…", list: "actor-list" })));
    const actorList = el("datalist", { id: "actor-list" });
    form.appendChild(actorList);
    // the actors the store knows, as suggestions: asked for once, when the field is first used
    // (the network query is the heaviest on a large store; no page should wait for it)
    form.elements.actor.addEventListener("focus", () => {
      getJSON("/api/network").then((n) => (n.nodes || []).forEach((a) =>
        actorList.appendChild(el("option", { value: a.id, label: (a.label || a.id) + " · " + a.events })))).catch(() => {});
    }, { once: true });
    const role = el("select", {}, el("option", { value: "", text: "either side" }),
      el("option", { value: "source", text: "as source" }), el("option", { value: "target", text: "as target" }));
    form.appendChild(field("role", "Role", role));
    form.appendChild(field("country", "Country", el("input", { type: "text", placeholder: "UA (alpha-2)", maxlength: 2 })));
    form.appendChild(field("near", "Near", el("input", { type: "text", placeholder: "lat,lon,km" })));
    form.appendChild(el("div", { class: "pair" },
      field("since", "Since", el("input", { type: "text", placeholder: "YYYY[-MM[-DD]]" })),
      field("until", "Until", el("input", { type: "text", placeholder: "YYYY[-MM[-DD]]" }))));
    form.appendChild(field("source", "Source", el("input", { type: "text", placeholder: "site, URL or name" })));
    const mod = el("select", {}, el("option", { value: "", text: "any" }),
      MODALITIES.map((m) => el("option", { value: m, text: m })));
    form.appendChild(field("modality", "Modality", mod));
    form.appendChild(field("min_sources", "Min. sources", el("input", { type: "number", min: 1, step: 1 })));
    form.appendChild(field("doc", "Document", el("input", { type: "text", placeholder: "doc id" })));
    form.appendChild(el("div", { class: "buttons" },
      el("button", { type: "submit", id: "apply", text: "Apply" }),
      el("button", { type: "button", id: "reset", text: "Reset", onclick: () => {
        const changes = {}; FILTERS.forEach((f) => { changes[f] = null; }); setParams(changes);
      } })));
    form.appendChild(el("div", { id: "downloads" }, el("span", { text: "Download: " }),
      ["csv", "geojson", "jsonl"].map((f) => el("a", { "data-format": f, href: "/api/events." + f, download: "", text: f.toUpperCase() }))));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const changes = {};
      for (const f of FILTERS) {
        if (f === "type") changes.type = [...form.querySelectorAll("input[name=type]:checked")].map((i) => i.value);
        else changes[f] = form.elements[f].value.trim();
      }
      setParams(changes);
    });
    return form;
  }
  function fillBar() {
    const form = document.getElementById("filters");
    if (!form) return;
    const p = params();
    const types = new Set(p.getAll("type").flatMap((v) => v.split(",")).map((s) => s.trim().toUpperCase()));
    form.querySelectorAll("input[name=type]").forEach((i) => { i.checked = types.has(i.value); });
    for (const f of FILTERS) if (f !== "type") form.elements[f].value = p.get(f) || "";
  }

  /* A page: header, filter bar on the left, the view in the middle, details on the right. */
  function page(view, { filters = true } = {}) {
    document.body.classList.add("desk", "view-" + view);
    const main = el("main", { id: "view" });
    const details = el("aside", { id: "details" }, el("p", { class: "hint", text: "Select something to see its details." }));
    const left = el("aside", { id: "left" });
    if (filters) left.appendChild(filterBar());
    document.body.append(header(view), el("div", { id: "desk" }, left, main, details));
    fillBar();
    updateNav();
    return { main, details, left };
  }
  function status(text) { const s = document.getElementById("status"); if (s) s.textContent = text; }

  /* ---------- the event card: every report of its cluster side by side ---------- */
  function eventLine(ev, onclick) {
    const li = el("li", { class: "event-line", "data-id": ev.id },
      typeBadge(ev.type, ev.mode), " ",
      el("span", { class: "actors", text: actors(ev.source) + " → " + actors(ev.target) }), " ",
      el("span", { class: "date", text: ev.date || "undated" }), " ",
      el("span", { class: "place", text: ev.place ? ev.place.name + (ev.place.country ? " (" + ev.place.country + ")" : "") : "" }),
      el("div", { class: "evidence", text: ev.evidence || "" }),
      el("div", { class: "meta" }, el("span", { text: docLabel(ev.doc) }),
        ev.sources > 1 ? el("span", { class: "sources", text: " · " + ev.sources + " sources" }) : null));
    if (onclick) {
      li.classList.add("clickable");
      li.setAttribute("tabindex", "0");
      li.setAttribute("role", "button");
      li.addEventListener("click", () => onclick(ev));
      li.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); onclick(ev); } });
    }
    return li;
  }
  function reportCard(r) {
    const doc = r.doc || {};
    return el("article", { class: "report" },
      el("blockquote", { class: "sentence", text: r.evidence || "" }),
      el("dl", {},
        el("dt", { text: "Page" }), el("dd", {}, el("a", { href: "/reader/" + encodeURIComponent(doc.id || ""), text: docLabel(doc) }),
          safeUrl(doc.url) ? [" ", extLink(doc.url, "↗")] : null),
        el("dt", { text: "Outlet" }), el("dd", { text: r.outlet || doc.site || "—" }),
        el("dt", { text: "Published" }), el("dd", { text: doc.published || "—" }),
        el("dt", { text: "Event date" }), el("dd", { text: r.date || "—" }),
        el("dt", { text: "According to" }), el("dd", { text: r.attributed_to || "—" }),
        el("dt", { text: "Modality" }), el("dd", { text: r.modality || "—" }),
        r.quantities && Object.keys(r.quantities).length ? [el("dt", { text: "Figures" }),
          el("dd", { text: Object.entries(r.quantities).map(([k, v]) => k + " " + v).join(", ") })] : null,
        r.warnings && r.warnings.length ? [el("dt", { text: "Warnings" }),
          el("dd", { class: "warn", text: r.warnings.map((w) => String(w).replace(/_/g, " ")).join(", ") })] : null));
  }
  async function showEvent(id, target, onBack) {
    const box = clear(target || document.getElementById("details"));
    box.appendChild(el("p", { class: "hint", text: "Loading…" }));
    let ev;
    try { ev = await getJSON("/api/events/" + encodeURIComponent(id)); } catch (e) { clear(box); showError(box, e); return; }
    clear(box);
    if (onBack) box.appendChild(el("button", { type: "button", class: "back", text: "← All events", onclick: onBack }));
    const reports = ev.reports_list && ev.reports_list.length ? ev.reports_list : [{
      event_id: ev.id, doc: ev.doc, evidence: ev.evidence, date: ev.date, quantities: ev.quantities,
      attributed_to: ev.attributed_to, modality: ev.modality, outlet: ev.doc && ev.doc.site, warnings: [] }];
    const compareId = ev.cluster || "e-" + ev.id;
    box.append(
      el("div", { class: "card", id: "event-card", "data-id": ev.id },
        el("h2", {}, typeBadge(ev.type, ev.mode)),
        el("p", { class: "actors", text: actors(ev.source) + " → " + actors(ev.target) }),
        el("p", { class: "where" }, el("span", { text: ev.date ? ev.date + (ev.date_precision ? " (" + ev.date_precision + ")" : "") : "undated" }),
          ev.place ? " · " + ev.place.name + (ev.place.country ? " (" + ev.place.country + ")" : "") : ""),
        el("p", { class: "counts", text: reports.length + " report" + (reports.length > 1 ? "s" : "") + " · " +
          (ev.sources || 1) + " independent source" + ((ev.sources || 1) > 1 ? "s" : "") }),
        el("p", { class: "links" },
          el("a", { href: "/reader/" + encodeURIComponent(ev.doc_id || (ev.doc && ev.doc.id) || ""), text: "Open in reader" }), " · ",
          el("a", { href: "/compare/" + encodeURIComponent(compareId), text: "Compare sources" })),
        el("div", { class: "reports" }, reports.map(reportCard))));
  }

  /* ---------- times as the watch pages show them ---------- */
  // "2026-12-03 03:37 UTC" from a stored ISO time; the text as given when it is not one
  function shortTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (isNaN(d)) return String(iso);
    return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }
  // "in 12 min", "3 h ago": how far a stored time is from now
  function relTime(iso) {
    const d = new Date(iso);
    if (!iso || isNaN(d)) return "";
    const s = Math.round((d.getTime() - Date.now()) / 1000), a = Math.abs(s);
    const span = a < 60 ? a + " s" : a < 3600 ? Math.round(a / 60) + " min" : a < 172800 ? Math.round(a / 3600) + " h" : Math.round(a / 86400) + " days";
    return s >= 0 ? "in " + span : span + " ago";
  }

  /* ---------- pagination ---------- */
  function pager(total, limit, offset) {
    const box = el("div", { class: "pager" });
    const go = (o) => setParams({ offset: o > 0 ? String(o) : null });
    box.append(
      el("button", { type: "button", class: "newer", text: "← Newer", disabled: offset <= 0, onclick: () => go(Math.max(0, offset - limit)) }),
      el("span", { class: "range", text: total ? (offset + 1) + "–" + Math.min(total, offset + limit) + " of " + total : "no events" }),
      el("button", { type: "button", class: "older", text: "Older →", disabled: offset + limit >= total, onclick: () => go(offset + limit) }));
    return box;
  }

  return { TYPES, COLOURS, MODALITIES, FILTERS, el, clear, safeUrl, extLink, colour, swatch, typeBadge, typeKey,
    actors, docLabel, params, filterParams, setParams, onChange, notify, getJSON, showError, page, status,
    eventLine, reportCard, showEvent, pager, shortTime, relTime };
})();
