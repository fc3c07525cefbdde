/* Actor network: who acts on whom (d3 force layout); edges coloured by type, width by count;
 * a click on a node or an edge lists its events in the details panel. */
"use strict";

const Network = (() => {
  const { el, clear, colour, getJSON, filterParams } = Desk;

  // the events behind a node or an edge: the list route filters one actor, the other side is
  // checked here (the contract has no filter on the opposite actor)
  async function showEvents(details, { actor, role, type, other, title }) {
    clear(details);
    details.appendChild(el("h2", { text: title }));
    const box = el("div", { class: "network-events" });
    details.appendChild(box);
    const q = filterParams();
    q.set("actor", actor);
    if (role) q.set("role", role);
    if (type) { q.delete("type"); q.set("type", type); }
    q.set("limit", "1000");
    let data;
    try { data = await getJSON("/api/events", q); } catch (e) { Desk.showError(box, e); return; }
    const items = (data.items || []).filter((ev) => !other || (ev.target || []).some((c) => c === other || c.split("-")[0] === other));
    const card = el("div", { class: "event-card-slot" });
    const ul = el("ul", { class: "events" }, items.map((ev) => Desk.eventLine(ev, (e) => Desk.showEvent(e.id, card))));
    box.append(el("p", { class: "total", text: items.length + " event" + (items.length === 1 ? "" : "s") }), ul, card);
  }

  async function draw(box, details) {
    let data;
    try { data = await getJSON("/api/network", filterParams()); } catch (e) { clear(box); Desk.showError(box, e); return; }
    clear(box);
    const nodes = (data.nodes || []).map((n) => Object.assign({}, n));
    const ids = new Set(nodes.map((n) => n.id));
    const edges = (data.edges || []).filter((e) => ids.has(e.source) && ids.has(e.target)).map((e) => Object.assign({}, e));
    if (!nodes.length) { box.appendChild(el("p", { class: "hint", text: "No actor matches these filters." })); return; }
    // edges between the same pair get their own curve so each type stays visible
    const pairs = {};
    edges.forEach((e) => { const k = [e.source, e.target].sort().join("|"); e.k = (pairs[k] = (pairs[k] || 0) + 1) - 1; });
    const width = Math.max(400, box.clientWidth || 800), height = Math.max(420, box.clientHeight || 600);
    const r = d3.scaleSqrt().domain([1, d3.max(nodes, (n) => n.events) || 1]).range([6, 24]);
    const w = d3.scaleSqrt().domain([1, d3.max(edges, (e) => e.count) || 1]).range([1.5, 7]);
    const svg = d3.select(box).append("svg").attr("class", "network").attr("width", width).attr("height", height)
      .attr("viewBox", `0 0 ${width} ${height}`);
    const defs = svg.append("defs");
    Desk.TYPES.forEach((t) => defs.append("marker").attr("id", "arrow-" + t).attr("viewBox", "0 -5 10 10")
      .attr("refX", 10).attr("markerUnits", "userSpaceOnUse").attr("markerWidth", 11).attr("markerHeight", 11).attr("orient", "auto")
      .append("path").attr("d", "M0,-5L10,0L0,5").attr("fill", colour(t)));
    const link = svg.append("g").attr("class", "edges").selectAll("path").data(edges).join("path")
      .attr("class", "edge").attr("fill", "none")
      .attr("stroke", (e) => colour(e.type)).attr("stroke-width", (e) => w(e.count)).attr("stroke-opacity", 0.75)
      .attr("marker-end", (e) => Desk.TYPES.includes(e.type) ? `url(#arrow-${e.type})` : null)
      .on("click", (event, e) => showEvents(details, { actor: e.source.id, role: "source", type: e.type, other: e.target.id,
        title: `${e.source.id} → ${e.target.id}: ${e.type} (${e.count})` }));
    link.append("title").text((e) => `${e.source} → ${e.target}: ${e.type} × ${e.count}`);
    const node = svg.append("g").attr("class", "nodes").selectAll("g").data(nodes).join("g").attr("class", "node")
      .on("click", (event, n) => showEvents(details, { actor: n.id, title: `${n.label || n.id} (${n.id}): ${n.events} events` }))
      .call(d3.drag()
        .on("start", (event, n) => { if (!event.active) sim.alphaTarget(0.3).restart(); n.fx = n.x; n.fy = n.y; })
        .on("drag", (event, n) => { n.fx = event.x; n.fy = event.y; })
        .on("end", (event, n) => { if (!event.active) sim.alphaTarget(0); n.fx = null; n.fy = null; }));
    node.append("circle").attr("r", (n) => r(n.events || 1));
    node.append("text").attr("dy", (n) => r(n.events || 1) + 12).attr("text-anchor", "middle").text((n) => n.id);
    node.append("title").text((n) => `${n.label || n.id}: ${n.events} events`);
    const labels = svg.append("g").attr("class", "edge-labels").selectAll("text").data(edges).join("text")
      .attr("class", "edge-count").attr("text-anchor", "middle").text((e) => e.count > 1 ? e.count : "");

    const sim = d3.forceSimulation(nodes)
      .force("link", d3.forceLink(edges).id((n) => n.id).distance(110))
      .force("charge", d3.forceManyBody().strength(-260))
      .force("center", d3.forceCenter(width / 2, height / 2))
      .force("collide", d3.forceCollide((n) => r(n.events || 1) + 8))
      // keeps the separate groups of actors near the middle instead of pushed to the edges
      .force("x", d3.forceX(width / 2).strength(0.06))
      .force("y", d3.forceY(height / 2).strength(0.08));
    const bend = (e) => (e.k % 2 ? -1 : 1) * Math.ceil(e.k / 2) * 28;
    function curve(e) {
      const sx = e.source.x, sy = e.source.y, tx = e.target.x, ty = e.target.y;
      const dx = tx - sx, dy = ty - sy, len = Math.hypot(dx, dy) || 1;
      if (e.source === e.target) { // an actor acting on itself: a loop above it
        const rr = r(e.source.events || 1), h = rr + 26 + e.k * 10, a1 = -2.2, a2 = -0.94;
        return `M${sx + rr * Math.cos(a1)},${sy + rr * Math.sin(a1)}C${sx - rr - 14},${sy - h} ${sx + rr + 14},${sy - h} ` +
          `${sx + (rr + 2) * Math.cos(a2)},${sy + (rr + 2) * Math.sin(a2)}`;
      }
      const mx = (sx + tx) / 2 - (dy / len) * bend(e), my = (sy + ty) / 2 + (dx / len) * bend(e);
      const back = r(e.target.events || 1) + 2; // stop at the target's rim so the arrow shows
      const ex = tx - ((tx - mx) / (Math.hypot(tx - mx, ty - my) || 1)) * back, ey = ty - ((ty - my) / (Math.hypot(tx - mx, ty - my) || 1)) * back;
      return `M${sx},${sy}Q${mx},${my} ${ex},${ey}`;
    }
    // lay the graph out before the first paint (a still picture at once; dragging wakes it)
    sim.stop();
    for (let i = 0, n = nodes.length < 400 ? 300 : 60; i < n; i++) sim.tick();
    sim.on("tick", () => {
      nodes.forEach((n) => { const pad = r(n.events || 1) + 16; n.x = Math.max(pad, Math.min(width - pad, n.x)); n.y = Math.max(pad + 6, Math.min(height - pad, n.y)); });
      link.attr("d", curve);
      node.attr("transform", (n) => `translate(${n.x},${n.y})`);
      labels.each(function (e) {
        const sx = e.source.x, sy = e.source.y, tx = e.target.x, ty = e.target.y;
        const len = Math.hypot(tx - sx, ty - sy) || 1;
        const loop = e.source === e.target;
        d3.select(this)
          .attr("x", loop ? sx : (sx + tx) / 2 - ((ty - sy) / len) * bend(e) / 2)
          .attr("y", loop ? sy - r(e.source.events || 1) - 22 - e.k * 8 : (sy + ty) / 2 + ((tx - sx) / len) * bend(e) / 2 - 3);
      });
    });
    sim.on("tick")(); // draw the settled layout once
    return data;
  }

  function page() {
    const { main, details } = Desk.page("network");
    const box = el("div", { id: "network", class: "panel" });
    const legend = el("div", { class: "legend", id: "legend" });
    main.append(el("h1", { text: "Who acts on whom" }), legend, box);
    const load = async () => {
      const data = await draw(box, details);
      clear(legend);
      const types = [...new Set(((data && data.edges) || []).map((e) => e.type))].sort();
      types.forEach((t) => legend.appendChild(Desk.typeKey(t, t.toLowerCase())));
      legend.appendChild(el("span", { class: "key", text: "width: number of events · click a node or an edge" }));
    };
    Desk.onChange(load);
    load();
  }
  return { page };
})();
