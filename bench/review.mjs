// bgr review on two changes, timed per check:
//   synthetic: a generated repository (400 JS/TS/Python files) and a feature
//              branch that edits 100 of them, adds 20 and pastes 5 copied blocks;
//   mirror:    the same feature branch reviewed with main checked out (--head),
//              so the security engine runs on a temporary mirror of the branch;
//              its findings must equal the checked-out run's;
//   renames:   one file whose 400 near-identical functions are all renamed:
//              time to pair them, and how many paired with their own old self;
//   flask:     Debian's Flask 2.2.2 in a temporary repository and a Flask-2.3-style
//              refactor on a branch (annotations modernised across 15 modules,
//              the stack shims retired, __version__ deprecated through
//              __getattr__, get_env removed, get_root_path moved and re-exported,
//              one keyword-only change, a one-condition bug fix);
//   history:   this repository's last 10 non-merge commits, each reviewed on its own
//              (--base C^ --head C) in a temporary clone.
// Reports wall time, changed lines per second, findings per 1,000 changed
// lines, findings by rule, and that the pasted clones were all found;
// `--list` prints every finding of the real-code runs for a read sample.
// Requires git and python3-flask (fails, never skips, without them).
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { codeReviewEngine } = await import(path.join(REPO_ROOT, "dist/src/engines/code-review/index.js"));
const { extractFunctions } = await import(path.join(REPO_ROOT, "dist/src/engines/code-review/functions.js"));
const { matchPriorVersions } = await import(path.join(REPO_ROOT, "dist/src/engines/code-review/renames.js"));
const { parseSource } = await import(path.join(REPO_ROOT, "dist/src/lang/parsers.js"));

function git(cwd, ...args) {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function jsModule(index) {
  const fns = Array.from({ length: 8 }, (_, f) => `export function step${index}_${f}(items, limit) {
  const out = [];
  for (const item of items) {
    if (item.weight > limit * ${f + 1}) out.push({ id: item.id + ${index}, score: item.weight / ${f + 2} });
    else if (item.tags?.includes("k${f}")) out.push({ id: item.id, score: ${index * f} });
  }
  return out;
}
`);
  return fns.join("\n");
}

function pyModule(index) {
  return Array.from({ length: 8 }, (_, f) => `def step_${index}_${f}(items, limit):
    out = []
    for item in items:
        if item["weight"] > limit * ${f + 1}:
            out.append({"id": item["id"] + ${index}, "score": item["weight"] / ${f + 2}})
        elif "k${f}" in item.get("tags", []):
            out.append({"id": item["id"], "score": ${index * f}})
    return out

`).join("");
}

const pasted = `export function reconcile(ledger, payments) {
  const byId = new Map(ledger.map((entry) => [entry.id, entry]));
  const missing = [];
  for (const payment of payments) {
    const entry = byId.get(payment.ledgerId);
    if (!entry) { missing.push(payment.id); continue; }
    entry.paid = (entry.paid ?? 0) + payment.amount;
    entry.status = entry.paid >= entry.amount ? "settled" : "partial";
  }
  return { missing, settled: ledger.filter((entry) => entry.status === "settled").length };
}
`;

function buildSynthetic() {
  const root = mkdtempSync(path.join(tmpdir(), "bgr-bench-review-"));
  git(root, "-c", "init.defaultBranch=main", "init", "-q");
  git(root, "config", "user.name", "bench");
  git(root, "config", "user.email", "bench@bench.invalid");
  const write = (file, text) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  for (let i = 0; i < 400; i++) {
    if (i % 3 === 2) write(`pkg/mod_${i}.py`, pyModule(i));
    else write(`src/mod${i}.${i % 3 === 0 ? "js" : "ts"}`, jsModule(i));
  }
  write("src/ledger.js", pasted);
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "base");
  git(root, "checkout", "-q", "-b", "feature");
  for (let i = 0; i < 400; i += 4) {
    const file = i % 3 === 2 ? `pkg/mod_${i}.py` : `src/mod${i}.${i % 3 === 0 ? "js" : "ts"}`;
    const extra = i % 3 === 2
      ? `\ndef added_${i}(a, b):\n    try:\n        return a / b\n    except:\n        print("oops")\n`
      : `\nexport function added${i}(a, b) {\n  if (a && b || !a) { console.log("x"); }\n  try { return a / b; } catch (e) {}\n}\n`;
    execFileSync("sh", ["-c", `cat >> '${file}'`], { cwd: root, input: extra });
  }
  for (let i = 0; i < 20; i++) write(`src/new/feature${i}.ts`, jsModule(1000 + i) + (i < 5 ? `\n${pasted.replace("reconcile", `reconcile${i}`)}` : ""));
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "feature");
  return root;
}

async function review(root, options) {
  const timings = [];
  const started = performance.now();
  const result = await codeReviewEngine.run({
    root, scope: [], task: "bench", instructions: "", options: { allowExec: false, ...options },
    signal: new AbortController().signal, progress() {}, cacheDir: path.join(root, ".agents/cache/code-review"),
    log: (message) => { const m = /^(.*) check: (\d+) ms$/.exec(message); if (m) timings.push(`${m[1]} ${m[2]} ms`); },
  });
  return { result, ms: performance.now() - started, timings };
}

const LIST = process.argv.includes("--list");

function perKilo(findings, change) {
  const changed = change.additions + change.deletions;
  return changed === 0 ? "n/a" : ((findings * 1000) / changed).toFixed(1);
}

function summarize(label, { result, ms, timings }) {
  const change = result.data.change;
  const byRule = {};
  for (const finding of result.findings) byRule[finding.ruleId] = (byRule[finding.ruleId] ?? 0) + 1;
  console.log(`\n${label}: ${change.files} files, +${change.additions} −${change.deletions}`);
  console.log(`  wall ${(ms / 1000).toFixed(2)} s, ${Math.round(change.additions / (ms / 1000))} added lines/s, verdict ${result.data.verdict}, ${result.findings.length} findings (${perKilo(result.findings.length, change)} per 1k changed lines)`);
  console.log(`  checks: ${timings.join(", ")}`);
  console.log(`  by rule: ${Object.entries(byRule).sort((a, b) => b[1] - a[1]).map(([rule, n]) => `${rule} ${n}`).join(", ")}`);
  const notes = result.sections.find((section) => section.heading === "Review Notes")?.body ?? "";
  console.log(`  notes: ${notes.split("\n").map((line) => line.replace(/^- /, "")).join(" | ")}`);
}

try {
  git(REPO_ROOT, "--version");
} catch {
  console.error("bench/review: git is not installed: apt-get install -y git");
  process.exit(1);
}

const synthetic = buildSynthetic();
try {
  const run = await review(synthetic, {});
  summarize("synthetic", run);
  const clones = run.result.findings.filter((f) => f.ruleId === "review/duplicate-code" && f.properties.duplicateOf.file === "src/ledger.js");
  console.log(`  pasted blocks found: ${clones.length}/5`);
  if (clones.length !== 5) process.exitCode = 1;

  git(synthetic, "checkout", "-q", "main");
  const mirrored = await review(synthetic, { head: "feature" });
  summarize("mirror (feature not checked out)", mirrored);
  const key = (f) => `${f.ruleId}@${f.file}:${f.line}`;
  const same = JSON.stringify(mirrored.result.findings.map(key)) === JSON.stringify(run.result.findings.map(key));
  console.log(`  findings equal to the checked-out review: ${same}; mirror overhead ${((mirrored.ms - run.ms) / 1000).toFixed(2)} s`);
  if (!same) process.exitCode = 1;
} finally {
  rmSync(synthetic, { recursive: true, force: true });
}

{
  // Functions that differ only in their constants: the hardest case for pairing by content.
  const count = 400;
  const source = (prefix) => Array.from({ length: count }, (_, i) => jsModule(i).split("\n\n")[0].replace(/step\d+_0/, `${prefix}${i}`) + "\n").join("\n");
  const side = (code) => ({ units: extractFunctions(parseSource("javascript", code), "javascript"), lines: code.split("\n") });
  const before = side(source("old")), after = side(source("renamed"));
  const started = performance.now();
  const pairs = matchPriorVersions(before, after);
  const ms = performance.now() - started;
  const own = [...pairs].filter(([next, prior]) => next.name.replace("renamed", "") === prior.name.replace("old", "")).length;
  console.log(`\nrenames: ${count} renamed functions paired in ${ms.toFixed(0)} ms, ${own}/${count} with their own old self`);
  if (own !== count) process.exitCode = 1;
}

const FLASK = "/usr/lib/python3/dist-packages/flask";

function edit(root, file, change) {
  const absolute = path.join(root, file);
  const before = readFileSync(absolute, "utf8");
  const after = change(before);
  if (after === before) throw new Error(`bench/review: the flask refactor no longer applies to ${file} (another Flask version?)`);
  writeFileSync(absolute, after);
}

function buildFlask() {
  if (!existsSync(FLASK)) {
    console.error(`bench/review: ${FLASK} is missing: apt-get install -y python3-flask`);
    process.exit(1);
  }
  const root = mkdtempSync(path.join(tmpdir(), "bgr-bench-flask-"));
  cpSync(FLASK, path.join(root, "flask"), { recursive: true, filter: (source) => !source.includes("__pycache__") });
  git(root, "-c", "init.defaultBranch=main", "init", "-q");
  git(root, "config", "user.name", "bench");
  git(root, "config", "user.email", "bench@bench.invalid");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "flask as released");
  git(root, "checkout", "-q", "-b", "refactor");
  const versionShim = `def __getattr__(name):
    if name == "__version__":
        import importlib.metadata
        import warnings

        warnings.warn("The '__version__' attribute is deprecated.", DeprecationWarning, stacklevel=2)
        return importlib.metadata.version("flask")

    raise AttributeError(name)
`;
  edit(root, "flask/__init__.py", (text) => text.slice(0, text.indexOf("__version__ = ")) + "\n" + versionShim);
  edit(root, "flask/globals.py", (text) => text.slice(0, text.indexOf("\n\ndef __getattr__(")) + "\n");
  for (const file of git(root, "ls-files", "flask/*.py").trim().split("\n")) {
    const text = readFileSync(path.join(root, file), "utf8");
    writeFileSync(path.join(root, file), text.replace(/t\.Optional\[([\w."]+)\]/g, "$1 | None"));
  }
  edit(root, "flask/ctx.py", (text) => text.replace("        environ: dict,\n        request:", "        environ: dict,\n        *,\n        request:"));
  let rootPath = "";
  edit(root, "flask/helpers.py", (text) => {
    const env = text.indexOf("def get_env() -> str:");
    text = text.slice(0, env) + text.slice(text.indexOf("def get_debug_flag()"));
    const start = text.indexOf("def get_root_path(import_name: str) -> str:");
    const end = text.indexOf("\n\nclass locked_cached_property");
    rootPath = text.slice(start, end);
    return text.slice(0, start).trimEnd().replace("import typing as t\n", "import typing as t\n\nfrom .paths import get_root_path as get_root_path\n") + "\n" + text.slice(end);
  });
  writeFileSync(path.join(root, "flask/paths.py"), `import importlib.util\nimport os\nimport sys\nimport typing as t\n\n\n${rootPath}\n`);
  edit(root, "flask/app.py", (text) => text.replace("if isinstance(rv[1], (Headers, dict, tuple, list)):", "if isinstance(rv[1], (Headers, dict, tuple, list)) or rv[1] is None:"));
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "2.3-style refactor");
  return root;
}

function listFindings(result) {
  if (!LIST) return;
  for (const f of result.findings) console.log(`    [${f.severity}] ${f.ruleId} ${f.file}:${f.line} — ${f.title}: ${f.message.slice(0, 240)}`);
}

const flask = buildFlask();
try {
  const run = await review(flask, {});
  summarize("flask 2.2.2 → 2.3-style refactor", run);
  listFindings(run.result);
} finally {
  rmSync(flask, { recursive: true, force: true });
}

// This repository's own recent history, one commit at a time, in a clone (the review's cache stays out of the worktree).
const clone = mkdtempSync(path.join(tmpdir(), "bgr-bench-history-"));
try {
  git(REPO_ROOT, "clone", "-q", "--no-checkout", REPO_ROOT, clone);
  const commits = git(clone, "rev-list", "--no-merges", "--max-count=10", "HEAD").trim().split("\n");
  let findings = 0;
  let changed = 0;
  let ms = 0;
  const verdicts = {};
  const byRule = {};
  for (const commit of commits) {
    const run = await review(clone, { base: `${commit}^`, head: commit });
    const change = run.result.data.change;
    findings += run.result.findings.length;
    changed += change.additions + change.deletions;
    ms += run.ms;
    verdicts[run.result.data.verdict] = (verdicts[run.result.data.verdict] ?? 0) + 1;
    for (const finding of run.result.findings) byRule[finding.ruleId] = (byRule[finding.ruleId] ?? 0) + 1;
    const subject = git(clone, "log", "-1", "--format=%s", commit).trim().slice(0, 70);
    console.log(`\nhistory ${commit.slice(0, 8)} "${subject}": ${change.files} files, +${change.additions} −${change.deletions}, ${(run.ms / 1000).toFixed(2)} s, ${run.result.findings.length} findings, ${run.result.data.verdict}`);
    listFindings(run.result);
  }
  console.log(`\nhistory (last ${commits.length} commits): ${changed} changed lines, ${(ms / 1000).toFixed(1)} s in all (${(ms / commits.length / 1000).toFixed(2)} s per commit), ${findings} findings (${((findings * 1000) / Math.max(changed, 1)).toFixed(1)} per 1k changed lines)`);
  console.log(`  verdicts: ${Object.entries(verdicts).map(([verdict, n]) => `${verdict} ${n}`).join(", ")}`);
  console.log(`  by rule: ${Object.entries(byRule).sort((a, b) => b[1] - a[1]).map(([rule, n]) => `${rule} ${n}`).join(", ")}`);
} finally {
  rmSync(clone, { recursive: true, force: true });
}
