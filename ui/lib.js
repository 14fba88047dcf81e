// Shared by every view: the boot data, the API (live server or data embedded
// in a self-contained file), and small DOM helpers. Plain browser JS: the
// page is served as is, with no build step and nothing fetched from a CDN.
"use strict";
const BGR = (window.BGR = {});
BGR.views = {};
BGR.boot = JSON.parse(document.getElementById("bgr-boot").textContent);
BGR.live = BGR.boot.mode === "live";

/** Elements given a listener by `h`: `patch` never re-uses one whose markup changed. */
const listened = new WeakSet();

BGR.h = function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) {
      el.addEventListener(key.slice(2), value);
      listened.add(el);
    }
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
};

BGR.show = function show(...nodes) {
  const app = document.getElementById("app");
  app.replaceChildren(...nodes.flat());
};

/**
 * Makes `current` look like `fresh`, keeping every node whose markup did not
 * change. A live view re-renders on each event; a rebuilt node under the
 * pointer loses the click whose press came before it (the browser drops a
 * click whose press target left the document), and keeps no focus or
 * selection. Listeners of a kept node are its own: views give listeners only
 * what their node shows (an id), so equal markup means an equal listener.
 */
function patch(current, fresh) {
  if (current.isEqualNode(fresh)) return;
  const sameShell =
    current.nodeType === Node.ELEMENT_NODE && fresh.nodeType === Node.ELEMENT_NODE &&
    current.tagName === fresh.tagName && !listened.has(current) && !listened.has(fresh) &&
    current.childNodes.length === fresh.childNodes.length;
  if (current.nodeType === Node.TEXT_NODE && fresh.nodeType === Node.TEXT_NODE) {
    current.data = fresh.data;
    return;
  }
  if (!sameShell) {
    current.replaceWith(fresh);
    return;
  }
  for (const { name } of [...current.attributes]) if (!fresh.hasAttribute(name)) current.removeAttribute(name);
  for (const { name, value } of fresh.attributes) if (current.getAttribute(name) !== value) current.setAttribute(name, value);
  const freshChildren = [...fresh.childNodes];
  [...current.childNodes].forEach((child, i) => patch(child, freshChildren[i]));
}

/** `show` for a view already on screen that re-renders itself: changes only what changed. */
BGR.update = function update(...nodes) {
  const app = document.getElementById("app");
  const fresh = nodes.flat();
  if (app.childNodes.length !== fresh.length) return app.replaceChildren(...fresh);
  [...app.childNodes].forEach((child, i) => patch(child, fresh[i]));
};

BGR.fail = function fail(error) {
  BGR.show(BGR.h("div", { class: "error", role: "alert" }, String(error && error.message ? error.message : error)));
};

/** Live: ask the server. Static: answer from the embedded data, the same shapes. */
BGR.api = {
  async get(path, params) {
    if (!BGR.live) return BGR.staticAnswer(path, params || {});
    const query = new URLSearchParams(params || {}).toString();
    const res = await fetch(path + (query ? "?" + query : ""), { credentials: "same-origin" });
    const body = await res.json().catch(() => ({ error: res.statusText }));
    if (!res.ok) throw new Error(body.error || res.statusText);
    return body;
  },
  async post(path, body) {
    if (!BGR.live) throw new Error("this is a saved copy: open the live dashboard (bgr ui) to change anything");
    const res = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-bgr-csrf": BGR.boot.csrf },
      body: JSON.stringify(body),
    });
    const answer = await res.json().catch(() => ({ error: res.statusText }));
    if (!res.ok) throw new Error(answer.error || res.statusText);
    return answer;
  },
};

BGR.staticAnswer = function staticAnswer(path, params) {
  const data = BGR.boot.data || {};
  if (path === "/api/overview") return data.overview || { workspace: BGR.boot.title, sessions: [], reports: [] };
  if (path === "/api/trends") return data.trends || [];
  if (path === "/api/report") {
    const detail = (data.reports || {})[params.ref];
    if (!detail) throw new Error("this file does not hold report " + params.ref);
    return detail;
  }
  if (path === "/api/source") {
    const text = (data.files || {})[params.file];
    if (text === undefined) throw new Error("this saved copy does not include the source of " + params.file);
    return { file: params.file, text };
  }
  throw new Error("not available in a saved copy: " + path);
};

BGR.link = (hash, text, attrs) => BGR.h("a", Object.assign({ href: hash }, attrs || {}), text);
BGR.enc = (value) => encodeURIComponent(value);

BGR.elapsed = function elapsed(started, ended) {
  const ms = (ended ? Date.parse(ended) : Date.now()) - Date.parse(started);
  if (!Number.isFinite(ms) || ms < 0) return "";
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + "s";
  const m = Math.floor(s / 60);
  if (m < 60) return m + "m " + (s % 60) + "s";
  return Math.floor(m / 60) + "h " + (m % 60) + "m";
};

BGR.badge = (text, kind) => BGR.h("span", { class: "badge " + (kind || String(text).toLowerCase()) }, text);

BGR.pct = (value) => (typeof value === "number" ? value.toFixed(value % 1 === 0 ? 0 : 2) + "%" : "–");

/** Red (0%) through amber to green (100%). */
BGR.coverageColor = function coverageColor(pct) {
  if (typeof pct !== "number") return "#9aa0a6";
  const hue = Math.max(0, Math.min(120, (pct / 100) * 120));
  return "hsl(" + hue + ", 62%, 46%)";
};

BGR.isTestPath = (file) => /(^|\/)(tests?|__tests__|spec|specs|fixtures?|examples?)(\/|$)|[._-](test|spec)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$|_test\.py$/i.test(file || "");

BGR.isTestFinding = (finding) => {
  const props = finding.properties || {};
  if (props.testCode === true || (Array.isArray(props.tags) && props.tags.includes("test-code"))) return true;
  return BGR.isTestPath(finding.file);
};

/** The lines of one file around `line`, from a report's excerpts, with `line` marked. */
BGR.codeBlock = function codeBlock(sources, file, line, marked) {
  const lines = (sources || {})[file];
  if (!lines || !line) return null;
  const numbers = Object.keys(lines).map(Number).filter((n) => Math.abs(n - line) <= 3).sort((a, b) => a - b);
  if (numbers.length === 0) return null;
  const marks = new Set(marked || [line]);
  return BGR.h(
    "pre",
    { class: "code" },
    numbers.map((n) =>
      BGR.h("span", { class: marks.has(n) ? "ln hit" : "ln" }, BGR.h("span", { class: "no" }, String(n)), lines[n], "\n"),
    ),
  );
};
