// What every reader shares: the error that names file and line, the shape a
// reader reports back, and a line streamer that never holds the whole file.
import { createReadStream } from "node:fs";
import type { Counter, Metric, RawFileCoverage } from "../model.js";
import type { PathHints } from "../paths.js";
import type { PercentStyle } from "../percent.js";

export const FORMATS = [
  "lcov",
  "istanbul-json",
  "istanbul-summary",
  "cobertura",
  "coverage.py-json",
  "coverage.py-sqlite",
  "jacoco",
  "clover",
  "go",
] as const;
export type ReportFormat = (typeof FORMATS)[number];

/** A report that cannot be read: always says which file and, when known, which line. */
export class CoverageParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(`${file}${line ? `:${line}` : ""}: ${detail}`);
    this.name = "CoverageParseError";
  }
}

export interface ReaderContext {
  /** Absolute path of the report. */
  path: string;
  /** Workspace-relative path of the report, for messages. */
  display: string;
  signal: AbortSignal;
  /** coverage.py's [report] precision from the project's config, for reports that do not state it. */
  precision?: number;
  /** Absolute workspace root, for readers that must find a report's sources. */
  root?: string;
  emit(raw: RawFileCoverage, hints?: PathHints): void;
}

export interface ReportInfo {
  format: ReportFormat;
  /** Which tool wrote it, when the report says so (e.g. "coverage.py 7.2.7"). */
  producer?: string;
  style: PercentStyle;
  /** Totals as the report itself states them (summary lines, root counters), used to cross-check. */
  statedTotals?: Partial<Record<Metric, Counter>>;
  /** coverage.py's statements+branches total, when the report is from coverage.py. */
  combinedTotal?: boolean;
  /** What the reader left out and why (files a plugin measured, options it could not apply), one line each. */
  notes?: string[];
}

export type Reader = (ctx: ReaderContext) => Promise<ReportInfo>;

/**
 * Readers take files 64 KiB at a time. Larger chunks read no faster, and a
 * chunk above V8's 128 KiB regular-object limit (as a string or a Buffer's
 * backing) lands in the old generation, where dead ones pile up until a full
 * GC: with 1 MiB chunks peak memory grew with the report's size.
 */
export const READ_CHUNK_BYTES = 1 << 16;

/**
 * Calls `onLine` for each line (without the newline, CR stripped) with its
 * 1-based number. Reads a chunk at a time, so memory stays flat on huge files.
 */
export async function forEachLine(
  file: string,
  signal: AbortSignal,
  onLine: (line: string, lineNumber: number) => void,
): Promise<number> {
  const stream = createReadStream(file, { encoding: "utf8", highWaterMark: READ_CHUNK_BYTES });
  let carry = "";
  let lineNumber = 0;
  for await (const chunk of stream as AsyncIterable<string>) {
    if (signal.aborted) {
      stream.destroy();
      throw signal.reason instanceof Error ? signal.reason : new Error("cancelled");
    }
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      onLine(text.slice(start, end), ++lineNumber);
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  if (carry !== "") onLine(carry.endsWith("\r") ? carry.slice(0, -1) : carry, ++lineNumber);
  return lineNumber;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("cancelled");
}
