/* Map: Natural Earth borders (no tile layer), clustered event markers coloured by type and
 * sized by independent sources; the timeline strip under the map filters the markers. */
"use strict";

const DeskMap = (() => {
  const { el, clear, colour, getJSON, filterParams } = Desk;
  let map, clusters, borders;
  const MAP_MAX = 5000; // the route's most markers at once (the newest); clustering keeps them usable
  const byId = new Map();

  function size(sources) { return Math.round(12 + 5 * Math.sqrt(Math.max(1, sources || 1) - 1) * 2); }
  function markerIcon(props) {
    const s = Math.min(40, size(props.sources));
    const dot = el("span", { class: "dot", style: { background: colour(props.type), width: s + "px", height: s + "px" } });
    if ((props.sources || 1) > 1) dot.textContent = String(props.sources);
    return L.divIcon({ html: dot, className: "ev-marker", iconSize: [s, s] });
  }
  // a cluster takes the colour of its most frequent type
  function clusterIcon(cluster) {
    const counts = {};
    cluster.getAllChildMarkers().forEach((m) => { counts[m.options.evType] = (counts[m.options.evType] || 0) + 1; });
    const top = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
    const n = cluster.getChildCount();
    const s = Math.min(56, 26 + Math.round(Math.log2(n) * 5));
    const inner = el("span", { class: "cluster-dot", style: { borderColor: colour(top && top[0]), width: s + "px", height: s + "px" } }, String(n));
    return L.divIcon({ html: inner, className: "ev-cluster marker-cluster", iconSize: [s, s] });
  }

  function unwrap(geometry) {
    if (!geometry) return;
    const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    polys.forEach((poly) => poly.forEach((ring) => {
      for (let i = 1; i < ring.length; i++) {
        const d = ring[i][0] - ring[i - 1][0];
        if (d > 180) ring[i][0] -= 360; else if (d < -180) ring[i][0] += 360;
      }
    }));
  }

  // Natural Earth at 1:110m for the world, 1:50m once the user zooms in on a region
  const BORDERS = { coarse: "/static/vendor/world-atlas/countries-110m.json", fine: "/static/vendor/world-atlas/countries-50m.json" };
  const layers = {};
  async function bordersLayer(which) {
    if (!layers[which]) {
      layers[which] = getJSON(BORDERS[which]).then((world) => {
        const geo = topojson.feature(world, world.objects.countries);
        // Antarctica is only a band at this projection's edge; rings that cross the antimeridian
        // (Russia, Fiji) are unwrapped so they do not draw a line across the whole map
        geo.features = geo.features.filter((f) => f.id !== "010");
        geo.features.forEach((f) => unwrap(f.geometry));
        return L.geoJSON(geo, { style: { color: "#8a8f98", weight: 0.7, fillColor: "#eef0f2", fillOpacity: 1 }, interactive: false });
      });
    }
    return layers[which];
  }
  async function drawBorders() {
    const want = map.getZoom() >= 4 ? "fine" : "coarse";
    if (borders && borders.which === want) return;
    const layer = await bordersLayer(want);
    if ((map.getZoom() >= 4 ? "fine" : "coarse") !== want) return; // zoomed again meanwhile
    if (borders && borders.layer !== layer) map.removeLayer(borders.layer);
    layer.addTo(map).bringToBack();
    borders = { which: want, layer };
  }

  async function loadMarkers(details, legend) {
    let data;
    const count = document.getElementById("map-count");
    count.textContent = "Loading events…";
    count.classList.remove("error");
    drawNear();
    const q = filterParams();
    q.set("limit", String(MAP_MAX));
    try { data = await getJSON("/api/map", q); } catch (e) {
      clusters.clearLayers();
      count.setAttribute("data-count", "error");
      count.textContent = "Error: " + e.message;
      count.classList.add("error");
      return;
    }
    count.classList.remove("error");
    clusters.clearLayers();
    byId.clear();
    const markers = [];
    const seen = {};
    for (const f of data.features || []) {
      if (!f.geometry || !Array.isArray(f.geometry.coordinates)) continue;
      const [lon, lat] = f.geometry.coordinates;
      if (typeof lat !== "number" || typeof lon !== "number") continue;
      const p = f.properties || {};
      seen[p.type] = (seen[p.type] || 0) + 1;
      const m = L.marker([lat, lon], { icon: markerIcon(p), evType: p.type, keyboard: true,
        title: (p.type || "") + " · " + (p.date || "undated") + " · " + (p.place || "") });
      m.bindTooltip(el("span", {}, el("b", { text: p.type + (p.mode ? "/" + p.mode : "") }), " ",
        el("span", { text: (p.date || "undated") + " · " + (p.place || "") }), el("br"),
        el("span", { text: p.title || "" })), { direction: "top" });
      m.on("click", () => { select(p.id); Desk.showEvent(p.id, details, () => listEvents(details)); });
      byId.set(p.id, m);
      markers.push(m);
    }
    clusters.addLayers(markers);
    const status = document.getElementById("map-count");
    status.setAttribute("data-count", String(markers.length));
    status.textContent = typeof data.total === "number" && data.total > markers.length
      ? "the newest " + markers.length + " of " + data.total + " located events"
      : markers.length + " located event" + (markers.length === 1 ? "" : "s");
    if (data.clusters_pending) {
      status.textContent += " (independent sources still being counted: marker sizes are provisional)";
    }
    clear(legend);
    legend.appendChild(el("strong", { text: "Types" }));
    Object.keys(seen).sort().forEach((t) => legend.appendChild(Desk.typeKey(t, t.toLowerCase() + " " + seen[t])));
    if (markers.length && !loadMarkers.fitted) { map.fitBounds(L.latLngBounds(markers.map((m) => m.getLatLng())).pad(0.3), { maxZoom: 6, animate: false }); loadMarkers.fitted = true; }
  }

  // a chosen event: its marker brought into view (out of its cluster) and ringed
  function select(id) {
    document.querySelectorAll(".ev-marker.selected").forEach((n) => n.classList.remove("selected"));
    const m = byId.get(id);
    if (!m) return;
    clusters.zoomToShowLayer(m, () => { const icon = m.getElement(); if (icon) icon.classList.add("selected"); });
  }

  // the near filter as a dashed circle; a right-click on the map sets it
  let nearCircle = null;
  function drawNear() {
    if (nearCircle) { map.removeLayer(nearCircle); nearCircle = null; }
    const near = (Desk.params().get("near") || "").split(",").map(Number);
    if (near.length === 3 && near.every(isFinite) && near[2] > 0) {
      nearCircle = L.circle([near[0], near[1]], { radius: near[2] * 1000, color: "#0b5cad", weight: 1.5, dashArray: "5 4", fill: false, interactive: false }).addTo(map);
    }
  }
  function setNear(e) {
    const old = (Desk.params().get("near") || "").split(",");
    const km = old.length === 3 && Number(old[2]) > 0 ? old[2] : "100";
    Desk.setParams({ near: e.latlng.lat.toFixed(3) + "," + L.Util.wrapNum(e.latlng.lng, [-180, 180], true).toFixed(3) + "," + km });
  }

  // the details panel lists the filtered events until a marker or a line is chosen
  function listEvents(details) {
    clear(details);
    const box = el("div", { id: "map-events" });
    details.append(el("h2", { text: "Events" }), box);
    Events.list(box, details, { limit: 50, paginate: false, onPick: (e) => { select(e.id); Desk.showEvent(e.id, details, () => listEvents(details)); } });
  }

  function page() {
    const { main, details } = Desk.page("map");
    const mapBox = el("div", { id: "map" });
    const legend = el("div", { id: "legend", class: "legend" });
    const strip = el("div", { id: "timeline-strip", class: "panel" });
    main.append(el("div", { class: "map-head" }, el("span", { id: "map-count", "data-count": "" }), legend), mapBox, strip);
    map = L.map(mapBox, { worldCopyJump: true, minZoom: 1, maxZoom: 8, zoomSnap: 0.5, attributionControl: true })
      .setView([35, 30], 3);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Borders: Natural Earth");
    clusters = L.markerClusterGroup({ iconCreateFunction: clusterIcon, maxClusterRadius: 40, showCoverageOnHover: false, chunkedLoading: true });
    map.addLayer(clusters);
    drawBorders().catch((e) => Desk.status("Borders: " + e.message));
    map.on("contextmenu", setNear);
    const hint = L.control({ position: "bottomleft" });
    hint.onAdd = () => el("div", { class: "map-hint", text: "marker size: independent sources · right-click: events near a point" });
    hint.addTo(map);
    map.on("zoomend", () => drawBorders().catch((e) => Desk.status("Borders: " + e.message)));
    // markers first: on a large store the server answers one query at a time faster than three
    const load = async () => {
      await loadMarkers(details, legend);
      await Promise.all([Timeline.strip(strip, { height: 120 }), listEvents(details)]);
    };
    Desk.onChange(load);
    load();
  }
  return { page };
})();
