/* Starts the page named by <body data-page>: no inline script anywhere (the CSP forbids them). */
"use strict";
(() => {
  const pages = {
    map: () => DeskMap.page(), timeline: () => Timeline.page(), network: () => Network.page(),
    relationship: () => Relationship.page(), events: () => Events.page(), reader: () => Reader.page(),
    compare: () => Compare.page(), ingest: () => Ingest.page(), sources: () => Sources.page(),
    watches: () => Watches.page(),
  };
  const start = pages[document.body.getAttribute("data-page")];
  if (start) start();
})();
