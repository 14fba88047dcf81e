// Turning numbers into the few findings worth reading: gates missed, risky
// files, functions no test calls, files no test loads, changed lines no test
// runs. Long tails are capped and counted so a large project's report stays
// readable; the JSON keeps every file.
import type { Finding, Severity } from "../../protocol/finding.js";
import { formatRanges } from "./model.js";
import type { FileRow, Totals } from "./summarize.js";
import type { ThresholdMetric, Thresholds } from "./thresholds.js";

export const MAX_FILE_FINDINGS = 50;
export const MAX_FUNCTION_FINDINGS = 100;
export const MAX_NO_DATA_FINDINGS = 100;
export const MAX_DIFF_FINDINGS = 100;

export interface CappedFindings {
  findings: Finding[];
  /** What was left out, per rule, for the summary. */
  omitted: Record<string, number>;
}

const METRIC_NAME: Record<ThresholdMetric, string> = {
  lines: "line",
  statements: "statement",
  branches: "branch",
  functions: "function",
  combined: "total (statements + branches)",
};

export function thresholdFindings(totals: Totals, thresholds: Thresholds, location: string): Finding[] {
  const findings: Finding[] = [];
  for (const [metric, minimum] of Object.entries(thresholds.global) as Array<[ThresholdMetric, number]>) {
    // coverage.py's fail_under is checked against its combined total, or lines when there are no branches.
    const actual = totals[metric] ?? (metric === "combined" ? totals.lines : undefined);
    if (!actual || actual.total === 0 || actual.pct >= minimum) continue;
    const gate = thresholds.isDefault ? `bgr's default of ${minimum}%` : `the project's threshold of ${minimum}% (${thresholds.source})`;
    findings.push({
      ruleId: "coverage/below-threshold",
      title: `Total ${METRIC_NAME[metric]} coverage ${actual.pct}% is below ${minimum}%`,
      severity: thresholds.isDefault ? "Low" : "Medium",
      file: location,
      line: 0,
      endLine: 0,
      message: `${actual.covered} of ${actual.total} ${metric === "combined" ? "statements and branches" : METRIC_NAME[metric] + "s"} covered (${actual.pct}%), under ${gate}.`,
      recommendation: `Add tests for the highest-risk files in the per-file table until ${METRIC_NAME[metric]} coverage reaches ${minimum}%.`,
      properties: { metric, pct: actual.pct, minimum, source: thresholds.source },
    });
  }
  return findings;
}

function fileSeverity(row: FileRow, projectGate: boolean): Severity {
  const pct = row.lines?.pct ?? row.statements?.pct ?? 100;
  if (row.sensitive.length > 0 && pct < 50) return "High";
  if (row.sensitive.length > 0 || projectGate) return "Medium";
  return "Low";
}

/** "line 7" for one line, "lines 7-9, 12" otherwise. */
function linesPhrase(missing: FileRow["missing"]): string {
  const single = missing.length === 1 && missing[0]![0] === missing[0]![1];
  return `${single ? "line" : "lines"} ${formatRanges(missing, 3)}`;
}

function areaNote(row: FileRow): string {
  return row.sensitive.length > 0 ? ` It handles ${row.sensitive.join(" and ")}, where an untested path is a likely defect or vulnerability.` : "";
}

/** Files under the per-file gate, and files above it that still have uncovered lines. Rows come sorted by risk. */
export function fileFindings(rows: FileRow[], thresholds: Thresholds): CappedFindings {
  const findings: Finding[] = [];
  const omitted: Record<string, number> = {};
  const limits = thresholds.perFile ?? {};
  for (const row of rows) {
    if (row.missing.length === 0) continue;
    const failed = (Object.entries(limits) as Array<[keyof typeof limits, number]>).filter(([metric, minimum]) => {
      const actual = row[metric];
      return actual !== undefined && actual.total > 0 && actual.pct < minimum;
    });
    const ruleId = failed.length > 0 ? "coverage/below-threshold" : "coverage/uncovered-lines";
    if (findings.length >= MAX_FILE_FINDINGS) {
      omitted[ruleId] = (omitted[ruleId] ?? 0) + 1;
      continue;
    }
    const [first] = row.missing;
    const ranges = formatRanges(row.missing, 20);
    const lines = row.lines ?? row.statements;
    const coverage = lines ? `${lines.pct}% of lines (${lines.covered}/${lines.total})` : "some lines";
    findings.push({
      ruleId,
      title: failed.length > 0 ? `${row.file}: ${failed.map(([m]) => `${m} ${row[m]!.pct}%`).join(", ")}, below ${failed.map(([, v]) => `${v}%`).join("/")}` : `${row.file}: uncovered lines`,
      severity: failed.length > 0 ? fileSeverity(row, !thresholds.isDefault) : row.sensitive.length > 0 ? "Low" : "Info",
      file: row.file,
      line: first![0],
      endLine: first![1],
      message: `Covered: ${coverage}. Uncovered lines: ${ranges}.${areaNote(row)}`,
      recommendation:
        row.uncoveredFunctions.length > 0
          ? `Write tests that call ${row.uncoveredFunctions.slice(0, 3).map((f) => `\`${f.name}\``).join(", ")} and exercise ${linesPhrase(row.missing)}.`
          : `Write tests that reach ${linesPhrase(row.missing)}.`,
      confidence: "High",
      properties: { risk: row.risk, complexity: row.complexity, sensitive: row.sensitive, missingLines: formatRanges(row.missing) },
    });
  }
  return { findings, omitted };
}

export function functionFindings(rows: FileRow[]): CappedFindings {
  const findings: Finding[] = [];
  let omitted = 0;
  for (const row of rows) {
    for (const fn of row.uncoveredFunctions) {
      if (findings.length >= MAX_FUNCTION_FINDINGS) {
        omitted++;
        continue;
      }
      findings.push({
        ruleId: "coverage/uncovered-function",
        title: `Function \`${fn.name}\` is never called by the tests`,
        severity: row.sensitive.length > 0 ? "Medium" : "Low",
        file: row.file,
        line: fn.line,
        endLine: fn.line,
        message: `No test run enters \`${fn.name}\` (${row.file}:${fn.line}).${areaNote(row)}`,
        recommendation: `Add a test that calls \`${fn.name}\` with typical and edge-case inputs, or delete it if it is dead code.`,
        confidence: "High",
        properties: { function: fn.name, risk: row.risk },
      });
    }
  }
  return { findings, omitted: omitted > 0 ? { "coverage/uncovered-function": omitted } : {} };
}

export function noDataFindings(files: Array<{ file: string; sensitive: string[] }>): CappedFindings {
  const shown = files.slice(0, MAX_NO_DATA_FINDINGS);
  return {
    findings: shown.map(({ file, sensitive }) => ({
      ruleId: "coverage/no-coverage-data",
      title: `${file} has no coverage data`,
      severity: sensitive.length > 0 ? "Medium" : "Low",
      file,
      line: 0,
      endLine: 0,
      message: `No coverage report mentions ${file}: no test loads it, or the coverage tool is not configured to include it.${sensitive.length > 0 ? ` It handles ${sensitive.join(" and ")}.` : ""}`,
      recommendation: `Add tests that import ${file}, and make sure the coverage tool includes it (c8/nyc --all, coverage.py source=).`,
      confidence: "Medium",
    })),
    omitted: files.length > shown.length ? { "coverage/no-coverage-data": files.length - shown.length } : {},
  };
}

export interface DiffFileResult {
  file: string;
  covered: number;
  total: number;
  uncovered: Array<[number, number]>;
  sensitive: string[];
}

export function diffFindings(files: DiffFileResult[], base: string): CappedFindings {
  const findings: Finding[] = [];
  let omitted = 0;
  for (const result of files) {
    for (const [start, end] of result.uncovered) {
      if (findings.length >= MAX_DIFF_FINDINGS) {
        omitted++;
        continue;
      }
      findings.push({
        ruleId: "coverage/diff-uncovered",
        title: `Changed ${start === end ? `line ${start}` : `lines ${start}-${end}`} of ${result.file} not covered`,
        severity: result.sensitive.length > 0 ? "High" : "Medium",
        file: result.file,
        line: start,
        endLine: end,
        message: `Lines changed since ${base} that no test executes: ${result.file}:${start === end ? start : `${start}-${end}`}.`,
        recommendation: "Add or extend a test that runs this new code before merging.",
        confidence: "High",
      });
    }
  }
  return { findings, omitted: omitted > 0 ? { "coverage/diff-uncovered": omitted } : {} };
}
