// bgr audit against its peers, in one run and on the same files:
//   Python: Django's sources (Debian python3-django)  bgr vs Bandit
//   JS/TS:  Express stack, Hono, MCP SDK, ESLint, Zod, Ajv (from node_modules)  bgr vs ESLint + eslint-plugin-security
// For each: wall time, peak RSS (/usr/bin/time), findings; bgr cold (empty
// cache) and warm (same files again, cache filled), and the ratios.
// A missing peer tool is an error with install instructions, never a skip.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { INSTALL_HINT, prepareCorpora, REPO_ROOT } from "./corpus/prepare.mjs";

const BGR = path.join(REPO_ROOT, "dist", "src", "cli", "main.cjs");
const ESLINT = path.join(REPO_ROOT, "node_modules", ".bin", "eslint");
const ESLINT_CONFIG = path.join(REPO_ROOT, "bench", "corpus", "eslint.config.mjs");
const TIME = "/usr/bin/time";

function fail(message) {
  console.error(`bench/security: ${message}`);
  process.exit(1);
}

function requireTools() {
  if (!existsSync(BGR)) fail(`${path.relative(REPO_ROOT, BGR)} is missing; build first: npx tsc -p . (npm run bench does)`);
  if (!existsSync(TIME)) fail(`${TIME} is missing (peak memory is read from it); ${INSTALL_HINT}`);
  const bandit = spawnSync("bandit", ["--version"], { encoding: "utf8" });
  if (bandit.error || bandit.status !== 0) fail(`bandit is not installed or does not run; ${INSTALL_HINT}`);
  if (!existsSync(ESLINT)) fail(`eslint is not installed (node_modules/.bin/eslint); ${INSTALL_HINT}`);
  for (const plugin of ["eslint-plugin-security", "typescript-eslint"]) {
    if (!existsSync(path.join(REPO_ROOT, "node_modules", plugin))) fail(`${plugin} is not installed; ${INSTALL_HINT}`);
  }
  return { banditVersion: bandit.stdout.split("\n")[0].trim() };
}

/** Runs one command under /usr/bin/time; exit codes in okCodes count as success. */
function measure(label, command, args, { cwd, okCodes = [0] }) {
  const scratch = mkdtempSync(path.join(tmpdir(), "bgr-bench-time-"));
  const timeFile = path.join(scratch, "time.txt");
  const started = performance.now();
  const run = spawnSync(TIME, ["-f", "%M", "-o", timeFile, command, ...args], {
    cwd,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const timeOutput = existsSync(timeFile) ? readFileSync(timeFile, "utf8").trim().split("\n") : [];
  rmSync(scratch, { recursive: true, force: true });
  if (run.error) fail(`${label}: could not start ${command}: ${run.error.message}`);
  if (!okCodes.includes(run.status)) {
    fail(`${label} exited with ${run.status}:\n${(run.stderr || run.stdout).split("\n").slice(-15).join("\n")}`);
  }
  const peakKb = Number(timeOutput.at(-1));
  return { label, seconds, peakMb: Number.isFinite(peakKb) ? peakKb / 1024 : NaN };
}

function countLines(root, files) {
  let lines = 0;
  for (const file of files) lines += readFileSync(path.join(root, file), "utf8").split("\n").length;
  return lines;
}

function runBgr(corpus, scratch, name) {
  const out = path.join(scratch, `bgr-${name}.json`);
  const args = [BGR, "audit", "--cwd", corpus.root, "--format", "json", "--out", out];
  rmSync(path.join(corpus.root, ".agents"), { recursive: true, force: true });
  const cold = measure(`bgr audit (${name}, cold)`, process.execPath, args, { cwd: corpus.root });
  const coldReport = JSON.parse(readFileSync(out, "utf8"));
  const warm = measure(`bgr audit (${name}, warm)`, process.execPath, args, { cwd: corpus.root });
  const warmReport = JSON.parse(readFileSync(out, "utf8"));
  if (warmReport.findings.length !== coldReport.findings.length) {
    fail(`bgr audit (${name}): the warm run found ${warmReport.findings.length} findings, the cold run ${coldReport.findings.length}; the cache changes results`);
  }
  const analysed = new Set(coldReport.files);
  const listed = new Set(corpus.files);
  const notAnalysed = corpus.files.filter((file) => !analysed.has(file));
  const extra = coldReport.files.filter((file) => !listed.has(file));
  if (notAnalysed.length > 0 || extra.length > 0) {
    fail(`bgr audit (${name}) did not analyse the corpus file list: ${notAnalysed.length} skipped (${notAnalysed.slice(0, 3).join(", ")}), ${extra.length} extra (${extra.slice(0, 3).join(", ")})`);
  }
  return {
    cold: { ...cold, findings: coldReport.findings.length, errors: coldReport.errors.length },
    warm: { ...warm, findings: warmReport.findings.length, errors: warmReport.errors.length },
  };
}

function runBandit(corpus, scratch) {
  const out = path.join(scratch, "bandit.json");
  // Bandit exits 1 when it found something.
  const result = measure("bandit", "bandit", ["-q", "-f", "json", "-o", out, ...corpus.files], { cwd: corpus.root, okCodes: [0, 1] });
  const report = JSON.parse(readFileSync(out, "utf8"));
  return { ...result, findings: report.results.length, errors: report.errors.length };
}

function runEslint(corpus, scratch, cache) {
  const out = path.join(scratch, "eslint.json");
  const args = ["--config", ESLINT_CONFIG, "--no-config-lookup", "--format", "json", "-o", out];
  if (cache) args.push("--cache", "--cache-location", path.join(scratch, "eslintcache"));
  // ESLint exits 1 when it found something, 2 when it could not run.
  const label = `eslint + plugin-security${cache ? " (--cache)" : ""}`;
  const result = measure(label, ESLINT, [...args, ...corpus.files], { cwd: corpus.root, okCodes: [0, 1] });
  const report = JSON.parse(readFileSync(out, "utf8"));
  let findings = 0;
  let errors = 0;
  for (const file of report) for (const message of file.messages) message.ruleId ? findings++ : errors++;
  return { ...result, findings, errors };
}

const fmt = {
  s: (v) => `${v.toFixed(2)} s`,
  mb: (v) => (Number.isFinite(v) ? `${v.toFixed(0)} MB` : "n/a"),
  x: (v) => `${v.toFixed(2)}×`,
};

function printTable(title, rows) {
  console.log(`\n${title}`);
  console.log("| tool | wall | peak RSS | findings | errors |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.label} | ${fmt.s(r.seconds)} | ${fmt.mb(r.peakMb)} | ${r.findings} | ${r.errors} |`);
}

// warmSpeedup compares with the peer's own repeat run (ESLint --cache; Bandit
// has no cache, so its only run); warmVsPeerCold with the peer's plain run.
function ratios(peer, bgr, peerWarm = peer) {
  return {
    coldSpeedup: peer.seconds / bgr.cold.seconds,
    warmSpeedup: peerWarm.seconds / bgr.warm.seconds,
    warmVsPeerCold: peer.seconds / bgr.warm.seconds,
    coldMemory: bgr.cold.peakMb / peer.peakMb,
  };
}

const { banditVersion } = requireTools();
const corpusDir = path.join(tmpdir(), "bgr-bench-corpus");
const scratch = mkdtempSync(path.join(tmpdir(), "bgr-bench-out-"));
const corpora = await prepareCorpora(corpusDir);
const pyLines = countLines(corpora.python.root, corpora.python.files);
const jsLines = countLines(corpora.jsts.root, corpora.jsts.files);
console.log(`machine: ${(await import("node:os")).availableParallelism()} cores, node ${process.version}, ${banditVersion}`);

const pyBgr = runBgr(corpora.python, scratch, "python");
const bandit = runBandit(corpora.python, scratch);
printTable(`Python: Django (${corpora.python.files.length} files, ${pyLines} lines)`, [pyBgr.cold, pyBgr.warm, bandit]);
const pyRatio = ratios(bandit, pyBgr);
console.log(`speed-up of bgr over Bandit (Bandit time / bgr time): cold ${fmt.x(pyRatio.coldSpeedup)}, warm ${fmt.x(pyRatio.warmSpeedup)}; bgr cold peak memory ${fmt.x(pyRatio.coldMemory)} Bandit's`);

const jsBgr = runBgr(corpora.jsts, scratch, "jsts");
const eslintCold = runEslint(corpora.jsts, scratch, false);
runEslint(corpora.jsts, scratch, true); // fills ESLint's own cache
const eslintWarm = runEslint(corpora.jsts, scratch, true);
printTable(`JS/TS: Express stack, Hono, MCP SDK, ESLint, Zod, Ajv (${corpora.jsts.files.length} files, ${jsLines} lines)`, [
  jsBgr.cold, jsBgr.warm, eslintCold, eslintWarm,
]);
const jsRatio = ratios(eslintCold, jsBgr, eslintWarm);
console.log(`speed-up of bgr over ESLint (ESLint time / bgr time): cold ${fmt.x(jsRatio.coldSpeedup)}, warm ${fmt.x(jsRatio.warmSpeedup)} against ESLint --cache (${fmt.x(jsRatio.warmVsPeerCold)} against plain ESLint); bgr cold peak memory ${fmt.x(jsRatio.coldMemory)} ESLint's`);

const goals = {
  "faster than Bandit cold": pyRatio.coldSpeedup > 1,
  "faster than ESLint cold": jsRatio.coldSpeedup > 1,
  "10x faster than Bandit warm": pyRatio.warmSpeedup >= 10,
  "10x faster than ESLint warm": jsRatio.warmSpeedup >= 10,
};
console.log(`\ngoals: ${Object.entries(goals).map(([goal, met]) => `${goal}: ${met ? "met" : "NOT met"}`).join("; ")}`);

const record = {
  generated: new Date().toISOString(),
  python: { files: corpora.python.files.length, lines: pyLines, bgr: pyBgr, bandit, ratios: pyRatio },
  jsts: { files: corpora.jsts.files.length, lines: jsLines, bgr: jsBgr, eslint: { cold: eslintCold, warm: eslintWarm }, ratios: jsRatio },
  goals,
};
writeFileSync(path.join(REPO_ROOT, "dist", "bench-security.json"), JSON.stringify(record, null, 2) + "\n");
rmSync(scratch, { recursive: true, force: true });
