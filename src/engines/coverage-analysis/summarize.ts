// Totals and per-file rows, with each producer's rounding, plus the risk
// ranking the report's per-file table is sorted by.
import path from "node:path";
import { addCounters, type Counter, type FileCoverage, formatRanges, METRICS, type Metric } from "./model.js";
import { GENERIC, percent, type PercentStyle, sameStyle } from "./percent.js";
import { fileComplexity, riskScore, sensitiveAreas, type SensitiveArea } from "./risk.js";

export interface MetricSummary extends Counter {
  pct: number;
}

export type Totals = Partial<Record<Metric | "combined", MetricSummary>>;

export interface FileRow {
  file: string;
  lines?: MetricSummary;
  statements?: MetricSummary;
  branches?: MetricSummary;
  functions?: MetricSummary;
  /** Uncovered line ranges, merged. */
  missing: Array<[number, number]>;
  uncoveredFunctions: Array<{ name: string; line: number }>;
  complexity?: number;
  sensitive: SensitiveArea[];
  risk: number;
}

export function commonStyle(files: Iterable<FileCoverage>, fallback: PercentStyle = GENERIC): PercentStyle {
  let style: PercentStyle | undefined;
  for (const file of files) {
    if (!style) style = file.style;
    else if (!sameStyle(style, file.style)) return GENERIC;
  }
  return style ?? fallback;
}

function summarize(counter: Counter | undefined, style: PercentStyle): MetricSummary | undefined {
  return counter && { covered: counter.covered, total: counter.total, pct: percent(style, counter.covered, counter.total) };
}

/**
 * Sums every metric some file reports. `combined` follows coverage.py's
 * TOTAL: executed statements plus executed branch arms over their sum.
 */
export function computeTotals(files: FileCoverage[], style: PercentStyle, withCombined: boolean): Totals {
  const sum: Partial<Record<Metric, Counter>> = {};
  for (const file of files) addCounters(sum, file.counters());
  const totals: Totals = {};
  for (const metric of METRICS) {
    const summary = summarize(sum[metric], style);
    if (summary) totals[metric] = summary;
  }
  if (withCombined) {
    const statements = sum.statements ?? sum.lines ?? { covered: 0, total: 0 };
    const branches = sum.branches ?? { covered: 0, total: 0 };
    totals.combined = summarize({ covered: statements.covered + branches.covered, total: statements.total + branches.total }, style);
  }
  return totals;
}

export function fileRow(file: FileCoverage, root: string): FileRow {
  const counters = file.counters();
  const row: FileRow = {
    file: file.file,
    missing: file.uncoveredRanges(),
    uncoveredFunctions: file.uncoveredFunctions(),
    sensitive: sensitiveAreas(file.file),
    risk: 0,
  };
  for (const metric of METRICS) {
    const summary = summarize(counters[metric], file.style);
    if (summary) row[metric] = summary;
  }
  const lines = counters.lines ?? counters.statements;
  const uncoveredShare = lines && lines.total > 0 ? (lines.total - lines.covered) / lines.total : 0;
  if (uncoveredShare > 0) {
    row.complexity = fileComplexity(path.join(root, file.file));
    row.risk = riskScore(uncoveredShare, row.complexity ?? lines!.total - lines!.covered, row.sensitive);
  }
  return row;
}

export function byRisk(a: FileRow, b: FileRow): number {
  return b.risk - a.risk || a.file.localeCompare(b.file);
}

export function rowToJson(row: FileRow): Record<string, unknown> {
  const json: Record<string, unknown> = { file: row.file };
  for (const metric of METRICS) if (row[metric]) json[metric] = row[metric];
  json.missingLines = formatRanges(row.missing);
  json.uncoveredFunctions = row.uncoveredFunctions;
  if (row.complexity !== undefined) json.complexity = row.complexity;
  json.sensitive = row.sensitive;
  json.risk = row.risk;
  return json;
}

export function formatPct(summary: MetricSummary | undefined, style: PercentStyle): string {
  if (!summary) return "–";
  if (style.kind === "coverage.py") return `${summary.pct.toFixed(style.precision)}%`;
  if (style.kind === "go") return `${summary.pct.toFixed(1)}%`;
  return `${summary.pct}%`;
}
