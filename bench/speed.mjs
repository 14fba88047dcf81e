// How fast bgr is, side by side with its peers and floors, in one run:
// every workload runs its commands alternately (bgr, peer, bgr, peer …) for
// BENCH_ROUNDS rounds (default 3) and reports medians with min–max, wall and
// CPU (user+sys), and peak RSS, all from /usr/bin/time. The machine is shared,
// so only numbers from the same run are compared.
//   python   bgr audit cold / warm vs Bandit on the OWASP Python benchmark (copied to a temp dir)
//   jsts     bgr audit cold / warm vs ESLint + eslint-plugin-security (plain and --cache) on node_modules code
//   large    the three largest .js files under 2 MB in node_modules: bgr vs tree-sitter parsing them alone
//   startup  the README's command, `bgr spawn`, a one-file audit, each vs `node -e 0`
//   scale    a cold audit of 1x, 4x and 16x copies of a slice of the Python benchmark
// `node bench/speed.mjs [workload…]` runs only those. Results: dist/bench-speed.json.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { INSTALL_HINT, owaspBenchmarkDir, prepareCorpora, REPO_ROOT } from "./corpus/prepare.mjs";

const BGR = path.join(REPO_ROOT, "dist", "src", "cli", "main.cjs");
const ESLINT = path.join(REPO_ROOT, "node_modules", ".bin", "eslint");
const ESLINT_CONFIG = path.join(REPO_ROOT, "bench", "corpus", "eslint.config.mjs");
const OWASP_PYTHON = process.env.BGR_BENCH_OWASP ?? owaspBenchmarkDir() ?? "shared/benchmarks/BenchmarkPython";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TIME = "/usr/bin/time";
const only = process.argv.slice(2);
const wanted = (name) => only.length === 0 || only.includes(name);

function fail(message) {
  console.error(`bench/speed: ${message}`);
  process.exit(1);
}

if (!existsSync(BGR)) fail("dist/ is missing; build first (npm run bench does)");
if (!existsSync(TIME)) fail(`${TIME} is missing; ${INSTALL_HINT}`);

/** One command under /usr/bin/time: wall, cpu (s) and peak RSS (MB). */
function measure(command, args, { cwd, okCodes = [0], env } = {}) {
  const scratch = mkdtempSync(path.join(tmpdir(), "bgr-bench-time-"));
  const timeFile = path.join(scratch, "t");
  // Wall time from this process's clock, to the millisecond: /usr/bin/time's %e has 10 ms steps,
  // a tenth of a warm audit. CPU and peak RSS come from /usr/bin/time (CPU in 10 ms steps).
  const started = process.hrtime.bigint();
  const run = spawnSync(TIME, ["-f", "%e %U %S %M", "-o", timeFile, command, ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: env ? { ...process.env, ...env } : process.env,
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const line = existsSync(timeFile) ? readFileSync(timeFile, "utf8").trim().split("\n").at(-1) : "";
  rmSync(scratch, { recursive: true, force: true });
  if (run.error) fail(`could not start ${command}: ${run.error.message}`);
  if (!okCodes.includes(run.status)) fail(`${command} ${args.join(" ")} exited with ${run.status}:\n${(run.stderr || run.stdout).split("\n").slice(-10).join("\n")}`);
  const [, user, sys, kb] = line.split(" ").map(Number);
  return { wall: elapsed, cpu: user + sys, rss: kb / 1024, stdout: run.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
function summary(samples) {
  const pick = (k) => samples.map((s) => s[k]);
  const stat = (k) => ({ median: median(pick(k)), min: Math.min(...pick(k)), max: Math.max(...pick(k)) });
  return { wall: stat("wall"), cpu: stat("cpu"), rss: stat("rss"), n: samples.length };
}

/** Runs each step once per round, in order, so the steps alternate; returns a summary per step. */
function alternate(steps) {
  const samples = Object.fromEntries(steps.map((s) => [s.label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const step of steps) {
      step.before?.();
      const sample = step.run();
      samples[step.label].push(sample);
      step.after?.(sample);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([label, s]) => [label, summary(s)]));
}

const fmtRange = (s, unit, digits = 2) => `${s.median.toFixed(digits)}${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
function table(title, results, baseline) {
  console.log(`\n${title}`);
  console.log(`| command | wall | CPU | peak RSS | wall vs ${baseline} |`);
  console.log("|---|---:|---:|---:|---:|");
  const base = results[baseline];
  for (const [label, r] of Object.entries(results)) {
    const ratio = r.wall.median / base.wall.median;
    console.log(`| ${label} | ${fmtRange(r.wall, " s", r.wall.median < 1 ? 3 : 2)} | ${fmtRange(r.cpu, " s")} | ${r.rss.median.toFixed(0)} MB | ${ratio.toFixed(2)}× |`);
  }
}

const scratch = mkdtempSync(path.join(tmpdir(), "bgr-bench-speed-"));
const record = { generated: new Date().toISOString(), cores: availableParallelism(), node: process.version, rounds: ROUNDS };
const bgrAudit = (root, extra = []) => [BGR, "audit", "--cwd", root, "--format", "json", "--out", path.join(scratch, "bgr.json"), ...extra];
const dropCache = (root) => () => rmSync(path.join(root, ".agents"), { recursive: true, force: true });

function listFiles(root, ext) {
  return readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(ext) && statSync(path.join(root, f)).isFile());
}

/** Reads and tree-sitter parses files, nothing else: the floor under any analysis of them. */
const PARSE_ONLY = path.join(scratch, "parse-only.mjs");
writeFileSync(
  PARSE_ONLY,
  `import { readFileSync } from "node:fs";
import { parseSource } from ${JSON.stringify(path.join(REPO_ROOT, "dist/src/lang/parsers.js"))};
const [language, ...files] = process.argv.slice(2);
let nodes = 0;
for (const file of files) nodes += parseSource(language, readFileSync(file, "utf8")).rootNode.descendantCount;
console.log(nodes);
`,
);

if (wanted("python")) {
  if (!existsSync(OWASP_PYTHON)) fail(`the OWASP Python benchmark is missing at ${OWASP_PYTHON}; set BGR_BENCH_OWASP`);
  if (spawnSync("bandit", ["--version"]).status !== 0) fail(`bandit does not run; ${INSTALL_HINT}`);
  const root = path.join(scratch, "owasp-python");
  cpSync(OWASP_PYTHON, root, { recursive: true });
  const files = listFiles(root, ".py");
  const lines = files.reduce((n, f) => n + readFileSync(path.join(root, f), "utf8").split("\n").length, 0);
  measure(process.execPath, bgrAudit(root)); // fills the cache for the first warm run
  const results = alternate([
    { label: "bgr audit, cold", before: dropCache(root), run: () => measure(process.execPath, bgrAudit(root), { cwd: root }) },
    { label: "Bandit", run: () => measure("bandit", ["-q", "-r", ".", "-f", "json", "-o", path.join(scratch, "bandit.json")], { cwd: root, okCodes: [0, 1] }) },
    { label: "bgr audit, warm", run: () => measure(process.execPath, bgrAudit(root), { cwd: root }) },
    { label: "read + parse alone", run: () => measure(process.execPath, [PARSE_ONLY, "python", ...files], { cwd: root }) },
  ]);
  table(`Python: OWASP BenchmarkPython (${files.length} files, ${lines} lines)`, results, "Bandit");
  record.python = { files: files.length, lines, results };
}

if (wanted("jsts")) {
  const corpora = await prepareCorpora(path.join(scratch, "corpora"));
  const { root, files } = corpora.jsts;
  const eslint = (cache) => [
    "--config", ESLINT_CONFIG, "--no-config-lookup", "--format", "json", "-o", path.join(scratch, "eslint.json"),
    ...(cache ? ["--cache", "--cache-location", path.join(scratch, "eslintcache")] : []), ...files,
  ];
  measure(process.execPath, bgrAudit(root));
  measure(ESLINT, eslint(true), { cwd: root, okCodes: [0, 1] });
  const results = alternate([
    { label: "bgr audit, cold", before: dropCache(root), run: () => measure(process.execPath, bgrAudit(root), { cwd: root }) },
    { label: "ESLint + plugin-security", run: () => measure(ESLINT, eslint(false), { cwd: root, okCodes: [0, 1] }) },
    { label: "bgr audit, warm", run: () => measure(process.execPath, bgrAudit(root), { cwd: root }) },
    { label: "ESLint --cache, warm", run: () => measure(ESLINT, eslint(true), { cwd: root, okCodes: [0, 1] }) },
  ]);
  table(`JS/TS: Express stack, Hono, MCP SDK, ESLint, Zod, Ajv from node_modules (${files.length} files)`, results, "ESLint + plugin-security");
  record.jsts = { files: files.length, results };
}

if (wanted("large")) {
  const candidates = readdirSync(path.join(REPO_ROOT, "node_modules"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".js"))
    .map((f) => ({ f, size: statSync(path.join(REPO_ROOT, "node_modules", f)).size }))
    .filter((c) => c.size < 2 * 1024 * 1024)
    .sort((a, b) => b.size - a.size)
    .slice(0, 3);
  const root = path.join(scratch, "large");
  mkdirSync(root);
  const copies = candidates.map((c, i) => {
    const name = `f${i}-${path.basename(c.f)}`;
    cpSync(path.join(REPO_ROOT, "node_modules", c.f), path.join(root, name));
    return name;
  });
  const results = alternate([
    { label: "bgr audit --no-cache", run: () => measure(process.execPath, bgrAudit(root, ["--no-cache"]), { cwd: root }) },
    { label: "tree-sitter parse alone", run: () => measure(process.execPath, [PARSE_ONLY, "javascript", ...copies], { cwd: root }) },
  ]);
  table(`Large JS files: ${candidates.map((c) => `${c.f} (${(c.size / 1024).toFixed(0)} KB)`).join(", ")}`, results, "tree-sitter parse alone");
  const ratio = results["bgr audit --no-cache"].rss.median / results["tree-sitter parse alone"].rss.median;
  console.log(`peak RSS, bgr / parse alone: ${ratio.toFixed(2)}×`);
  record.large = { files: candidates, results, rssRatio: ratio };
}

if (wanted("startup")) {
  const example = path.join(scratch, "auth-app");
  const reseed = () => {
    rmSync(example, { recursive: true, force: true });
    cpSync(path.join(REPO_ROOT, "examples", "auth-app"), example, { recursive: true, filter: (s) => !/[\\/]\.agents([\\/]|$)/.test(path.relative(REPO_ROOT, s)) });
    cpSync(path.join(example, ".agents-seed"), path.join(example, ".agents"), { recursive: true });
  };
  reseed();
  const results = alternate([
    { label: "node -e 0", run: () => measure(process.execPath, ["-e", "0"]) },
    // What a newcomer types after `npm ci`, on a fresh copy of the example each time.
    { label: "README: node dist/src/cli/main.cjs run --cwd examples/auth-app -p task.md", before: reseed, run: () => measure(process.execPath, [BGR, "run", "--cwd", example, "-p", "task.md"], { cwd: example }) },
    {
      label: "bgr spawn",
      before: reseed,
      run: () => measure(process.execPath, [BGR, "spawn", "--task", "Security audit", "--files", "src/auth/token.py", "--session", ".agents/sessions/20260123-140000-auth-feature.md", "--json"], { cwd: example }),
      // The runner it started works in the background; it must finish before the next command is timed.
      after: (sample) => spawnSync(process.execPath, [BGR, "wait", JSON.parse(sample.stdout).id, "--timeout", "60"], { cwd: example }),
    },
    { label: "bgr audit (one file, --no-cache)", run: () => measure(process.execPath, [BGR, "audit", "--cwd", example, "src/auth/token.py", "--no-cache", "--format", "json", "--out", path.join(scratch, "one.json")], { cwd: example, okCodes: [0, 1] }) },
  ]);
  table("Start-up: commands vs `node -e 0`", results, "node -e 0");
  record.startup = results;
}

if (wanted("scale")) {
  if (!existsSync(OWASP_PYTHON)) fail(`the OWASP Python benchmark is missing at ${OWASP_PYTHON}; set BGR_BENCH_OWASP`);
  const slice = listFiles(path.join(OWASP_PYTHON, "testcode"), ".py").sort().slice(0, 150);
  const results = {};
  for (const copies of [1, 4, 16]) {
    const root = path.join(scratch, `scale-${copies}`);
    for (let c = 0; c < copies; c++) {
      for (const f of slice) cpSync(path.join(OWASP_PYTHON, "testcode", f), path.join(root, `copy${c}`, f));
    }
    results[`${copies}× (${copies * slice.length} files)`] = summary([measure(process.execPath, bgrAudit(root, ["--no-cache"]), { cwd: root })]);
    rmSync(root, { recursive: true, force: true });
  }
  table("Scale: cold audit of copies of 150 OWASP Python files (one run each)", results, Object.keys(results)[0]);
  record.scale = results;
}

mkdirSync(path.join(REPO_ROOT, "dist"), { recursive: true });
writeFileSync(path.join(REPO_ROOT, "dist", "bench-speed.json"), `${JSON.stringify(record, null, 2)}\n`);
rmSync(scratch, { recursive: true, force: true });
