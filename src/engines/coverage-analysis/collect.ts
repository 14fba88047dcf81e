// Reads every report into one map of workspace files. A report that cannot be
// read is an error naming it and its line; a path the workspace does not have
// is listed, never fatal.
import path from "node:path";
import type { EngineError } from "../types.js";
import { detectFormat } from "./discover.js";
import type { FileCoverage, RawFileCoverage } from "./model.js";
import { PathMapper, type PathHints } from "./paths.js";
import { CoverageParseError, type Reader, type ReportFormat, type ReportInfo } from "./readers/common.js";
import { ownString } from "./own-string.js";
import { CoverageStore } from "./store.js";

const READERS: Record<ReportFormat, () => Promise<Reader>> = {
  lcov: async () => (await import("./readers/lcov.js")).readLcov,
  "istanbul-json": async () => (await import("./readers/istanbul.js")).readIstanbul,
  "istanbul-summary": async () => (await import("./readers/istanbul.js")).readIstanbul,
  cobertura: async () => (await import("./readers/cobertura.js")).readCobertura,
  jacoco: async () => (await import("./readers/jacoco.js")).readJacoco,
  clover: async () => (await import("./readers/clover.js")).readClover,
  go: async () => (await import("./readers/go.js")).readGoProfile,
  "coverage.py-json": async () => (await import("./readers/coveragepy.js")).readCoveragePyJson,
  "coverage.py-sqlite": async () => (await import("./readers/coveragepy-sqlite.js")).readCoveragePySqlite,
};

export interface ReadReport extends ReportInfo {
  /** Workspace-relative path of the report. */
  report: string;
  files: number;
}

export interface Collected {
  files: Map<string, FileCoverage>;
  reports: ReadReport[];
  /** Report paths with no workspace file, with the report naming them. */
  unmapped: Array<{ path: string; report: string }>;
  errors: EngineError[];
}

export interface CollectOptions {
  root: string;
  signal: AbortSignal;
  log(message: string): void;
  /** Hints every reader gets, e.g. the Go module path. */
  hints?: PathHints;
  precision?: number;
}

export async function collectCoverage(reports: string[], options: CollectOptions): Promise<Collected> {
  const mapper = new PathMapper(options.root);
  const store = new CoverageStore();
  const collected: Collected = { files: store.files, reports: [], unmapped: [], errors: [] };
  const unmappedSeen = new Set<string>();
  for (const report of reports) {
    const absolute = path.join(options.root, report);
    let count = 0;
    const emit = (raw: RawFileCoverage, hints: PathHints = {}) => {
      count++;
      const mapped = mapper.map(raw.reportPath, {
        ...options.hints,
        ...hints,
        sourceRoots: [...(hints.sourceRoots ?? []), ...(options.hints?.sourceRoots ?? [])],
        reportDir: path.posix.dirname(report),
      });
      if (!mapped) {
        if (!unmappedSeen.has(raw.reportPath)) {
          const reportPath = ownString(raw.reportPath);
          unmappedSeen.add(reportPath);
          collected.unmapped.push({ path: reportPath, report });
        }
        return;
      }
      store.add(raw, mapped);
    };
    try {
      const format = detectFormat(absolute, report);
      const reader = await READERS[format]();
      options.log(`reading ${report} (${format})`);
      const info = await reader({ path: absolute, display: report, signal: options.signal, precision: options.precision, root: options.root, emit });
      collected.reports.push({ ...info, report, files: count });
      for (const note of info.notes ?? []) collected.errors.push({ file: report, message: `${report}: ${note}` });
    } catch (error) {
      if (options.signal.aborted) throw error;
      if (error instanceof CoverageParseError) {
        collected.errors.push({ file: error.file, line: error.line, message: error.message });
      } else {
        collected.errors.push({ file: report, message: `${report}: cannot read: ${(error as Error).message}` });
      }
    }
  }
  return collected;
}
