// The seed's report, section by section in SPEC's order. Hundreds of findings
// are capped here (a reader skims the most severe); the JSON/SARIF sidecars
// always carry the full list.
import type { EngineResult } from "../engines/types.js";
import { compareFindings, SEVERITIES, type Finding, type Severity } from "../protocol/finding.js";
import { renderFrontMatter, type ReportFrontMatter } from "../protocol/report-meta.js";

export interface MarkdownReportInput {
  title: string;
  result: EngineResult;
  /** Absent for the direct engine commands (`bgr audit --format md`). */
  frontMatter?: ReportFrontMatter;
  /** A failed run: adds `## Blockers` from result.blockers. */
  partial?: boolean;
  /** Where the full finding list lives, named when the listing is capped. */
  sidecars?: string[];
  /** How many findings are written out in full (default 50). */
  maxDetailed?: number;
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, " ").trim();

function location(finding: Finding): string {
  if (!finding.file) return "(workspace)";
  return finding.line > 0 ? `${finding.file}:${finding.line}` : finding.file;
}

/** Longest backtick run inside the text + 1, so code containing backticks stays intact. */
function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

export function renderFinding(finding: Finding, index: number): string {
  const lines = [
    `### Finding ${index}: ${oneLine(finding.title)}`,
    `**Severity**: ${finding.severity}`,
    `**Location**: ${inlineCode(location(finding))}`,
    `**Description**: ${oneLine(finding.message)}`,
    `**Recommendation**: ${oneLine(finding.recommendation)}`,
    `**Rule**: ${inlineCode(finding.ruleId)}`,
  ];
  if (finding.cwe !== undefined) lines.push(`**CWE**: CWE-${finding.cwe}`);
  if (finding.owasp) lines.push(`**OWASP**: ${finding.owasp}`);
  if (finding.confidence) lines.push(`**Confidence**: ${finding.confidence}`);
  if (finding.snippet) lines.push(`**Code**: ${inlineCode(oneLine(finding.snippet).slice(0, 200))}`);
  if (finding.trace?.length) {
    lines.push("**Trace**:");
    for (const step of finding.trace) lines.push(`- ${inlineCode(`${step.file}:${step.line}`)} ${oneLine(step.note)}`);
  }
  return lines.join("\n");
}

function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts = { High: 0, Medium: 0, Low: 0, Info: 0 } as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export function severityLine(findings: Finding[]): string {
  const counts = countBySeverity(findings);
  return SEVERITIES.map((s) => `${s}: ${counts[s]}`).join(", ");
}

const CONFIDENCE_RANK = { High: 0, Medium: 1, Low: 2 } as const;

/** High-confidence findings lead (a finding without a confidence counts as sure), then by severity. */
function byConfidence(a: Finding, b: Finding): number {
  return CONFIDENCE_RANK[a.confidence ?? "High"] - CONFIDENCE_RANK[b.confidence ?? "High"] || compareFindings(a, b);
}

/** Findings the audit placed in test, example or fixture code: listed in their own section. */
const inTestCode = (f: Finding): boolean => f.properties?.testCode === true;

function renderFindings(findings: Finding[], maxDetailed: number, sidecars: string[], firstNumber = 1): string {
  if (findings.length === 0) return "No findings.";
  const sorted = [...findings].sort(byConfidence);
  const shown = sorted.slice(0, maxDetailed);
  const parts = shown.map((f, i) => renderFinding(f, i + firstNumber));
  const rest = sorted.slice(maxDetailed);
  if (rest.length > 0) {
    const byRule = new Map<string, { severity: Severity; title: string; count: number; example: string }>();
    for (const f of rest) {
      const entry = byRule.get(f.ruleId) ?? { severity: f.severity, title: f.title, count: 0, example: location(f) };
      entry.count++;
      byRule.set(f.ruleId, entry);
    }
    const where = sidecars.length ? ` The full list is in ${sidecars.map(inlineCode).join(" and ")}.` : "";
    parts.push(
      [
        `### ${rest.length} more findings (${severityLine(rest)})`,
        `Only the ${shown.length} most severe findings are written out above.${where}`,
        "",
        "| Rule | Severity | Count | First location |",
        "|---|---|---|---|",
        ...[...byRule.entries()].map(
          ([rule, e]) => `| ${inlineCode(rule)} ${e.title.replace(/\|/g, "\\|")} | ${e.severity} | ${e.count} | ${inlineCode(e.example)} |`,
        ),
      ].join("\n"),
    );
  }
  return parts.join("\n\n");
}

function numbered(items: string[], empty: string): string {
  return items.length ? items.map((item, i) => `${i + 1}. ${oneLine(item)}`).join("\n") : empty;
}

export function renderMarkdownReport(input: MarkdownReportInput): string {
  const { result } = input;
  const sections: string[] = [];
  if (input.frontMatter) sections.push(renderFrontMatter(input.frontMatter).trimEnd());
  sections.push(`# ${oneLine(input.title)}`);
  sections.push(`## Summary\n\n${result.summary.trim() || "No summary was produced."}`);
  const testFindings = result.findings.filter(inTestCode);
  const productFindings = testFindings.length ? result.findings.filter((f) => !inTestCode(f)) : result.findings;
  sections.push(`## Findings\n\n${renderFindings(productFindings, input.maxDetailed ?? 50, input.sidecars ?? [])}`);
  if (testFindings.length) {
    const intro = "Findings in test, example and fixture code, reported at Low (set `audit.tests: include` to report them like any code, `skip` to leave them out).";
    sections.push(`## Findings in Test Code\n\n${intro}\n\n${renderFindings(testFindings, input.maxDetailed ?? 50, input.sidecars ?? [], Math.min(productFindings.length, input.maxDetailed ?? 50) + 1)}`);
  }
  for (const section of result.sections ?? []) sections.push(`## ${oneLine(section.heading)}\n\n${section.body.trim()}`);
  if (result.errors.length > 0) {
    const errorLines = result.errors.map((e) => {
      const where = e.file ? `${inlineCode(e.line ? `${e.file}:${e.line}` : e.file)}: ` : "";
      return `- ${where}${oneLine(e.message)}`;
    });
    sections.push(`## Analysis Errors\n\n${errorLines.join("\n")}`);
  }
  sections.push(`## Recommendations\n\n${numbered(result.recommendations, "No action needed.")}`);
  const files = result.filesAnalyzed.map((f) => `- ${inlineCode(f)}`);
  sections.push(`## Files Analyzed\n\n${files.length ? files.join("\n") : "No files were analyzed."}`);
  if (input.partial) {
    const blockers = result.blockers?.length ? result.blockers : ["The run failed without a recorded reason."];
    sections.push(`## Blockers\n\n${blockers.map((b) => `- ${b.trim().replace(/\n/g, "\n  ")}`).join("\n")}`);
  }
  return `${sections.join("\n\n")}\n`;
}
