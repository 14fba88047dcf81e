// `npm run bench:owasp`: the OWASP Benchmark for Python, scored the way OWASP
// scores it (per category TPR - FPR, mean over categories). The benchmark is
// never audited in place: its test cases and helpers are copied to a temporary
// folder, `bgr audit --format sarif` runs there, and the benchmark's own
// score.py reads the SARIF. Where it lives: $BGR_OWASP_DIR, else the first
// shared/benchmarks/BenchmarkPython found above this checkout.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { owaspBenchmarkDir, REPO_ROOT } from "./corpus/prepare.mjs";
const BGR = path.join(REPO_ROOT, "dist", "src", "cli", "main.cjs");

function fail(message) {
  console.error(`bench/owasp: ${message}`);
  process.exit(1);
}

const bench = owaspBenchmarkDir();
if (!bench || !existsSync(path.join(bench, "score.py"))) {
  fail("the OWASP Benchmark for Python was not found (no shared/benchmarks/BenchmarkPython above this checkout); set BGR_OWASP_DIR to its folder (it holds testcode/, helpers/, score.py and expectedresults-*.csv)");
}
if (!existsSync(BGR)) fail(`${path.relative(REPO_ROOT, BGR)} is missing; build first: npm run build`);
const expected = ["expectedresults-0.1.csv"].map((f) => path.join(bench, f)).find(existsSync);
if (!expected) fail(`${bench} has no expectedresults-0.1.csv`);

const work = mkdtempSync(path.join(tmpdir(), "bgr-owasp-"));
try {
  for (const part of ["testcode", "helpers"]) cpSync(path.join(bench, part), path.join(work, part), { recursive: true });
  const sarif = path.join(work, "..", `${path.basename(work)}.sarif`);
  const started = performance.now();
  const audit = spawnSync(process.execPath, [BGR, "audit", "--no-cache", "--format", "sarif", "--out", sarif, "."], { cwd: work, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  // Exit 1 means "findings at or above --fail-on": expected here.
  if (audit.status !== 0 && audit.status !== 1) fail(`bgr audit exited ${audit.status}: ${audit.stderr.trim()}`);
  const score = spawnSync("python3", [path.join(bench, "score.py"), expected, sarif], { encoding: "utf8" });
  if (score.error) fail(`python3 is needed to run score.py: ${score.error.message}`);
  if (score.status !== 0) fail(`score.py failed: ${score.stderr.trim()}`);
  console.log(score.stdout.trim());
  console.log(`audit of ${path.basename(bench)}: ${seconds.toFixed(1)} s`);
  rmSync(sarif, { force: true });
} finally {
  rmSync(work, { recursive: true, force: true });
}
