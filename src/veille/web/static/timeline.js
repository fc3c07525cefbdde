/* Timeline: events per day by type (d3 stacked bars); brushing a period sets since/until.
 * Timeline.strip() is also used under the map, where the brush filters the markers. */
"use strict";

const Timeline = (() => {
  const { el, clear, colour, getJSON, filterParams, setParams, params } = Desk;
  const parseDay = d3.utcParse("%Y-%m-%d");
  const fmtDay = d3.utcFormat("%Y-%m-%d");

  // since/until as the brush's bounds (a month or a year spans its whole length)
  function bound(value, end) {
    if (!value) return null;
    const parts = value.split("-").map(Number);
    if (parts.some(isNaN)) return null;
    const [y, m, d] = [parts[0], parts[1] || (end ? 12 : 1), parts[2]];
    if (d) return new Date(Date.UTC(y, m - 1, d + (end ? 1 : 0)));
    return end ? new Date(Date.UTC(y, m, 1)) : new Date(Date.UTC(y, m - 1, 1));
  }

  /* Draw the stacked bars into `box`; the data is fetched with every filter but the period,
   * so the brush shows where the chosen period sits in the whole. */
  async function strip(box, { height = 150 } = {}) {
    const q = filterParams();
    q.delete("since"); q.delete("until");
    if (!box.firstChild) box.appendChild(el("p", { class: "hint", text: "Loading the timeline…" }));
    let data;
    try { data = await getJSON("/api/timeline", q); } catch (e) { clear(box); Desk.showError(box, e); return null; }
    clear(box);
    const days = (data.days || []).map((d) => ({ date: parseDay(d.date), counts: d.counts || {} })).filter((d) => d.date);
    const types = data.types && data.types.length ? data.types : [...new Set(days.flatMap((d) => Object.keys(d.counts)))];
    const note = el("div", { class: "timeline-note" });
    const coarse = data.coarse || {};
    note.textContent = days.length
      ? "Drag across the bars to choose a period. Not on a day: " + (coarse.month || 0) + " dated to a month, " +
        (coarse.year || 0) + " to a year, " + (data.undated || 0) + " undated."
      : "No event dated to a day matches these filters.";
    if (!days.length) { box.appendChild(note); return data; }

    const width = Math.max(320, box.clientWidth || 600);
    const margin = { top: 8, right: 12, bottom: 22, left: 30 };
    const [lo, hi] = d3.extent(days, (d) => d.date);
    // at least a fortnight wide, so a day's bar reads as a day and the axis counts days
    const pad = Math.max(1, Math.ceil((14 - d3.utcDay.count(lo, hi)) / 2));
    const x = d3.scaleUtc().domain([d3.utcDay.offset(lo, -pad), d3.utcDay.offset(hi, pad + 1)]).range([margin.left, width - margin.right]);
    const stacked = d3.stack().keys(types).value((d, k) => d.counts[k] || 0)(days);
    const ymax = d3.max(days, (d) => d3.sum(types, (k) => d.counts[k] || 0)) || 1;
    const y = d3.scaleLinear().domain([0, ymax]).nice().range([height - margin.bottom, margin.top]);
    const barW = Math.max(2, Math.min(30, x(d3.utcDay.offset(lo, 1)) - x(lo) - 1));

    const svg = d3.select(box).append("svg").attr("class", "timeline").attr("width", width).attr("height", height)
      .attr("viewBox", `0 0 ${width} ${height}`);
    svg.append("g").selectAll("g").data(stacked).join("g").attr("fill", (s) => colour(s.key))
      .attr("data-type", (s) => s.key)
      .selectAll("rect").data((s) => s.map((v) => Object.assign(v, { key: s.key })).filter((v) => v[1] > v[0])).join("rect")
      .attr("class", "bar")
      .attr("x", (v) => x(v.data.date) - barW / 2).attr("width", barW)
      .attr("y", (v) => y(v[1])).attr("height", (v) => Math.max(0, y(v[0]) - y(v[1])))
      .append("title").text((v) => fmtDay(v.data.date) + " · " + v.key + ": " + (v.data.counts[v.key] || 0));
    svg.append("g").attr("transform", `translate(0,${height - margin.bottom})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))));
    svg.append("g").attr("transform", `translate(${margin.left},0)`).call(d3.axisLeft(y).ticks(3).tickFormat(d3.format("d")));

    const brush = d3.brushX().extent([[margin.left, margin.top], [width - margin.right, height - margin.bottom]])
      .on("end", (event) => {
        if (!event.sourceEvent) return; // moved by code, not by the user
        if (!event.selection) { setParams({ since: null, until: null }); return; }
        const [a, b] = event.selection.map(x.invert);
        const since = d3.utcDay.round(a), until = d3.utcDay.offset(d3.utcDay.round(b), -1);
        setParams({ since: fmtDay(since), until: fmtDay(until < since ? since : until) });
      });
    const g = svg.append("g").attr("class", "brush").call(brush);
    const p = params();
    const s = bound(p.get("since"), false), u = bound(p.get("until"), true);
    if (s || u) {
      const a = Math.max(margin.left, s ? x(s) : margin.left), b = Math.min(width - margin.right, u ? x(u) : width - margin.right);
      if (b > a) g.call(brush.move, [a, b]);
    }
    box.appendChild(note);
    box.setAttribute("data-drawn-for", q.toString()); // which filters the bars show (tests wait on it)
    return data;
  }

  /* The timeline page: the chart, a legend, and the events of the chosen period beside it. */
  function page() {
    const { main, details } = Desk.page("timeline");
    const chart = el("div", { id: "timeline-chart", class: "panel" });
    const legend = el("div", { class: "legend", id: "legend" });
    const list = el("div", { id: "period-events" });
    main.append(el("h1", { text: "Events per day, by type" }), chart, legend, el("h2", { text: "Events of the period" }), list);
    async function load() {
      const data = await strip(chart, { height: 260 });
      clear(legend);
      const totals = {};
      ((data && data.days) || []).forEach((d) => Object.entries(d.counts || {}).forEach(([t, n]) => { totals[t] = (totals[t] || 0) + n; }));
      ((data && data.types) || []).forEach((t) => legend.appendChild(Desk.typeKey(t, t.toLowerCase() + (totals[t] ? " " + totals[t] : ""))));
      Events.list(list, details, { limit: 50 });
    }
    Desk.onChange(load);
    load();
  }
  return { strip, page };
})();
