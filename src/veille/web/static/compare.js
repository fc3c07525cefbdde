/* Compare: every source's sentence for one event cluster side by side, the figures side by
 * side, contradictions marked, the number of independent sources and each page's warnings. */
"use strict";

const Compare = (() => {
  const { el, clear, getJSON } = Desk;

  // a side of a contradiction: {doc: the page's name, evidence: its sentence, offsets}
  function sideDoc(x) { return typeof x === "string" ? x : x && (typeof x.doc === "string" ? x.doc : x.doc && (x.doc.name || x.doc.id)) || ""; }
  function sideBlock(x) {
    return el("div", { class: "side" }, el("span", { class: "side-doc", text: sideDoc(x) }),
      x && x.evidence ? el("q", { text: x.evidence }) : null);
  }

  function figuresTable(figures, reports) {
    const kinds = Object.keys(figures || {});
    if (!kinds.length) return el("p", { class: "hint", text: "No figure given by these reports." });
    const table = el("table", { class: "figures" });
    const head = el("tr", {}, el("th", { text: "Source" }), kinds.map((k) => el("th", { text: k })));
    table.appendChild(el("thead", {}, head));
    const body = el("tbody");
    reports.forEach((r) => {
      const row = el("tr", {}, el("td", { text: Desk.docLabel(r.doc) }));
      kinds.forEach((k) => {
        const hits = (figures[k] || []).filter((f) => f.event_id === r.event_id);
        const values = [...new Set(hits.map((f) => f.value))];
        const all = new Set((figures[k] || []).map((f) => f.value));
        row.appendChild(el("td", { class: all.size > 1 && values.length ? "differs" : "", text: values.length ? values.join(", ") : "—" }));
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    return table;
  }

  // the left column: the event clusters told by several reports, to move between them
  async function otherClusters(left) {
    left.append(el("h2", { text: "Events told by several reports" }));
    let data;
    try { data = await getJSON("/api/clusters", { limit: 100 }); } catch (e) { Desk.showError(left, e); return; }
    if (!data.items || !data.items.length) { left.appendChild(el("p", { class: "hint", text: "No event is told by more than one report yet." })); return; }
    left.appendChild(el("ul", { class: "events compact" }, data.items.map((c) => el("li", { class: "event-line" },
      Desk.typeBadge(c.type, c.mode), " ",
      el("a", { href: "/compare/" + encodeURIComponent(c.id), text: Desk.actors(c.source) + " → " + Desk.actors(c.target) }),
      el("div", { class: "meta", text: [c.date, c.place && (c.place.name || c.place), c.sources + " sources",
        c.contradictions ? c.contradictions + " contradiction(s)" : ""].filter(Boolean).join(" · ") })))));
  }

  async function page() {
    const { main, details, left } = Desk.page("compare", { filters: false });
    otherClusters(left);
    const id = decodeURIComponent(location.pathname.replace(/^\/compare\//, ""));
    let c;
    try { c = await getJSON("/api/clusters/" + encodeURIComponent(id)); } catch (e) { Desk.showError(main, e); return; }
    const reports = c.reports || [];
    const contradictions = c.contradictions || [];
    const involved = new Set(contradictions.flatMap((x) => [sideDoc(x.a), sideDoc(x.b)]).filter(Boolean));
    const place = c.place ? (typeof c.place === "string" ? c.place : c.place.name + (c.place.country ? " (" + c.place.country + ")" : "")) : "";
    main.append(
      el("h1", {}, Desk.typeBadge(c.type, c.mode), " ",
        el("span", { text: Desk.actors(c.source) + " → " + Desk.actors(c.target) })),
      el("p", { class: "doc-meta", text: [c.date || "undated", place].filter(Boolean).join(" · ") }),
      el("p", { class: "counts", id: "independent" },
        el("strong", { text: String(c.independent_sources != null ? c.independent_sources : reports.length) }),
        " independent source" + (c.independent_sources === 1 ? "" : "s") + " · " + reports.length + " report" + (reports.length === 1 ? "" : "s") +
        (contradictions.length ? " · " + contradictions.length + " contradiction" + (contradictions.length === 1 ? "" : "s") : "")),
      el("div", { class: "side-by-side", id: "reports" }, reports.map((r) => {
        const card = Desk.reportCard(r);
        card.setAttribute("data-event", r.event_id || "");
        if (r.doc && (involved.has(r.doc.name) || involved.has(r.doc.id))) { card.classList.add("contradicted"); card.prepend(el("p", { class: "flag", text: "⚠ contradicts another report" })); }
        return card;
      })),
      el("h2", { text: "Figures side by side" }), figuresTable(c.figures, reports));
    clear(details);
    details.appendChild(el("section", { class: "card", id: "contradictions" }, el("h2", { text: contradictions.length ? "Contradictions" : "No contradiction" }),
      contradictions.length ? el("ul", {}, contradictions.map((x) => el("li", { class: "contradiction" },
        x.note ? el("strong", { class: "note", text: x.note }) : el("strong", { text: String(x.kind || "").replace(/_/g, " ") }),
        sideBlock(x.a), el("div", { class: "versus", text: "≠" }), sideBlock(x.b))))
        : el("p", { class: "hint", text: "The reports agree on what they share." })));
    const warned = reports.filter((r) => r.warnings && r.warnings.length);
    details.appendChild(el("section", { class: "card warn-card" }, el("h2", { text: "Page warnings" }),
      warned.length ? el("ul", {}, warned.map((r) => el("li", {}, el("a", { href: "/reader/" + encodeURIComponent((r.doc && r.doc.id) || ""), text: Desk.docLabel(r.doc) }),
        ": ", el("span", { class: "warn", text: r.warnings.map((w) => String(w).replace(/_/g, " ")).join(", ") }))))
        : el("p", { class: "hint", text: "No page of this cluster carries a warning." })));
  }
  return { page };
})();
