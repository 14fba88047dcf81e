// Coverage parsing: a generated 20,000-file LCOV against lcov-parse, and the
// equivalent istanbul JSON against istanbul-lib-coverage, each parser in its
// own child process (peak RSS from the child's resourceUsage). Goal: faster
// than both, with memory that stays flat as the report grows.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeIstanbul, writeLcov } from "./coverage/generate.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const FILES = Number(process.env.BENCH_COVERAGE_FILES ?? 20000);
const dir = mkdtempSync(path.join(tmpdir(), "bgr-bench-cov-"));

function measure(which, file) {
  const out = execFileSync(process.execPath, [path.join(here, "coverage", "worker.mjs"), which, file ?? ""], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out);
}

const mb = (file) => (statSync(file).size / 1024 / 1024).toFixed(1);

try {
  const lcov = path.join(dir, "lcov.info");
  const json = path.join(dir, "coverage-final.json");
  await writeLcov(lcov, FILES);
  await writeIstanbul(json, FILES);
  console.log(`${FILES} files: LCOV ${mb(lcov)} MB, istanbul JSON ${mb(json)} MB`);

  const baseline = measure("baseline");
  const rows = [];
  let failed = false;
  for (const [label, ours, theirs, file, metrics] of [
    ["LCOV", "ours-lcov", "lcov-parse", lcov, ["lines", "functions", "branches"]],
    ["istanbul JSON", "ours-istanbul", "istanbul-lib-coverage", json, ["lines", "statements", "functions", "branches"]],
  ]) {
    const a = measure(ours, file);
    const b = measure(theirs, file);
    for (const metric of metrics) {
      const x = a.totals[metric];
      const y = b.totals[metric];
      if (!x || !y || x.covered !== y.covered || x.total !== y.total) {
        console.error(`${label}: ${metric} totals differ: ours ${JSON.stringify(x)} vs ${theirs} ${JSON.stringify(y)}`);
        failed = true;
      }
    }
    rows.push({ label, ours: a, theirs: b, peer: theirs });
  }
  console.log(`node baseline RSS ${baseline.maxRssMb.toFixed(0)} MB`);
  console.log("format         | ours ms | peer ms | speedup | ours peak MB | peer peak MB | memory ratio | peer");
  for (const { label, ours, theirs, peer } of rows) {
    console.log(
      `${label.padEnd(14)} | ${ours.ms.toFixed(0).padStart(7)} | ${theirs.ms.toFixed(0).padStart(7)} | ${(theirs.ms / ours.ms).toFixed(2).padStart(6)}x | ${ours.maxRssMb.toFixed(0).padStart(12)} | ${theirs.maxRssMb.toFixed(0).padStart(12)} | ${(theirs.maxRssMb / ours.maxRssMb).toFixed(2).padStart(11)}x | ${peer}`,
    );
  }
  if (failed) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
