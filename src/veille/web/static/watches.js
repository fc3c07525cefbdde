/* Watches: each saved watch with its condition, filters, channels, alert count and latest alerts
 * (/watches), or one watch and all its alerts, paginated (/watches/NAME). An alert shows its
 * sentence, its page, the desk's view of what matched, and each delivery's status. */
"use strict";

const Watches = (() => {
  const { el, clear, getJSON, params, shortTime, relTime } = Desk;
  const PAGE = 50;

  function condition(w) {
    switch (w.condition) {
      case "event": return "a new event matches";
      case "sources": return "a matching cluster reaches " + (w.threshold || "?") + " independent sources";
      case "contradiction": return "sources disagree on a matching cluster";
      case "warning": return "a matching page carries the warning " + (w.warning || "?");
      default: return String(w.condition || "?");
    }
  }
  function filters(w) {
    const f = w.filters && typeof w.filters === "object" ? w.filters : {};
    const shown = Object.entries(f).filter(([, v]) => v !== null && v !== "" && !(Array.isArray(v) && !v.length));
    if (!shown.length) return el("span", { class: "hint", text: "every event" });
    return shown.map(([k, v]) => el("span", { class: "chip", text: k + " " + (Array.isArray(v) ? v.join(",") : v) }));
  }
  function channels(w) {
    const list = Array.isArray(w.channels) ? w.channels : [];
    if (!list.length) return el("span", { class: "hint", text: "none" });
    return list.map((c) => el("span", { class: "chip channel", text: (c.kind || "?") + (c.url ? " " + c.url : c.to ? " " + c.to : "") }));
  }
  function deskLink(path) {
    // the server derives it from the alert's event, cluster or document: a path of this desk
    return typeof path === "string" && path.startsWith("/") && !path.startsWith("//") ? path : null;
  }
  function delivery(d) {
    const label = (d.channel || "?") + (d.target && d.target !== "-" ? " " + d.target : "") + ": " + d.status +
      (d.status === "sent" && d.sent_at ? " " + relTime(d.sent_at) : "") +
      (d.status !== "sent" && d.tries ? " after " + d.tries + " tr" + (d.tries > 1 ? "ies" : "y") : "") +
      (d.status === "pending" && d.next_at && d.tries ? ", next " + relTime(d.next_at) : "");
    return el("li", { class: "delivery delivery-" + d.status, "data-status": d.status },
      el("span", { class: "delivery-label", text: label }),
      d.error && d.status !== "sent" ? el("span", { class: "error-text", text: " — " + d.error }) : null);
  }

  function alertItem(a) {
    const data = a.data && typeof a.data === "object" ? a.data : {};
    const link = deskLink(a.desk_path);
    const page = data.url || data.doc_title || data.title;
    return el("li", { class: "alert", "data-id": a.id },
      el("div", { class: "alert-head" }, el("strong", { class: "alert-title", text: a.title || data.title || "alert" }), " ",
        el("span", { class: "date", title: a.created_at, text: shortTime(a.created_at) })),
      data.sentence ? el("blockquote", { class: "sentence", text: data.sentence }) : null,
      el("div", { class: "alert-links" },
        page ? [el("span", { class: "hint", text: "Page: " }), Desk.extLink(data.url, data.doc_title || data.title || data.url)] : null,
        link ? [page ? " · " : null, el("a", { class: "desk-link", href: link, text: data.cluster_id ? "Compare the reports" : data.event_id ? "Open the event" : "Open in reader" })] : null,
        Array.isArray(data.sources) && data.sources.length ? el("span", { class: "hint", text: " · " + data.sources.join(", ") })
          : typeof data.sources === "number" ? el("span", { class: "hint", text: " · " + data.sources + " independent sources" }) : null),
      (a.deliveries || []).length ? el("ul", { class: "deliveries" }, a.deliveries.map(delivery)) : null);
  }

  function card(w, { link = true } = {}) {
    const atom = "/watches/" + encodeURIComponent(w.name) + ".atom";
    return el("section", { class: "watch-card", "data-name": w.name },
      el("h2", {}, link ? el("a", { href: "/watches/" + encodeURIComponent(w.name), text: w.name }) : w.name,
        typeof w.alert_count === "number" ? el("span", { class: "count", "data-count": w.alert_count,
          text: " · " + w.alert_count + " alert" + (w.alert_count === 1 ? "" : "s") }) : null),
      el("dl", { class: "facts" },
        el("dt", { text: "Alerts when" }), el("dd", { class: "condition", text: condition(w) }),
        el("dt", { text: "Filters" }), el("dd", { class: "filters" }, filters(w)),
        el("dt", { text: "Sent to" }), el("dd", {}, channels(w)),
        el("dt", { text: "Last checked" }), el("dd", { text: w.checked_at ? shortTime(w.checked_at) : "not yet" }),
        el("dt", { text: "Feed" }), el("dd", {}, el("a", { class: "atom", href: atom, type: "application/atom+xml", text: "Atom" }))));
  }

  async function overview(main) {
    const box = el("div", { id: "watches-list" });
    main.append(el("h1", { text: "Watches" }), box);
    let data;
    try { data = await getJSON("/api/watches"); } catch (e) { Desk.showError(box, e); return; }
    box.appendChild(el("p", { class: "total", "data-total": data.total, text: data.total + " watch" + (data.total === 1 ? "" : "es") }));
    if (!data.items.length) box.appendChild(el("p", { class: "hint", text: "No watch yet: veille alerts add NAME." }));
    for (const w of data.items) {
      const c = card(w);
      const latest = w.latest || [];
      c.append(el("h3", { text: latest.length ? "Latest alerts" : "No alert yet" }),
        latest.length ? el("ul", { class: "alerts" }, latest.map(alertItem)) : null,
        w.alert_count > latest.length ? el("a", { class: "more", href: "/watches/" + encodeURIComponent(w.name), text: "All " + w.alert_count + " alerts →" }) : null);
      box.appendChild(c);
    }
  }

  async function one(main, name) {
    const box = el("div", { id: "watch-alerts" });
    main.append(el("p", {}, el("a", { href: "/watches", text: "← All watches" })), box);
    const load = async () => {
      const offset = Math.max(0, parseInt(params().get("offset") || "0", 10) || 0);
      box.classList.add("loading");
      let data;
      try { data = await getJSON("/api/watches/" + encodeURIComponent(name), { limit: PAGE, offset }); } catch (e) { clear(box); Desk.showError(box, e); return; } finally { box.classList.remove("loading"); }
      clear(box);
      document.title = "veille · " + data.watch.name;
      box.append(card({ ...data.watch, alert_count: data.total }, { link: false }),
        el("p", { class: "total", "data-total": data.total, text: data.total + " alert" + (data.total === 1 ? "" : "s") }));
      if (!data.items.length) box.appendChild(el("p", { class: "hint", text: data.total ? "No alert on this page." : "No alert yet." }));
      else box.appendChild(el("ul", { class: "alerts" }, data.items.map(alertItem)));
      if (data.total > data.limit) box.appendChild(Desk.pager(data.total, data.limit, data.offset));
    };
    Desk.onChange(load);
    await load();
  }

  function page() {
    const { main, details, left } = Desk.page("watches", { filters: false });
    left.appendChild(el("p", { class: "hint", text: "Saved watches (veille alerts add NAME) raise an alert once per match; " +
      "each is delivered to the watch's channels, retried when it fails, and published in its Atom feed." }));
    details.replaceChildren(el("p", { class: "hint", text: "A delivery is sent, pending (with the last error and the next try) or failed (given up, still listed)." }));
    const parts = location.pathname.split("/").filter(Boolean);
    if (parts.length > 1) {
      const name = decodeURIComponent(parts.slice(1).join("/"));
      document.head.appendChild(el("link", { rel: "alternate", type: "application/atom+xml", title: name,
        href: "/watches/" + encodeURIComponent(name) + ".atom" }));
      one(main, name);
    } else overview(main);
  }
  return { page };
})();
