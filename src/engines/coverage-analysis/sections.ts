// The report's coverage sections: totals, per-file table by risk, diff
// coverage, and the lists (files without data, paths not in the workspace).
import type { ReportSection } from "../types.js";
import type { ReadReport } from "./collect.js";
import type { DiffFileResult } from "./findings.js";
import { formatRanges } from "./model.js";
import { describeStyle, type PercentStyle } from "./percent.js";
import { formatPct, type FileRow, type MetricSummary, type Totals } from "./summarize.js";

export const MAX_TABLE_ROWS = 50;
const MAX_LIST_ITEMS = 50;

const LABELS: Array<[keyof Totals, string]> = [
  ["lines", "Lines"],
  ["statements", "Statements"],
  ["branches", "Branches"],
  ["functions", "Functions"],
  ["combined", "Total (statements + branches, as coverage.py)"],
];

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function totalsSection(totals: Totals, style: PercentStyle, reports: ReadReport[]): ReportSection {
  const rows = LABELS.filter(([key]) => totals[key]).map(([key, label]) => {
    const t = totals[key] as MetricSummary;
    return `| ${label} | ${t.covered} | ${t.total} | ${formatPct(t, style)} |`;
  });
  const sources = reports.map(
    (r) => `- \`${r.report}\`: ${r.format}${r.producer ? ` from ${r.producer}` : ""}, ${r.files} file${r.files === 1 ? "" : "s"}`,
  );
  return {
    heading: "Coverage Totals",
    body: [
      "| Metric | Covered | Total | % |",
      "|---|---:|---:|---:|",
      ...rows,
      "",
      `Percentages rounded as ${describeStyle(style)}.`,
      "",
      "Reports read:",
      ...sources,
    ].join("\n"),
  };
}

export function perFileSection(rows: FileRow[], style: PercentStyle): ReportSection {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const lines = shown.map((row) => {
    const missing = formatRanges(row.missing, 8) || "–";
    return `| \`${cell(row.file)}\` | ${formatPct(row.lines ?? row.statements, style)} | ${formatPct(row.branches, style)} | ${formatPct(row.functions, style)} | ${row.complexity ?? "–"} | ${row.sensitive.join(", ") || "–"} | ${row.risk} | ${cell(missing)} |`;
  });
  const note =
    rows.length > shown.length
      ? `\n\n${rows.length - shown.length} more file${rows.length - shown.length === 1 ? "" : "s"} not shown (lower risk); \`--format json\` lists every file.`
      : "";
  return {
    heading: "Per-File Coverage (highest risk first)",
    body: [
      "Risk weighs the uncovered share by decision points (complexity) and doubles it for auth, crypto, payment and input-handling code.",
      "",
      "| File | Lines | Branches | Functions | Complexity | Sensitive | Risk | Missing lines |",
      "|---|---:|---:|---:|---:|---|---:|---|",
      ...lines,
    ].join("\n") + note,
  };
}

export function diffSection(base: string, results: DiffFileResult[], summary: MetricSummary, changedFiles: number): ReportSection {
  const withMisses = results.filter((r) => r.uncovered.length > 0);
  const list = withMisses
    .slice(0, MAX_LIST_ITEMS)
    .map((r) => `- \`${r.file}\`: ${r.covered}/${r.total} changed lines covered; uncovered: ${formatRanges(r.uncovered, 10)}`);
  return {
    heading: `Diff Coverage (since ${base})`,
    body: [
      `${summary.covered} of ${summary.total} changed executable lines are covered (${summary.pct}%), across ${changedFiles} changed file${changedFiles === 1 ? "" : "s"} with coverage data.`,
      ...(list.length > 0 ? ["", ...list] : ["", "Every changed executable line ran under test."]),
      ...(withMisses.length > list.length ? ["", `${withMisses.length - list.length} more files with uncovered changes.`] : []),
    ].join("\n"),
  };
}

export function listSection(heading: string, intro: string, items: string[]): ReportSection {
  const shown = items.slice(0, MAX_LIST_ITEMS).map((item) => `- \`${item}\``);
  const more = items.length > shown.length ? [`- … and ${items.length - shown.length} more`] : [];
  return { heading, body: [intro, "", ...shown, ...more].join("\n") };
}

export function commandSection(command: string, exitCode: number | null, output: string): ReportSection {
  return {
    heading: "Coverage Command",
    body: [
      "No coverage report existed, so bgr produced one by running:",
      "",
      "```sh",
      command,
      "```",
      "",
      `Exit code: ${exitCode ?? "killed"}.${output ? "\n\nLast output lines:\n\n```\n" + output + "\n```" : ""}`,
    ].join("\n"),
  };
}
