// Coverage on real code already on this machine, against the tool that
// produces the numbers:
// - Node packages under bgr's node_modules that ship their tests (deep-is,
//   json-stable-stringify-without-jsonify: tape; safe-regex: jest), copied to
//   a temp folder; `c8 npm test` by hand vs `bgr coverage --allow-exec`.
// - Debian's Python packages that ship their tests (pyflakes, colorama,
//   simplejson), copied to a temp folder and run under coverage.py;
//   `coverage report` vs bgr reading the `.coverage` data file directly.
// Per case: wall and CPU seconds (/usr/bin/time) and the totals of both.
// The test runners come from the npm registry, installed once into
// $TMPDIR/bgr-bench-runners (BENCH_RUNNERS_DIR to reuse another folder).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(here);
const bgr = path.join(repo, "dist", "src", "cli", "main.cjs");
const c8 = path.join(path.dirname(createRequire(import.meta.url).resolve("c8/package.json")), "bin", "c8.js");
const PYTHON = "/usr/bin/python3";
const TIME = "/usr/bin/time";
const RUNNERS = { tape: "5.9.0", jest: "29.7.0" };
const runnersDir = process.env.BENCH_RUNNERS_DIR ?? path.join(tmpdir(), `bgr-bench-runners-${Object.values(RUNNERS).join("-")}`);
const work = mkdtempSync(path.join(tmpdir(), "bgr-bench-covreal-"));

for (const [tool, hint] of [[TIME, "apt-get install time"], [bgr, "npm run build"]]) {
  if (!existsSync(tool)) throw new Error(`${tool} is missing: ${hint}`);
}
if (spawnSync(PYTHON, ["-c", "import coverage, pytest"]).status !== 0) throw new Error(`${PYTHON} lacks coverage.py or pytest: apt-get install python3-coverage python3-pytest`);

function env(extra = {}) {
  const e = { ...process.env, ...extra, NO_COLOR: "1", FORCE_COLOR: "0" };
  delete e.NODE_TEST_CONTEXT;
  delete e.NODE_V8_COVERAGE;
  return e;
}

/** Runs under /usr/bin/time: wall and user+sys seconds, stdout; a failing exit is kept (failing tests are data). */
function timed(file, args, cwd, extraEnv) {
  const result = spawnSync(TIME, ["-f", "%e %U %S", file, ...args], { cwd, env: env(extraEnv), encoding: "utf8", maxBuffer: 64 << 20 });
  const last = result.stderr.trim().split("\n").pop() ?? "";
  const [wall, user, sys] = last.split(" ").map(Number);
  return { wall, cpu: user + sys, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function installRunners() {
  if (existsSync(path.join(runnersDir, "installed"))) return;
  mkdirSync(runnersDir, { recursive: true });
  const specs = Object.entries(RUNNERS).map(([n, v]) => `${n}@${v}`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-save", "--ignore-scripts", "--prefix", runnersDir, ...specs], { stdio: "ignore", env: env() });
  writeFileSync(path.join(runnersDir, "installed"), "");
}

/** A copy of the package with a node_modules of links: the runners, and the package's own dependencies from bgr's tree. */
function nodeProject(name, copy) {
  const source = path.join(repo, "node_modules", name);
  if (!existsSync(path.join(source, "package.json"))) throw new Error(`node_modules/${name} is missing: npm ci`);
  const root = path.join(work, "js", copy, name);
  cpSync(source, root, { recursive: true, dereference: true, filter: (p) => !path.relative(source, p).split(path.sep).includes("node_modules") });
  // A report shipped in the package (safe-regex has one) would be read instead of running the tests.
  for (const stale of ["coverage", ".nyc_output", "coverage.json"]) rmSync(path.join(root, stale), { recursive: true, force: true });
  const modules = path.join(root, "node_modules");
  mkdirSync(path.join(modules, ".bin"), { recursive: true });
  const link = (from, to) => existsSync(to) || symlinkSync(from, to);
  for (const entry of readdirSync(path.join(runnersDir, "node_modules"))) {
    if (entry === ".bin") continue;
    link(path.join(runnersDir, "node_modules", entry), path.join(modules, entry));
  }
  for (const bin of readdirSync(path.join(runnersDir, "node_modules", ".bin"))) link(path.join(runnersDir, "node_modules", ".bin", bin), path.join(modules, ".bin", bin));
  const pkg = JSON.parse(readFileSync(path.join(source, "package.json"), "utf8"));
  for (const dep of Object.keys(pkg.dependencies ?? {})) link(path.join(repo, "node_modules", dep), path.join(modules, dep));
  return root;
}

const pct = (c) => (c ? `${c.pct}% (${c.covered}/${c.total})` : "-");
const rows = [];

function benchNode(name) {
  // Two copies: a runner that writes its own report (jest with collectCoverage) must not hand bgr a report to read.
  const root = nodeProject(name, "c8");
  const out = path.join(work, `${name}-c8`);
  const ref = timed(process.execPath, [c8, "--reporter=json-summary", `--reports-dir=${out}`, `--temp-directory=${path.join(out, "tmp")}`, "npm", "test"], root);
  const summary = JSON.parse(readFileSync(path.join(out, "coverage-summary.json"), "utf8")).total;
  const ours = timed(process.execPath, [bgr, "coverage", "--allow-exec", "--format", "json"], nodeProject(name, "bgr"));
  if (!ours.stdout.trim()) throw new Error(`bgr coverage on ${name} printed nothing (exit ${ours.status}): ${ours.stderr.trim().split("\n").slice(-3).join(" / ")}`);
  const json = JSON.parse(ours.stdout);
  const metrics = ["lines", "statements", "branches", "functions"];
  const equal = metrics.every((m) => json.totals[m]?.covered === summary[m].covered && json.totals[m]?.total === summary[m].total);
  rows.push({
    project: `${name} (npm test: ${JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).scripts.test})`,
    peer: "c8 npm test",
    peerTime: `${ref.wall.toFixed(1)} s wall, ${ref.cpu.toFixed(1)} s CPU (exit ${ref.status})`,
    bgrTime: `${ours.wall.toFixed(1)} s wall, ${ours.cpu.toFixed(1)} s CPU (exit ${ours.status})`,
    peerTotals: metrics.map((m) => `${m} ${pct(summary[m])}`).join(", "),
    bgrTotals: metrics.map((m) => `${m} ${pct(json.totals[m])}`).join(", "),
    equal,
  });
}

function benchPython(name) {
  const root = path.join(work, "py", name);
  cpSync(`/usr/lib/python3/dist-packages/${name}`, path.join(root, name), { recursive: true, filter: (p) => !p.includes("__pycache__") });
  writeFileSync(path.join(root, ".coveragerc"), `[run]\nbranch = True\nsource = ${name}\n`);
  const pyEnv = { PYTHONDONTWRITEBYTECODE: "1" };
  const tests = timed(PYTHON, ["-m", "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider", name], root, pyEnv);
  const report = timed(PYTHON, ["-m", "coverage", "report"], root, pyEnv);
  const printed = report.stdout.split("\n").find((l) => l.startsWith("TOTAL"))?.trim().split(/\s+/) ?? [];
  execFileSync(PYTHON, ["-m", "coverage", "json", "-q", "-o", path.join(work, `${name}.json`)], { cwd: root, env: env(pyEnv) });
  const reference = JSON.parse(readFileSync(path.join(work, `${name}.json`), "utf8")).totals;
  const ours = timed(process.execPath, [bgr, "coverage", "--report", ".coverage", "--format", "json"], root);
  const json = JSON.parse(ours.stdout);
  const t = json.totals;
  const equal =
    t.statements.covered === reference.covered_lines &&
    t.statements.total === reference.num_statements &&
    t.branches.covered === reference.covered_branches &&
    t.branches.total === reference.num_branches &&
    `${t.combined.pct}%` === printed.at(-1);
  rows.push({
    project: `${name} (Debian, ${json.files.length} files; tests: ${tests.wall.toFixed(1)} s under coverage run, exit ${tests.status})`,
    peer: "coverage report",
    peerTime: `${report.wall.toFixed(1)} s wall, ${report.cpu.toFixed(1)} s CPU`,
    bgrTime: `${ours.wall.toFixed(1)} s wall, ${ours.cpu.toFixed(1)} s CPU (reads .coverage)`,
    peerTotals: `statements ${reference.covered_lines}/${reference.num_statements}, branches ${reference.covered_branches}/${reference.num_branches}, total ${printed.at(-1)}`,
    bgrTotals: `statements ${t.statements.covered}/${t.statements.total}, branches ${t.branches.covered}/${t.branches.total}, total ${t.combined.pct}%`,
    equal,
  });
}

try {
  installRunners();
  for (const name of ["deep-is", "json-stable-stringify-without-jsonify", "safe-regex"]) benchNode(name);
  for (const name of ["pyflakes", "colorama", "simplejson"]) benchPython(name);
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log("| project | peer | peer time | bgr time | peer totals | bgr totals | equal |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.project} | ${r.peer} | ${r.peerTime} | ${r.bgrTime} | ${r.peerTotals} | ${r.bgrTotals} | ${r.equal ? "yes" : "**no**"} |`);
if (rows.some((r) => !r.equal)) {
  console.error("coverage-real: bgr's totals differ from the producing tool's");
  process.exit(1);
}
