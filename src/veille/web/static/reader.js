/* Reader: a document's clean text with its entities, places, dates and events highlighted
 * (text nodes and spans built from the highlight offsets), its warning card, and what was
 * dropped from the page and why. */
"use strict";

const Reader = (() => {
  const { el, clear, getJSON } = Desk;
  const KINDS = ["event", "entity", "place", "date"];

  function describe(h) {
    const d = h.detail || {};
    const parts = [h.kind + ": " + (h.label || "")];
    if (h.kind === "entity") parts.push([d.actor, d.type, d.sector].filter(Boolean).join(" · "));
    if (h.kind === "place") parts.push([d.lat != null && d.lon != null ? Number(d.lat).toFixed(4) + ", " + Number(d.lon).toFixed(4) : "", d.country, d.geonameid ? "geonames " + d.geonameid : ""].filter(Boolean).join(" · "));
    if (h.kind === "date") parts.push([d.value, d.precision, d.timex].filter(Boolean).join(" · "));
    if (h.kind === "event") parts.push([d.type, (d.source || []).join(",") + " → " + (d.target || []).join(",")].filter(Boolean).join(" · "));
    return parts.filter(Boolean).join("\n");
  }

  /* The text cut at every highlight boundary; each piece is a text node or a span carrying the
   * kinds that cover it. Offsets count code points (Python's), hence Array.from. */
  function highlighted(text, highlights, onEvent) {
    const chars = Array.from(text || "");
    const n = chars.length;
    const hs = (highlights || []).filter((h) => Number.isInteger(h.start) && Number.isInteger(h.end) && h.start < h.end && h.start >= 0 && h.end <= n);
    const cuts = new Set([0, n]);
    hs.forEach((h) => { cuts.add(h.start); cuts.add(h.end); });
    const points = [...cuts].sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    for (let i = 0; i < points.length - 1; i++) {
      const a = points[i], b = points[i + 1];
      const piece = chars.slice(a, b).join("");
      const on = hs.filter((h) => h.start <= a && h.end >= b);
      if (!on.length) { frag.appendChild(document.createTextNode(piece)); continue; }
      const kinds = KINDS.filter((k) => on.some((h) => h.kind === k));
      const span = el("span", { class: "hl " + kinds.map((k) => "hl-" + k).join(" "), title: on.map(describe).join("\n\n") }, piece);
      const ev = on.find((h) => h.kind === "event" && h.detail && h.detail.id);
      if (ev && onEvent) { span.classList.add("clickable"); span.addEventListener("click", () => onEvent(ev.detail.id)); }
      frag.appendChild(span);
    }
    return frag;
  }

  function signalItem(s) {
    const ev = (s.evidence || []).map((e) => (typeof e === "string" ? e : e && e.text) || "").filter(Boolean);
    // any other plain field the signal carries (a genre's value, a share…), as "name: value"
    const extra = Object.entries(s).filter(([k, v]) => !["kind", "evidence", "why"].includes(k) &&
      (typeof v === "string" || typeof v === "number" || typeof v === "boolean"))
      .map(([k, v]) => k.replace(/_/g, " ") + ": " + (typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : v));
    return el("li", { class: "signal" }, el("strong", { text: String(s.kind || "warning").replace(/_/g, " ") }),
      extra.length ? el("span", { class: "why", text: " (" + extra.join(" · ") + ")" }) : null,
      s.why ? el("span", { class: "why", text: " — " + s.why }) : null,
      ev.length ? el("ul", {}, ev.map((t) => el("li", { class: "quote", text: t }))) : null);
  }

  function droppedBlock(dropped) {
    const byReason = {};
    (dropped || []).forEach((d) => { (byReason[d.reason] = byReason[d.reason] || []).push(d); });
    const box = el("details", { class: "dropped" }, el("summary", { text: (dropped || []).length + " lines dropped from the page" }));
    Object.entries(byReason).sort((a, b) => b[1].length - a[1].length).forEach(([reason, lines]) => {
      box.appendChild(el("h4", { text: reason + " (" + lines.length + ")" }));
      box.appendChild(el("ul", {}, lines.slice(0, 50).map((d) => el("li", {}, el("span", { class: "line-no", text: "line " + d.line + ": " }), el("span", { text: d.text })))));
    });
    return box;
  }

  async function page() {
    const { main, details, left } = Desk.page("reader", { filters: false });
    const id = decodeURIComponent(location.pathname.replace(/^\/reader\//, ""));
    let doc;
    try { doc = await getJSON("/api/documents/" + encodeURIComponent(id)); } catch (e) { Desk.showError(main, e); return; }
    document.title = "veille · " + (doc.title || doc.name || doc.id);
    const by = (seg) => (doc.highlights || []).filter((h) => (h.segment || "body") === seg);
    const cardSlot = el("div", { id: "reader-event" });
    const openEvent = (eid) => Desk.showEvent(eid, cardSlot);
    const link = Desk.safeUrl(doc.url);
    main.append(
      el("article", { class: "reader", id: "reader" },
        el("h1", { class: "doc-title" }, highlighted(doc.title || doc.name || doc.id, by("title"), openEvent)),
        el("p", { class: "doc-meta" },
          el("span", { text: [doc.site, doc.published, doc.language, doc.genre].filter(Boolean).join(" · ") }),
          doc.author ? [" · by ", el("span", {}, highlighted(doc.author, by("author"), openEvent))] : null,
          link ? [" · ", Desk.extLink(link, "original page ↗")] : null),
        el("div", { class: "legend" }, KINDS.map((k) => el("span", { class: "key" }, el("span", { class: "hl hl-" + k, text: k }))),
          el("span", { class: "key", text: "hover for details · click an event" })),
        el("div", { class: "doc-text", id: "doc-text" }, highlighted(doc.text, by("body"), openEvent)),
        doc.captions ? el("div", { class: "captions" }, el("h3", { text: "Captions" }), el("div", { class: "doc-text" }, highlighted(doc.captions, by("caption"), openEvent))) : null));
    clear(details);
    const signals = doc.signals || [];
    details.append(
      el("section", { class: "card warn-card", id: "warnings" }, el("h2", { text: signals.length ? "Warning card" : "No warning" }),
        signals.length ? el("ul", {}, signals.map(signalItem)) : el("p", { class: "hint", text: "No signal was raised on this page." })),
      el("section", { class: "card" }, droppedBlock(doc.dropped)),
      cardSlot);
    clear(left).append(el("h2", { text: "Events in this page" }),
      el("ul", { class: "events compact" }, (doc.events || []).map((ev) => Desk.eventLine(ev, (e) => openEvent(e.id)))),
      el("p", {}, el("a", { href: "/events?doc=" + encodeURIComponent(doc.id), text: "List them with filters" })));
  }
  return { page, highlighted };
})();
