/* Sources: every followed feed or sitemap with its health (ok / failing with the error / never
 * polled), its counts and its next poll; a click shows the source's latest items. */
"use strict";

const Sources = (() => {
  const { el, clear, getJSON, params, shortTime, relTime } = Desk;
  const HEALTH = { ok: "ok", failing: "failing", never: "never polled" };

  function every(seconds) {
    const s = Number(seconds) || 0;
    if (s && s % 86400 === 0) return s / 86400 + " d";
    if (s && s % 3600 === 0) return s / 3600 + " h";
    if (s && s % 60 === 0) return s / 60 + " min";
    return s + " s";
  }
  function badge(health) {
    return el("span", { class: "health health-" + health, "data-health": health, text: HEALTH[health] || health });
  }
  function lastPoll(s) {
    if (!s.polled_at) return el("span", { class: "hint", text: "—" });
    return el("span", { title: s.polled_at }, relTime(s.polled_at),
      s.status ? el("span", { class: "http", text: " · HTTP " + s.status }) : el("span", { class: "http", text: " · no answer" }));
  }
  function nextPoll(s) {
    if (!s.next_at) return el("span", { text: s.polled_at ? "due" : "at the next round" });
    const due = new Date(s.next_at) <= new Date();
    return el("span", { title: s.next_at }, due ? "due" : relTime(s.next_at),
      s.errors_in_row ? el("span", { class: "backoff", text: " (back-off after " + s.errors_in_row + " error" + (s.errors_in_row > 1 ? "s" : "") + ")" }) : null);
  }

  function row(s, onPick) {
    const tr = el("tr", { class: "source-row clickable", "data-id": s.id, "data-health": s.health, tabindex: 0 },
      el("td", {}, badge(s.health)),
      el("td", { class: "name" }, el("strong", { text: s.name }), el("br"), Desk.extLink(s.url, s.url)),
      el("td", { text: s.kind }),
      el("td", { text: every(s.every_s) }),
      el("td", { class: "last" }, lastPoll(s)),
      el("td", { class: "next" }, nextPoll(s)),
      el("td", { class: "num found", text: s.found }), el("td", { class: "num stored", text: s.stored }),
      el("td", { class: "num failed", text: s.failed }));
    tr.addEventListener("click", (e) => { if (!e.target.closest("a")) onPick(s, tr); });
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") onPick(s, tr); });
    const rows = [tr];
    if (s.health === "failing" && s.error) {
      rows.push(el("tr", { class: "source-error", "data-id": s.id },
        el("td", {}), el("td", { colspan: 8 }, el("span", { class: "error-text", text: s.error }))));
    }
    return rows;
  }

  async function show(s, box) {
    clear(box).appendChild(el("p", { class: "hint", text: "Loading…" }));
    let src;
    try { src = await getJSON("/api/sources/" + encodeURIComponent(s.id), { limit: 50 }); } catch (e) { clear(box); Desk.showError(box, e); return; }
    clear(box);
    const items = src.items || [];
    box.append(el("div", { class: "card", id: "source-card", "data-id": src.id },
      el("h2", {}, badge(src.health), " ", src.name),
      el("p", {}, Desk.extLink(src.url, src.url)),
      el("dl", { class: "facts" },
        el("dt", { text: "Kind" }), el("dd", { text: src.kind }),
        el("dt", { text: "Every" }), el("dd", { text: every(src.every_s) }),
        el("dt", { text: "Added" }), el("dd", { text: shortTime(src.added_at) }),
        el("dt", { text: "Polls" }), el("dd", { text: src.polls }),
        el("dt", { text: "Last poll" }), el("dd", { text: src.polled_at ? shortTime(src.polled_at) + (src.status ? " · HTTP " + src.status : "") : "never" }),
        el("dt", { text: "Next poll" }), el("dd", { text: src.next_at ? shortTime(src.next_at) : "at the next round" }),
        src.error ? [el("dt", { text: "Error" }), el("dd", { class: "error-text", text: src.error + (src.errors_in_row ? " (" + src.errors_in_row + " in a row)" : "") })] : null,
        el("dt", { text: "Last new item" }), el("dd", { text: src.last_new_at ? shortTime(src.last_new_at) : "—" })),
      el("h3", { text: "Latest items (" + items.length + ")" }),
      items.length ? el("ul", { class: "items" }, items.map((it) => el("li", { class: "item item-" + it.status, "data-status": it.status },
        el("span", { class: "item-status", text: it.status }), " ",
        it.doc_id ? el("a", { href: "/reader/" + encodeURIComponent(it.doc_id), text: it.title || it.url }) : Desk.extLink(it.url, it.title || it.url),
        el("div", { class: "meta", text: [it.published, "found " + shortTime(it.found_at), it.reason].filter(Boolean).join(" · ") }))))
        : el("p", { class: "hint", text: "No item yet." })));
  }

  async function list(box, details) {
    const health = params().get("health") || "";
    const q = health ? { health } : null;
    box.classList.add("loading");
    let data;
    try { data = await getJSON("/api/sources", q); } catch (e) { clear(box); Desk.showError(box, e); return; } finally { box.classList.remove("loading"); }
    clear(box);
    const counts = data.health || {};
    const all = Object.values(counts).reduce((a, b) => a + b, 0);
    const tabs = el("div", { class: "health-tabs", role: "group", "aria-label": "Health" },
      [["", "all", all], ["ok", "ok", counts.ok], ["failing", "failing", counts.failing], ["never", "never polled", counts.never]].map(([value, label, n]) =>
        el("button", { type: "button", class: "tab" + (value === health ? " current" : ""), "data-health": value,
          text: label + " (" + (n || 0) + ")", onclick: () => Desk.setParams({ health: value || null }) })));
    box.append(tabs, el("p", { class: "total", "data-total": data.total, text: data.total + " source" + (data.total === 1 ? "" : "s") }));
    if (!data.items.length) {
      box.appendChild(el("p", { class: "hint", text: all ? "No source with this health." : "No source yet: veille sources add URL." }));
      return;
    }
    const pick = (s, tr) => {
      box.querySelectorAll("tr.selected").forEach((n) => n.classList.remove("selected"));
      tr.classList.add("selected");
      show(s, details);
    };
    box.appendChild(el("table", { class: "sources" },
      el("thead", {}, el("tr", {}, ["Health", "Source", "Kind", "Every", "Last poll", "Next poll", "Found", "Stored", "Failed"]
        .map((h) => el("th", { text: h })))),
      el("tbody", {}, data.items.flatMap((s) => row(s, pick)))));
  }

  function page() {
    const { main, details, left } = Desk.page("sources", { filters: false });
    left.appendChild(el("p", { class: "hint", text: "The feeds and sitemaps veille polls (veille sources add URL; veille watch runs the loop). " +
      "A source fails when its last poll did; it is polled again after a back-off." }));
    const box = el("div", { id: "sources-list" });
    main.append(el("h1", { text: "Sources" }), box);
    const load = () => list(box, details);
    Desk.onChange(load);
    load();
  }
  return { page };
})();
