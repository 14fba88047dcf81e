// One measurement in its own process, so each parser's peak RSS is its own.
// Prints {ms, cpuMs, maxRssMb, totals}: totals prove equal work; CPU time
// (user + system) stays meaningful when other jobs share the machine.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "src", "engines", "coverage-analysis");
const [which, file] = process.argv.slice(2);

async function ours(readerModule, readerName) {
  const { [readerName]: reader } = await import(path.join(dist, "readers", readerModule));
  const { CoverageStore } = await import(path.join(dist, "store.js"));
  const { addCounters } = await import(path.join(dist, "model.js"));
  const store = new CoverageStore();
  await reader({
    path: file,
    display: file,
    signal: new AbortController().signal,
    emit: (raw) => store.add(raw, raw.reportPath),
  });
  const totals = {};
  for (const f of store.files.values()) addCounters(totals, f.counters());
  return totals;
}

/** The whole engine (path mapping, totals, ranking, findings) on a workspace whose sources exist. */
async function engine() {
  const { coverageAnalysisEngine } = await import(path.join(dist, "index.js"));
  const root = path.dirname(file);
  const result = await coverageAnalysisEngine.run({
    root,
    scope: [],
    task: "Coverage analysis",
    instructions: "",
    options: { reports: [path.basename(file)] },
    signal: new AbortController().signal,
    log: () => undefined,
    progress: () => undefined,
    cacheDir: path.join(root, ".agents", "cache"),
  });
  if (result.data.files.length === 0) throw new Error(`engine mapped no file of ${file}`);
  return result.data.totals;
}

function lcovParse() {
  const parse = require("lcov-parse");
  return new Promise((resolve, reject) =>
    parse(file, (error, data) => {
      if (error) return reject(new Error(String(error)));
      const totals = { lines: { covered: 0, total: 0 }, functions: { covered: 0, total: 0 }, branches: { covered: 0, total: 0 } };
      for (const entry of data) {
        totals.lines.covered += entry.lines.hit;
        totals.lines.total += entry.lines.found;
        totals.functions.covered += entry.functions.hit;
        totals.functions.total += entry.functions.found;
        totals.branches.covered += entry.branches.hit;
        totals.branches.total += entry.branches.found;
      }
      resolve(totals);
    }),
  );
}

function istanbulLib() {
  const { createCoverageMap } = require("istanbul-lib-coverage");
  const map = createCoverageMap(JSON.parse(readFileSync(file, "utf8")));
  const summary = map.getCoverageSummary();
  const pick = (m) => ({ covered: summary[m].covered, total: summary[m].total });
  return { lines: pick("lines"), statements: pick("statements"), functions: pick("functions"), branches: pick("branches") };
}

const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const totals =
  which === "ours-lcov" ? await ours("lcov.js", "readLcov")
  : which === "ours-istanbul" ? await ours("istanbul.js", "readIstanbul")
  : which === "engine" ? await engine()
  : which === "lcov-parse" ? await lcovParse()
  : which === "istanbul-lib-coverage" ? istanbulLib()
  : which === "baseline" ? {}
  : (() => { throw new Error(`unknown parser ${which}`); })();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(JSON.stringify({ ms, cpuMs, maxRssMb: process.resourceUsage().maxRSS / 1024, totals }));
