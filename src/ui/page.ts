// One HTML page carries everything it needs: the app's script and styles,
// uPlot (charts) and d3-hierarchy (treemap layout) inlined, so nothing is
// fetched from a network at view time. The live dashboard and the
// self-contained `--format html` file are the same page; the latter has its
// data embedded instead of an API to ask.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

function packageFile(relative: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`bgr is installed without ${relative}; reinstall the package`);
}

interface Assets {
  script: string;
  style: string;
}

/** In load order: lib.js defines BGR, the views register on it, app.js routes. */
const APP_SCRIPTS = ["lib.js", "runs.js", "report.js", "coverage.js", "trends.js", "app.js"];

let cached: Assets | undefined;

function assets(): Assets {
  if (cached) return cached;
  const read = (file: string): string => readFileSync(file, "utf8");
  const uplotDir = path.dirname(require.resolve("uplot/package.json"));
  const script = [
    read(path.join(uplotDir, "dist", "uPlot.iife.min.js")),
    // The package exports only its module entry; its UMD build sits beside it.
    read(path.join(path.dirname(require.resolve("d3-hierarchy")), "d3-hierarchy.min.js")),
    ...APP_SCRIPTS.map((name) => read(packageFile(path.join("ui", name)))),
  ].join("\n;\n");
  const style = [read(path.join(uplotDir, "dist", "uPlot.min.css")), read(packageFile(path.join("ui", "app.css")))].join("\n");
  cached = { script, style };
  return cached;
}

/** JSON that is safe inside a <script> element: no `</script>`, no line separators that end a JS string. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export interface PageBoot {
  mode: "live" | "static";
  title: string;
  /** Live mode: the token state-changing requests must echo. */
  csrf?: string;
  /** Static mode: everything the views need. */
  data?: unknown;
}

export function renderPage(boot: PageBoot, nonce?: string): string {
  const { script, style } = assets();
  const nonceAttr = nonce ? ` nonce="${nonce}"` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(boot.title)}</title>
<style${nonceAttr}>${style}</style>
</head>
<body>
<header class="top"><a class="brand" href="#/runs">bgr</a><nav id="nav"></nav><span id="live" class="live"></span></header>
<main id="app"><p class="muted">Loading…</p></main>
<script id="bgr-boot" type="application/json"${nonceAttr}>${scriptSafeJson(boot)}</script>
<script${nonceAttr}>${script}</script>
</body>
</html>
`;
}
