// coverage.py's JSON report (`coverage json`). Statements are coverage.py's
// own (it parsed the source); branches are its arcs; the total it prints is
// statements plus branches combined, at the precision its display string shows.
// The file is parsed whole: every file entry sits under one "files" member, and
// coverage.py JSON stays a few MB even for large Python projects.
import { readFile } from "node:fs/promises";
import type { Counter, FunctionHit, Metric, RawFileCoverage } from "../model.js";
import { coveragePyStyle } from "../percent.js";
import { CoverageParseError, type Reader } from "./common.js";

interface Summary {
  covered_lines?: number;
  num_statements?: number;
  num_branches?: number;
  covered_branches?: number;
  percent_covered_display?: string;
}
interface PyFile {
  executed_lines?: number[];
  missing_lines?: number[];
  executed_branches?: Array<[number, number]>;
  missing_branches?: Array<[number, number]>;
  functions?: Record<string, { executed_lines?: number[]; missing_lines?: number[]; start_line?: number }>;
}

/** Arc destinations are negative for exits; the offset keeps keys positive and distinct. */
export function arcKey(from: number, to: number): number {
  return from * 2 ** 21 + (to + 2 ** 20);
}

function lineOfPosition(text: string, position: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < position; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

function precisionOf(display: string | undefined): number | undefined {
  if (display === undefined) return undefined;
  const dot = display.indexOf(".");
  return dot === -1 ? 0 : display.length - dot - 1;
}

export function pyFileToRaw(reportPath: string, data: PyFile & { summary?: Summary }, precision: number): RawFileCoverage {
  const lines = new Map<number, number>();
  for (const line of data.executed_lines ?? []) lines.set(line, 1);
  for (const line of data.missing_lines ?? []) lines.set(line, 0);
  const raw: RawFileCoverage = { reportPath, lines, style: coveragePyStyle(precision) };
  // executed_lines can list lines that ran but are not statements (a module
  // docstring), so coverage.py's own counts are the totals; the lines only
  // locate what is missing.
  const summary = data.summary;
  if (summary?.num_statements !== undefined) {
    const statements = { covered: summary.covered_lines ?? 0, total: summary.num_statements };
    raw.counters = { lines: statements, statements };
    if (summary.num_branches !== undefined) raw.counters.branches = { covered: summary.covered_branches ?? 0, total: summary.num_branches };
  } else {
    raw.statements = lines;
  }
  if (!raw.counters?.branches && (data.executed_branches || data.missing_branches)) {
    raw.branches = new Map();
    for (const [from, to] of data.executed_branches ?? []) raw.branches.set(arcKey(from, to), 1);
    for (const [from, to] of data.missing_branches ?? []) raw.branches.set(arcKey(from, to), 0);
  }
  if (data.functions) {
    const functions: FunctionHit[] = [];
    for (const [name, fn] of Object.entries(data.functions)) {
      if (name === "") continue; // module-level code, not a function
      const executed = fn.executed_lines ?? [];
      const all = [...executed, ...(fn.missing_lines ?? [])];
      functions.push({ name, line: fn.start_line ?? (all.length ? Math.min(...all) : 0), hits: executed.length > 0 ? 1 : 0 });
    }
    raw.functions = functions;
  }
  return raw;
}

export const readCoveragePyJson: Reader = async (ctx) => {
  const text = await readFile(ctx.path, "utf8");
  let parsed: { meta?: { version?: string; branch_coverage?: boolean }; files?: Record<string, PyFile & { summary?: Summary }>; totals?: Summary };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? lineOfPosition(text, Number(position[1])) : lineOfPosition(text, text.length);
    throw new CoverageParseError(ctx.display, line, `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`);
  }
  if (!parsed || typeof parsed !== "object" || typeof parsed.files !== "object" || parsed.files === null) {
    throw new CoverageParseError(ctx.display, 1, 'no "files" object: not a coverage.py JSON report (`coverage json`)');
  }
  const precision = precisionOf(parsed.totals?.percent_covered_display) ?? ctx.precision ?? 0;
  for (const [reportPath, data] of Object.entries(parsed.files)) ctx.emit(pyFileToRaw(reportPath, data, precision));
  const totals = parsed.totals;
  const statedTotals: Partial<Record<Metric, Counter>> | undefined = totals && {
    lines: { covered: totals.covered_lines ?? 0, total: totals.num_statements ?? 0 },
    ...(totals.num_branches !== undefined ? { branches: { covered: totals.covered_branches ?? 0, total: totals.num_branches } } : {}),
  };
  return {
    format: "coverage.py-json",
    producer: parsed.meta?.version ? `coverage.py ${parsed.meta.version}` : "coverage.py",
    style: coveragePyStyle(precision),
    statedTotals,
    combinedTotal: true,
  };
};
