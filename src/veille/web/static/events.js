/* Events list: the filtered events, newest first, paginated; a click opens the card. */
"use strict";

const Events = (() => {
  const { el, clear, getJSON, filterParams, params } = Desk;

  async function list(box, details, { limit = 100, query = null, paginate = true, onPick = null } = {}) {
    const q = query || filterParams();
    const offset = Math.max(0, parseInt(params().get("offset") || "0", 10) || 0);
    if (!query) { q.set("limit", String(limit)); if (paginate && offset) q.set("offset", String(offset)); }
    if (!box.firstChild) box.appendChild(el("p", { class: "hint", text: "Loading events…" }));
    box.classList.add("loading");
    let data;
    try { data = await getJSON("/api/events", q); } catch (e) { clear(box); Desk.showError(box, e); return null; } finally { box.classList.remove("loading"); }
    clear(box);
    const ul = el("ul", { class: "events" });
    (data.items || []).forEach((ev) => ul.appendChild(Desk.eventLine(ev, (e) => {
      box.querySelectorAll(".event-line.selected").forEach((n) => n.classList.remove("selected"));
      ul.querySelector(`[data-id="${CSS.escape(e.id)}"]`)?.classList.add("selected");
      if (onPick) onPick(e); else Desk.showEvent(e.id, details);
    })));
    const shown = (data.items || []).length;
    box.appendChild(el("p", { class: "total", "data-total": data.total, text: data.total + " event" + (data.total === 1 ? "" : "s") +
      (!paginate && shown < data.total ? " (the newest " + shown + " here; all in Events)" : "") }));
    if (!data.items || !data.items.length) box.appendChild(el("p", { class: "hint", text: "No event matches these filters." }));
    box.appendChild(ul);
    if (paginate && data.total > (data.limit || limit)) box.appendChild(Desk.pager(data.total, data.limit || limit, data.offset || 0));
    return data;
  }

  function page() {
    const { main, details } = Desk.page("events");
    const search = el("form", { class: "quick-search", role: "search" },
      el("input", { type: "search", id: "quick-text", placeholder: "Search sentences and titles…", "aria-label": "Search" }),
      el("button", { type: "submit", text: "Search" }));
    search.addEventListener("submit", (ev) => {
      ev.preventDefault();
      Desk.setParams({ text: document.getElementById("quick-text").value.trim() });
    });
    const box = el("div", { id: "events-list" });
    main.append(el("h1", { text: "Events" }), search, box);
    const load = () => {
      document.getElementById("quick-text").value = params().get("text") || "";
      const asked = parseInt(params().get("limit") || "", 10);
      list(box, details, { limit: asked > 0 ? Math.min(asked, 1000) : 50 });
    };
    Desk.onChange(load);
    load();
  }
  return { list, page };
})();
