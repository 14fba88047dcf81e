// Coverage parsing: generated LCOV tracefiles against lcov-parse, and the
// equivalent istanbul JSON against istanbul-lib-coverage, at two report sizes
// (2,000 and 20,000 files by default), each parser in its own child process
// (peak RSS from the child's resourceUsage). Goal: faster than both, with
// peak memory that barely moves when the report grows tenfold.
// The whole engine also runs once per size on a workspace whose sources exist.
// BENCH_COVERAGE_SIZES=2000,20000 picks the sizes.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fileShape, writeIstanbul, writeLcov } from "./coverage/generate.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZES = (process.env.BENCH_COVERAGE_SIZES ?? process.env.BENCH_COVERAGE_FILES ?? "2000,20000").split(",").map(Number);
const dir = mkdtempSync(path.join(tmpdir(), "bgr-bench-cov-"));

function measure(which, file) {
  const out = execFileSync(process.execPath, [path.join(here, "coverage", "worker.mjs"), which, file ?? ""], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out);
}

const mb = (file) => (statSync(file).size / 1024 / 1024).toFixed(1);
const FORMATS = [
  { label: "LCOV", ours: "ours-lcov", peer: "lcov-parse", write: writeLcov, name: "lcov.info", metrics: ["lines", "functions", "branches"] },
  {
    label: "istanbul JSON",
    ours: "ours-istanbul",
    peer: "istanbul-lib-coverage",
    write: writeIstanbul,
    name: "coverage-final.json",
    metrics: ["lines", "statements", "functions", "branches"],
  },
];

/**
 * A workspace whose source files exist, with an LCOV report naming them by
 * CI paths: what the whole engine needs (path mapping, risk ranking reads
 * every file), as `bgr coverage` runs it.
 */
async function prepareWorkspace(files) {
  const root = path.join(dir, `workspace-${files}`);
  for (let i = 0; i < files; i++) {
    const { path: ciPath } = fileShape(i);
    const source = path.join(root, ciPath.slice(ciPath.indexOf("/src/") + 1));
    if (i % 100 === 0) mkdirSync(path.dirname(source), { recursive: true });
    writeFileSync(source, "line\n".repeat(64));
  }
  const report = path.join(root, "lcov.info");
  await writeLcov(report, files);
  return report;
}

try {
  let failed = false;
  const rows = [];
  const engineRuns = [];
  for (const files of SIZES) {
    for (const format of FORMATS) {
      const file = path.join(dir, `${files}-${format.name}`);
      await format.write(file, files);
      const ours = measure(format.ours, file);
      const peer = measure(format.peer, file);
      for (const metric of format.metrics) {
        const x = ours.totals[metric];
        const y = peer.totals[metric];
        if (!x || !y || x.covered !== y.covered || x.total !== y.total) {
          console.error(`${format.label} (${files} files): ${metric} totals differ: ours ${JSON.stringify(x)} vs ${format.peer} ${JSON.stringify(y)}`);
          failed = true;
        }
      }
      rows.push({ files, format, size: mb(file), ours, peer });
      rmSync(file);
    }
    const workspaceReport = await prepareWorkspace(files);
    engineRuns.push({ files, ...measure("engine", workspaceReport) });
    rmSync(path.dirname(workspaceReport), { recursive: true, force: true });
  }
  for (const run of engineRuns) {
    if (run.totals.lines.total !== rows.find((r) => r.files === run.files && r.format.label === "LCOV").ours.totals.lines.total) {
      console.error(`engine (${run.files} files): line totals differ from the LCOV reader's`);
      failed = true;
    }
  }
  const baseline = measure("baseline");
  console.log(`node baseline RSS ${baseline.maxRssMb.toFixed(0)} MB; ms and peak RSS per parser, each in its own process`);
  console.log("format         |  files | report MB | ours ms | peer ms | speedup | ours cpu ms | peer cpu ms | cpu ratio | ours peak MB | peer peak MB | peer");
  for (const { files, format, size, ours, peer } of rows) {
    console.log(
      [
        format.label.padEnd(14),
        String(files).padStart(6),
        size.padStart(9),
        ours.ms.toFixed(0).padStart(7),
        peer.ms.toFixed(0).padStart(7),
        `${(peer.ms / ours.ms).toFixed(2).padStart(6)}x`,
        ours.cpuMs.toFixed(0).padStart(11),
        peer.cpuMs.toFixed(0).padStart(11),
        `${(peer.cpuMs / ours.cpuMs).toFixed(2).padStart(8)}x`,
        ours.maxRssMb.toFixed(0).padStart(12),
        peer.maxRssMb.toFixed(0).padStart(12),
        format.peer,
      ].join(" | "),
    );
  }
  if (SIZES.length > 1) {
    const [small, large] = [Math.min(...SIZES), Math.max(...SIZES)];
    for (const format of FORMATS) {
      const at = (files) => rows.find((r) => r.files === files && r.format === format);
      const growth = (which) => at(large)[which].maxRssMb - at(small)[which].maxRssMb;
      console.log(
        `${format.label}: peak RSS growth from ${small} to ${large} files: ours +${growth("ours").toFixed(0)} MB, ${format.peer} +${growth("peer").toFixed(0)} MB`,
      );
    }
  }
  for (const run of engineRuns) {
    console.log(`whole engine, LCOV, ${run.files} files: ${run.ms.toFixed(0)} ms, cpu ${run.cpuMs.toFixed(0)} ms, peak ${run.maxRssMb.toFixed(0)} MB`);
  }
  if (failed) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
