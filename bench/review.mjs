// bgr review on two changes, timed per check:
//   synthetic: a generated repository (400 JS/TS/Python files) and a feature
//              branch that edits 100 of them, adds 20 and pastes 5 copied blocks;
//   mirror:    the same feature branch reviewed with main checked out (--head),
//              so the security engine runs on a temporary mirror of the branch;
//              its findings must equal the checked-out run's;
//   renames:   one file whose 400 near-identical functions are all renamed:
//              time to pair them, and how many paired with their own old self;
//   self:      this repository from its first commit to HEAD (every file added).
// Reports wall time, changed lines per second, findings by rule, and that the
// pasted clones were all found. Requires git (fails, never skips, without it).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

function summarize(label, { result, ms, timings }) {
  const change = result.data.change;
  const byRule = {};
  for (const finding of result.findings) byRule[finding.ruleId] = (byRule[finding.ruleId] ?? 0) + 1;
  console.log(`\n${label}: ${change.files} files, +${change.additions} −${change.deletions}`);
  console.log(`  wall ${(ms / 1000).toFixed(2)} s, ${Math.round(change.additions / (ms / 1000))} added lines/s, verdict ${result.data.verdict}, ${result.findings.length} findings`);
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

const first = git(REPO_ROOT, "rev-list", "--max-parents=0", "HEAD").trim().split("\n")[0];
summarize("self (first commit → HEAD)", await review(REPO_ROOT, { base: first }));
