// bench/spawn: how long an orchestrator waits on `bgr spawn`, against the
// floor of starting node at all (`node -e 0`, measured in the same run,
// interleaved, so a busy machine slows both alike); then 100 runs started at
// once on one session file, which must all settle with no lost update.
// Run after the build: `npm run bench spawn` (or node bench/spawn.mjs).
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const BGR = path.join(here, "..", "dist", "src", "cli", "main.cjs");
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 15);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 100);
const SESSION = ".agents/sessions/20260123-140000-bench.md";

function workspace() {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), "bgr-bench-spawn-")));
  const files = {
    "src/a.js": "export function a(x) {\n  if (x) return 1;\n  return 2;\n}\n",
    "coverage/lcov.info": "TN:\nSF:src/a.js\nDA:1,1\nDA:2,1\nDA:3,0\nLF:3\nLH:2\nend_of_record\n",
    [SESSION]: "---\n# the orchestrator's session\ntitle: bench\nbackground_agents:\n---\n\nBody.\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/**
 * CPU time (user + system) of our reaped children so far, in ms, from
 * /proc/self/stat (cutime + cstime, in clock ticks of 10 ms). On a busy
 * machine wall time swings with the load; CPU time barely does.
 */
function childrenCpuMs() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}

function timed(args, cwd) {
  const cpuBefore = childrenCpuMs();
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return { ms, cpuMs: childrenCpuMs() - cpuBefore, stdout: result.stdout };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function runStatus(root, id) {
  try {
    return JSON.parse(readFileSync(path.join(root, ".agents/runs", `${id}.json`), "utf8")).status;
  } catch {
    return "running";
  }
}

async function settle(root, id) {
  // Measured runs must not overlap: a runner still busy would slow the next sample.
  const deadline = Date.now() + 60_000;
  while (runStatus(root, id) === "running") {
    if (Date.now() > deadline) throw new Error(`run ${id} did not settle within 60 s: see ${root}/.agents/runs/${id}.log`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `okCodes`: wait exits 1 when a run failed, which the bench counts rather than treats as a crash. */
function bgrAsync(args, cwd, okCodes = [0]) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BGR, ...args], { cwd, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      if (!okCodes.includes(code)) reject(new Error(`bgr ${args[0]} exited ${code}: ${stderr.trim()}`));
      else resolve(stdout);
    });
  });
}

async function spawnLatency() {
  const root = workspace();
  const spawnArgs = [BGR, "spawn", "--task", "Analyze coverage", "--files", "src/a.js", "--session", SESSION, "--json"];
  for (let i = 0; i < 2; i++) {
    timed(["-e", "0"], root);
    await settle(root, JSON.parse(timed(spawnArgs, root).stdout).id);
  }
  const floor = [];
  const spawn = [];
  let floorCpu = 0;
  let spawnCpu = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const base = timed(["-e", "0"], root);
    floor.push(base.ms);
    floorCpu += base.cpuMs;
    const sample = timed(spawnArgs, root);
    spawn.push(sample.ms);
    spawnCpu += sample.cpuMs;
    await settle(root, JSON.parse(sample.stdout).id);
  }
  rmSync(root, { recursive: true, force: true });
  const f = median(floor);
  const s = median(spawn);
  console.log(`spawn latency (${SAMPLES} samples, medians): node -e 0 ${f.toFixed(1)} ms, bgr spawn ${s.toFixed(1)} ms, ratio ${(s / f).toFixed(2)}x (goal <= 2x)`);
  const fc = floorCpu / SAMPLES;
  const sc = spawnCpu / SAMPLES;
  console.log(`spawn CPU time (user+sys, mean of ${SAMPLES}): node -e 0 ${fc.toFixed(1)} ms, bgr spawn ${sc.toFixed(1)} ms, ratio ${(sc / fc).toFixed(2)}x`);
  return { floorMs: f, spawnMs: s, ratio: s / f, floorCpuMs: fc, spawnCpuMs: sc, cpuRatio: sc / fc };
}

async function concurrentRuns() {
  const root = workspace();
  const start = Date.now();
  const outputs = await Promise.all(
    Array.from({ length: CONCURRENT }, () => bgrAsync(["spawn", "--task", "Analyze coverage", "--files", "src/a.js", "--session", SESSION, "--json"], root)),
  );
  const ids = outputs.map((o) => JSON.parse(o).id);
  const spawnedMs = Date.now() - start;
  const waited = JSON.parse(await bgrAsync(["wait", ...ids, "--timeout", "900", "--json"], root, [0, 1]));
  const settledMs = Date.now() - start;
  const data = parseDocument(readFileSync(path.join(root, SESSION), "utf8").split("---")[1]).toJS();
  const entries = new Map((data.background_agents ?? []).map((e) => [e.id, e]));
  const lost = ids.filter((id) => {
    const entry = entries.get(id);
    const run = waited.runs.find((r) => r.id === id);
    return !entry || entry.status === "running" || entry.result_location !== run?.result_location;
  }).length;
  const byStatus = {};
  for (const run of waited.runs) byStatus[run.status] = (byStatus[run.status] ?? 0) + 1;
  rmSync(root, { recursive: true, force: true });
  console.log(
    `${CONCURRENT} concurrent runs on one session: distinct ids ${new Set(ids).size}, all spawned in ${spawnedMs} ms, all settled in ${settledMs} ms, ` +
      `${JSON.stringify(byStatus)}, lost updates ${lost}`,
  );
  return { lost, distinct: new Set(ids).size };
}

const latency = await spawnLatency();
const concurrent = await concurrentRuns();
console.log(JSON.stringify({ bench: "spawn", ...latency, concurrent: CONCURRENT, ...concurrent }));
if (concurrent.lost > 0 || concurrent.distinct !== CONCURRENT) process.exit(1);
