// bench/ui: how long the dashboard takes to show a busy workspace — 100 runs
// on one session and a 20k-file coverage report — in Debian's chromium
// (puppeteer-core). Each sample opens a fresh page and stops the clock when
// the view is drawn (all 100 rows; the treemap with 20k tiles), alternating
// the views so load on the machine hits them alike.
// Run after the build: `npm run bench ui` (or node bench/ui.mjs).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const BGR = path.join(here, "..", "dist", "src", "cli", "main.cjs");
const CHROMIUM = process.env.BGR_CHROMIUM ?? "/usr/bin/chromium";
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const FILES = Number(process.env.BENCH_UI_FILES ?? 20000);
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 100);
const SESSION = ".agents/sessions/20260123-140000-bench.md";

const bgr = (args, cwd) => execFileSync(process.execPath, [BGR, ...args], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

function workspace() {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), "bgr-bench-ui-")));
  mkdirSync(path.join(root, ".agents", "sessions"), { recursive: true });
  writeFileSync(path.join(root, SESSION), "---\ntitle: bench\nbackground_agents:\n---\n\nBody.\n");
  const lcov = [];
  for (let i = 0; i < FILES; i++) {
    const rel = `src/pkg${Math.floor(i / 200)}/mod${i % 200}.js`;
    mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
    writeFileSync(path.join(root, rel), Array.from({ length: 20 }, (_, l) => `export const v${l} = ${l};`).join("\n") + "\n");
    const hit = (i * 7) % 21;
    lcov.push(`SF:${rel}`, ...Array.from({ length: 20 }, (_, l) => `DA:${l + 1},${l < hit ? 1 : 0}`), "LF:20", `LH:${Math.min(hit, 20)}`, "end_of_record");
  }
  writeFileSync(path.join(root, "big.info"), `TN:\n${lcov.join("\n")}\n`);
  writeFileSync(path.join(root, "small.info"), "TN:\nSF:src/pkg0/mod0.js\nDA:1,1\nDA:2,0\nLF:2\nLH:1\nend_of_record\n");
  return root;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;

const root = workspace();
let server;
let browser;
try {
  let t = Date.now();
  const big = JSON.parse(bgr(["run", "--kind", "coverage-analysis", "--task", "Coverage of everything", "--report", "big.info", "--session", SESSION, "--json"], root));
  console.log(`coverage run over ${FILES} files: ${Date.now() - t} ms`);
  t = Date.now();
  const ids = [];
  for (let i = 1; i < RUNS; i++) {
    ids.push(JSON.parse(bgr(["spawn", "--kind", "coverage-analysis", "--task", `Coverage check ${i}`, "--report", "small.info", "--session", SESSION, "--json"], root)).id);
  }
  bgr(["wait", ...ids, "--timeout", "600"], root);
  console.log(`${RUNS - 1} more runs spawned and settled: ${Date.now() - t} ms`);

  server = spawn(process.execPath, [BGR, "ui", "--json"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const { url } = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (chunk) => {
      out += chunk;
      try {
        resolve(JSON.parse(out));
      } catch {
        // not all of it yet
      }
    });
    server.on("exit", (code) => reject(new Error(`bgr ui exited ${code}`)));
  });

  browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--headless=new", "--disable-gpu"] });
  const views = {
    [`runs page, ${RUNS} runs`]: { hash: "#/runs", ready: (page) => page.waitForFunction((n) => document.querySelectorAll("tr.run").length >= n, { polling: "mutation" }, RUNS) },
    [`coverage page, ${FILES} files`]: {
      hash: `#/coverage/${encodeURIComponent(big.report)}`,
      ready: (page) => page.waitForSelector(`canvas.treemap[data-leaves="${FILES}"]`, { timeout: 120_000 }),
    },
    "trends page": { hash: "#/trends", ready: (page) => page.waitForSelector(".chart .uplot") },
  };
  const times = Object.fromEntries(Object.keys(views).map((k) => [k, []]));
  for (let s = 0; s < SAMPLES; s++) {
    for (const [name, view] of Object.entries(views)) {
      const page = await browser.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      const start = performance.now();
      await page.goto(url + view.hash, { waitUntil: "domcontentloaded" });
      await view.ready(page);
      times[name].push(performance.now() - start);
      await page.close();
    }
  }
  console.log(`\nbgr ui page load to drawn view, ${SAMPLES} samples each (median, min, max):`);
  for (const [name, xs] of Object.entries(times)) console.log(`  ${name.padEnd(28)} ${fmt(xs)}`);
} finally {
  await browser?.close();
  server?.kill("SIGTERM");
  rmSync(root, { recursive: true, force: true });
}
