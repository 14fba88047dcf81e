// The router: #/runs, #/report/<path>, #/coverage[/<report>[/<file>]],
// #/trends; and the live feed that keeps the runs page current.
"use strict";
(function () {
  const { h } = BGR;
  const NAV = [
    ["runs", "Runs"],
    ["coverage", "Coverage"],
    ["trends", "Trends"],
  ];

  function nav(current) {
    const bar = document.getElementById("nav");
    // A saved single report has nothing else to navigate to.
    const items = BGR.live || (BGR.boot.data && BGR.boot.data.overview) ? NAV : [];
    bar.replaceChildren(...items.map(([key, label]) => h("a", { href: "#/" + key, class: key === current ? "active" : "" }, label)));
  }

  BGR.route = async function route() {
    const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
    let view = parts[0] || "runs";
    if (!BGR.views[view]) view = "runs";
    BGR.currentView = view;
    nav(view);
    try {
      await BGR.views[view](...parts.slice(1).filter(Boolean));
    } catch (error) {
      BGR.fail(error);
    }
  };

  function connect() {
    if (!BGR.live || typeof EventSource === "undefined") return;
    const live = document.getElementById("live");
    const source = new EventSource("/api/events");
    source.addEventListener("open", () => {
      live.textContent = "● live";
      live.className = "live on";
    });
    source.addEventListener("error", () => {
      live.textContent = "○ reconnecting";
      live.className = "live off";
    });
    source.addEventListener("runs", (event) => BGR.onRuns(JSON.parse(event.data)));
  }

  // A saved single report opens on that report, not on an empty runs page.
  const start = BGR.boot.data && BGR.boot.data.startHash;
  if (!location.hash && start) history.replaceState(null, "", start);
  window.addEventListener("hashchange", () => void BGR.route());
  connect();
  void BGR.route();
})();
