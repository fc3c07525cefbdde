/* Relationship: two actors' events per month by PLOVER quad class (cooperation above the axis,
 * conflict below, so a turn shows), and each event as a point that opens its sources. */
"use strict";

const Relationship = (() => {
  const { el, clear, getJSON, filterParams, params, setParams } = Desk;
  const QUADS = [
    ["material_cooperation", "material cooperation", "#2166ac", 1],
    ["verbal_cooperation", "verbal cooperation", "#92c5de", 1],
    ["verbal_conflict", "verbal conflict", "#f4a582", -1],
    ["material_conflict", "material conflict", "#b2182b", -1],
  ];
  const parseMonth = d3.utcParse("%Y-%m");

  function picker(actors) {
    const p = params();
    const list = el("datalist", { id: "actor-codes" }, actors.map((n) => el("option", { value: n.id, label: (n.label || n.id) + " (" + n.events + ")" })));
    const form = el("form", { class: "pair-picker", id: "pair" },
      el("label", { for: "rel-a", text: "Actor A" }), el("input", { id: "rel-a", name: "a", list: "actor-codes", value: p.get("a") || "", placeholder: "AZE" }),
      el("span", { text: "↔" }),
      el("label", { for: "rel-b", text: "Actor B" }), el("input", { id: "rel-b", name: "b", list: "actor-codes", value: p.get("b") || "", placeholder: "RUS" }),
      el("button", { type: "submit", text: "Show" }), list);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      setParams({ a: form.elements.a.value.trim().toUpperCase(), b: form.elements.b.value.trim().toUpperCase() });
    });
    return form;
  }

  function chart(box, data, details) {
    const months = (data.months || []).map((m) => Object.assign({ date: parseMonth(m.month) }, m)).filter((m) => m.date);
    const points = (data.points || []).map((p) => Object.assign({ day: p.date ? new Date(p.date.length === 4 ? p.date + "-07-01" : p.date.length === 7 ? p.date + "-15" : p.date) : null }, p)).filter((p) => p.day && !isNaN(p.day));
    if (!months.length && !points.length) { box.appendChild(el("p", { class: "hint", text: "No dated event between these two actors." })); return; }
    const width = Math.max(420, box.clientWidth || 700), height = 360;
    const m = { top: 14, right: 28, bottom: 26, left: 110 }, lanesH = 80;
    const dates = months.map((d) => d.date).concat(points.map((p) => p.day));
    const [lo, hi] = d3.extent(dates);
    const x = d3.scaleUtc().domain([d3.utcMonth.offset(d3.utcMonth.floor(lo), -1), d3.utcMonth.offset(d3.utcMonth.floor(hi), 2)]).range([m.left, width - m.right]);
    const up = d3.max(months, (d) => d.material_cooperation + d.verbal_cooperation) || 1;
    const down = d3.max(months, (d) => d.material_conflict + d.verbal_conflict) || 1;
    const chartBottom = height - m.bottom - lanesH;
    const y = d3.scaleLinear().domain([-down, up]).nice().range([chartBottom, m.top]);
    const svg = d3.select(box).append("svg").attr("class", "relationship").attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`);
    const g = svg.append("g");
    months.forEach((mo) => {
      let pos = 0, neg = 0;
      QUADS.forEach(([key, label, fill, sign]) => {
        const v = mo[key] || 0;
        if (!v) return;
        const y0 = sign > 0 ? pos : -neg, y1 = sign > 0 ? pos + v : -neg - v;
        if (sign > 0) pos += v; else neg += v;
        const x0 = x(mo.date), x1 = x(d3.utcMonth.offset(mo.date, 1)), pad = Math.min(6, (x1 - x0) * 0.15);
        g.append("rect").attr("class", "month-bar").attr("x", x0 + pad).attr("width", Math.max(2, x1 - x0 - 2 * pad))
          .attr("y", y(Math.max(y0, y1))).attr("height", Math.abs(y(y0) - y(y1))).attr("fill", fill)
          .on("click", () => listMonth(details, data, mo.month, key))
          .append("title").text(`${mo.month} · ${label}: ${v}`);
      });
    });
    svg.append("line").attr("x1", m.left).attr("x2", width - m.right).attr("y1", y(0)).attr("y2", y(0)).attr("class", "zero");
    svg.append("g").attr("transform", `translate(${m.left},0)`).call(d3.axisLeft(y).ticks(5).tickFormat((v) => d3.format("d")(Math.abs(v))));
    svg.append("text").attr("x", m.left + 4).attr("y", m.top + 10).attr("class", "axis-note").text("cooperation ↑");
    svg.append("text").attr("x", m.left + 4).attr("y", chartBottom - 4).attr("class", "axis-note").text("conflict ↓");
    // one lane per quad class; every event a point that opens its card
    const lane = d3.scaleBand().domain(QUADS.map((q) => q[0])).range([chartBottom + 8, height - m.bottom]).padding(0.2);
    QUADS.forEach(([key, label]) => svg.append("text").attr("class", "lane-label").attr("x", m.left - 4).attr("text-anchor", "end")
      .attr("y", lane(key) + lane.bandwidth() / 2 + 3).text(label));
    const colourOf = Object.fromEntries(QUADS.map((q) => [q[0], q[2]]));
    // points of one lane never hide each other: each sits at least a dot's width past the last
    const placed = points.filter((p) => lane(p.quad) !== undefined).sort((a, b) => a.day - b.day);
    const last = {};
    placed.forEach((p) => { p.cx = Math.max(x(p.day), (last[p.quad] ?? -Infinity) + 11); last[p.quad] = p.cx; });
    svg.append("g").selectAll("circle").data(placed).join("circle")
      .attr("class", "point").attr("r", 5).attr("cx", (p) => p.cx).attr("cy", (p) => lane(p.quad) + lane.bandwidth() / 2)
      .attr("fill", (p) => colourOf[p.quad]).attr("stroke", "#fff")
      .on("click", (event, p) => Desk.showEvent(p.id, details))
      .append("title").text((p) => `${p.date} · ${p.from} → ${p.to} · ${p.type}`);
    svg.append("g").attr("transform", `translate(0,${height - m.bottom})`).call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))));
  }

  function listMonth(details, data, month, quad) {
    clear(details);
    const pts = (data.points || []).filter((p) => (p.date || "").startsWith(month) && p.quad === quad);
    const slot = el("div");
    details.append(el("h2", { text: `${month} · ${quad.replace("_", " ")}` }),
      el("ul", { class: "events" }, pts.map((p) => el("li", { class: "event-line clickable", onclick: () => Desk.showEvent(p.id, slot) },
        Desk.typeBadge(p.type), " ", el("span", { text: `${p.from} → ${p.to} · ${p.date}` })))), slot);
  }

  // the pairs with the most events between them, to start from
  function suggest(details, edges) {
    const pairs = {};
    edges.filter((e) => e.source !== e.target).forEach((e) => {
      const k = [e.source, e.target].sort().join("|");
      pairs[k] = (pairs[k] || 0) + (e.count || 0);
    });
    const top = Object.entries(pairs).sort((a, b) => b[1] - a[1]).slice(0, 15);
    clear(details).append(el("h2", { text: "Pairs with the most events" }),
      el("ul", { class: "pairs" }, top.map(([k, n]) => {
        const [a, b] = k.split("|");
        return el("li", {}, el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); setParams({ a, b }); }, text: a + " ↔ " + b }),
          el("span", { class: "hint", text: " " + n + " event" + (n === 1 ? "" : "s") }));
      })));
  }

  function page() {
    const { main, details } = Desk.page("relationship");
    const pickBox = el("div"), box = el("div", { id: "relationship", class: "panel" });
    const legend = el("div", { class: "legend" }, QUADS.map(([k, label, fill]) => el("span", { class: "key" }, el("span", { class: "swatch", style: { background: fill } }), label)));
    main.append(el("h1", { text: "A relationship over time" }), pickBox, legend, box);
    getJSON("/api/network").then((n) => {
      clear(pickBox).appendChild(picker((n.nodes || []).slice().sort((a, b) => b.events - a.events)));
      if (!params().get("a") || !params().get("b")) suggest(details, n.edges || []);
    })
      .catch(() => clear(pickBox).appendChild(picker([])));
    const load = async () => {
      const p = params();
      const f = pickBox.querySelector("form");
      if (f) { f.elements.a.value = p.get("a") || ""; f.elements.b.value = p.get("b") || ""; }
      clear(box);
      if (!p.get("a") || !p.get("b")) { box.appendChild(el("p", { class: "hint", text: "Choose two actors (codes such as AZE and RUS)." })); return; }
      const q = filterParams(); q.set("a", p.get("a")); q.set("b", p.get("b"));
      try { chart(box, await getJSON("/api/relationship", q), details); } catch (e) { Desk.showError(box, e); }
    };
    Desk.onChange(load);
    load();
  }
  return { page };
})();
