// Where teams keep coverage reports, and how to tell a report's format from
// its name or first bytes when the user hands one over with --report.
import { existsSync, openSync, readSync, closeSync, statSync } from "node:fs";
import path from "node:path";
import { CoverageParseError, type ReportFormat } from "./readers/common.js";

/** Most detailed first: within one folder and family only the first found is read, so one run's data is never counted twice. */
const CANDIDATES: Array<{ path: string; family: string }> = [
  { path: "coverage/coverage-final.json", family: "js" },
  { path: "coverage/lcov.info", family: "js" },
  { path: "coverage/lcov/lcov.info", family: "js" },
  { path: "lcov.info", family: "js" },
  { path: "coverage/clover.xml", family: "js" },
  { path: "coverage/cobertura-coverage.xml", family: "js" },
  { path: "coverage/coverage-summary.json", family: "js" },
  { path: "coverage.json", family: "python" },
  { path: "coverage.xml", family: "python" },
  { path: "htmlcov/coverage.json", family: "python" },
  { path: ".coverage", family: "python" },
  { path: "target/site/jacoco/jacoco.xml", family: "java" },
  { path: "build/reports/jacoco/test/jacocoTestReport.xml", family: "java" },
  { path: "target/site/cobertura/coverage.xml", family: "java" },
  { path: "clover.xml", family: "php" },
  { path: "cover.out", family: "go" },
  { path: "coverage.out", family: "go" },
  { path: "c.out", family: "go" },
];

/**
 * Reports found in the usual places of the workspace root and of each scope
 * folder (a package in a monorepo keeps its own coverage/), workspace-relative.
 */
export function discoverReports(root: string, scope: string[]): string[] {
  const bases = new Set<string>(["."]);
  for (const entry of scope) {
    let dir = entry.replace(/\/+$/, "");
    try {
      if (!statSync(path.join(root, dir)).isDirectory()) dir = path.posix.dirname(dir);
    } catch {
      continue;
    }
    // A scope of src/auth in a package still finds that package's coverage/.
    while (dir !== "." && dir !== "" && dir !== "/") {
      bases.add(dir);
      dir = path.posix.dirname(dir);
    }
  }
  const found: string[] = [];
  for (const base of bases) {
    const families = new Set<string>();
    for (const candidate of CANDIDATES) {
      if (families.has(candidate.family)) continue;
      const rel = base === "." ? candidate.path : `${base}/${candidate.path}`;
      const absolute = path.join(root, rel);
      if (existsSync(absolute) && statSync(absolute).isFile()) {
        families.add(candidate.family);
        found.push(rel);
      }
    }
  }
  return found;
}

function head(file: string, bytes = 4096): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const read = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, read).toString("latin1");
  } finally {
    closeSync(fd);
  }
}

/** The format of a report, from its first 4 KiB (names lie more often than contents). */
export function detectFormat(file: string, display: string): ReportFormat {
  const text = head(file);
  if (text.startsWith("SQLite format 3\0")) return "coverage.py-sqlite";
  const trimmed = text.replace(/^\uFEFF/, "").trimStart();
  if (trimmed === "") throw new CoverageParseError(display, 1, "empty file: not a coverage report");
  if (/^mode: (set|count|atomic)\b/.test(trimmed)) return "go";
  if (/^(TN|SF|VER):/m.test(trimmed)) return "lcov";
  if (trimmed.startsWith("{")) {
    if (/"meta"\s*:/.test(trimmed) && /"(files|totals|format|show_contexts)"\s*:/.test(trimmed)) return "coverage.py-json";
    if (/"statementMap"\s*:|"s"\s*:\s*\{|"data"\s*:\s*\{/.test(trimmed)) return "istanbul-json";
    if (/"total"\s*:\s*\{\s*"lines"/.test(trimmed) || /"lines"\s*:\s*\{\s*"total"/.test(trimmed)) return "istanbul-summary";
    if (path.basename(file) === "coverage.json") return "coverage.py-json";
    return "istanbul-json";
  }
  if (trimmed.startsWith("<")) {
    if (/<report[\s>]|DTD Report|jacoco/i.test(trimmed)) return "jacoco";
    if (/<coverage[^>]*\bclover=|<project[\s>]/.test(trimmed)) return "clover";
    if (/<coverage[\s>]/.test(trimmed)) return "cobertura";
  }
  throw new CoverageParseError(
    display,
    1,
    "unrecognized coverage format: expected LCOV, istanbul/coverage.py JSON, Cobertura/JaCoCo/Clover XML, a Go cover profile or a .coverage file",
  );
}
