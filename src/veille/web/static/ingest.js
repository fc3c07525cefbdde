/* Ingest from the desk: paste URLs or drop files, POST /api/ingest, poll the job and show
 * each input's line as the CLI prints it. */
"use strict";

const Ingest = (() => {
  const { el, clear, getJSON } = Desk;

  async function post(body, isForm) {
    const res = await fetch("/api/ingest", isForm ? { method: "POST", body } :
      { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) throw new Error(data && data.error ? data.error.message : res.status + " " + res.statusText);
    return data;
  }

  function page() {
    const { main, details } = Desk.page("ingest", { filters: false });
    const urls = el("textarea", { id: "urls", rows: 6, placeholder: "One http(s) URL a line" });
    const files = el("input", { type: "file", id: "files", multiple: true, accept: ".txt,.html,.htm,.jsonl" });
    const drop = el("div", { class: "drop", id: "drop", tabindex: 0 }, el("p", { text: "Drop .txt, .html or .jsonl files here, or " }), files);
    const picked = el("ul", { class: "picked" });
    let chosen = [];
    const showPicked = () => { clear(picked); chosen.forEach((f) => picked.appendChild(el("li", { text: f.name + " (" + f.size + " bytes)" }))); };
    files.addEventListener("change", () => { chosen = [...files.files]; showPicked(); });
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); chosen = [...e.dataTransfer.files]; showPicked(); });
    const progress = el("div", { id: "progress" });
    const lines = el("pre", { id: "outcomes", class: "outcomes" });
    const go = el("button", { type: "submit", id: "start", text: "Ingest" });
    const form = el("form", { id: "ingest-form" }, el("label", { for: "urls", text: "URLs" }), urls, drop, picked, go);
    main.append(el("h1", { text: "Ingest" }), form, progress, lines);
    details.replaceChildren(el("p", { class: "hint", text: "Inputs are read with the same limits as the command line (size, URL timeout). One job runs at a time." }));

    async function poll(job) {
      for (;;) {
        let st;
        try { st = await getJSON("/api/ingest/" + encodeURIComponent(job)); } catch (e) { Desk.showError(progress, e); break; }
        // total counts the inputs; a feed file holds several documents, so done may pass it
        const finished = st.state === "done";
        clear(progress).appendChild(el("progress", finished ? { max: 1, value: 1 } : st.total ? { max: st.total, value: Math.min(st.done, st.total) } : {}));
        progress.appendChild(el("span", { id: "progress-text", "data-state": st.state,
          text: " " + st.done + " document" + (st.done === 1 ? "" : "s") + " read" + (st.total != null ? " from " + st.total + " input" + (st.total === 1 ? "" : "s") : "") + " · " + st.state }));
        clear(lines);
        (st.outcomes || []).forEach((o) => {
          const text = (o.lines && o.lines.length ? o.lines : [o.line || [o.status, o.id, o.source, o.reason].filter(Boolean).join("  ")]);
          text.forEach((t) => lines.appendChild(el("div", { class: "outcome status-" + String(o.status || "").replace(/[^a-z]/g, "") }, t)));
        });
        if (finished) { progress.appendChild(el("a", { href: "/events", text: " → see the events" })); break; }
        await new Promise((r) => setTimeout(r, 700));
      }
      go.disabled = false;
    }

    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const list = urls.value.split(/\s+/).map((s) => s.trim()).filter(Boolean);
      const bad = list.filter((u) => !Desk.safeUrl(u));
      clear(progress); clear(lines);
      if (bad.length) { Desk.showError(progress, "not an http(s) URL: " + bad.join(", ")); return; }
      if (!list.length && !chosen.length) { Desk.showError(progress, "give a URL or a file"); return; }
      go.disabled = true;
      try {
        let job;
        if (chosen.length) {
          const fd = new FormData();
          chosen.forEach((f) => fd.append("files", f, f.name));
          job = (await post(fd, true)).job;
          if (list.length) { await poll(job); job = (await post({ urls: list })).job; }
        } else job = (await post({ urls: list })).job;
        await poll(job);
      } catch (e) { Desk.showError(progress, e); go.disabled = false; }
    });
  }
  return { page };
})();
