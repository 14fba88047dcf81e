// Diff coverage: changed lines that carry code (the report instruments them)
// and whether they ran. Lines the report does not instrument (blank lines,
// comments, declarations) are neither covered nor uncovered, as in
// diff-cover and Codecov patch coverage.
import type { ReportSection } from "../types.js";
import { changedLinesSince, DiffError } from "./diff.js";
import { diffFindings, type CappedFindings, type DiffFileResult } from "./findings.js";
import type { FileCoverage } from "./model.js";
import { percent, type PercentStyle } from "./percent.js";
import { sensitiveAreas } from "./risk.js";
import { diffSection } from "./sections.js";
import type { MetricSummary } from "./summarize.js";

export interface DiffOutcome {
  findings: CappedFindings;
  section: ReportSection;
  summary: MetricSummary;
  data: Record<string, unknown>;
}

function toRanges(lines: number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const line of lines) {
    const last = ranges[ranges.length - 1];
    if (last && line === last[1] + 1) last[1] = line;
    else ranges.push([line, line]);
  }
  return ranges;
}

export async function analyzeDiff(
  root: string,
  base: string,
  files: Map<string, FileCoverage>,
  inScope: (file: string) => boolean,
  style: PercentStyle,
  signal: AbortSignal,
): Promise<DiffOutcome | { error: string }> {
  let changed;
  try {
    changed = await changedLinesSince(root, base, signal);
  } catch (error) {
    if (error instanceof DiffError) return { error: error.message };
    throw error;
  }
  const results: DiffFileResult[] = [];
  let covered = 0;
  let total = 0;
  let changedWithData = 0;
  for (const [file, lines] of [...changed].sort(([a], [b]) => a.localeCompare(b))) {
    const coverage = files.get(file);
    if (!coverage || !inScope(file)) continue;
    changedWithData++;
    const executed = coverage.executedLines();
    const executable = lines.filter((line) => executed.has(line));
    const uncovered = executable.filter((line) => executed.get(line) === false);
    if (executable.length === 0) continue;
    covered += executable.length - uncovered.length;
    total += executable.length;
    // Ranges only join consecutive changed lines: a gap means unchanged code in between.
    results.push({ file, covered: executable.length - uncovered.length, total: executable.length, uncovered: toRanges(uncovered), sensitive: sensitiveAreas(file) });
  }
  const summary: MetricSummary = { covered, total, pct: percent(style, covered, total) };
  return {
    findings: diffFindings(results, base),
    section: diffSection(base, results, summary, changedWithData),
    summary,
    data: {
      base,
      ...summary,
      files: results.map((r) => ({ file: r.file, covered: r.covered, total: r.total, uncoveredLines: r.uncovered })),
    },
  };
}
