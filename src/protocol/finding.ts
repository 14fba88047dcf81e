// A finding is the one currency every engine pays in and every renderer
// reads. Field names are pinned by SPEC.md ("Machine output"); add fields,
// never rename them.

import { compareText, sortKey } from "./collate.js";

export const SEVERITIES = ["High", "Medium", "Low", "Info"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONFIDENCES = ["High", "Medium", "Low"] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export interface TraceStep {
  file: string;
  line: number;
  note: string;
}

export interface Finding {
  ruleId: string;
  title: string;
  severity: Severity;
  /** Workspace-relative, forward slashes. */
  file: string;
  /** 1-based; 0 when the finding is about a whole file. */
  line: number;
  endLine: number;
  message: string;
  recommendation: string;
  column?: number;
  endColumn?: number;
  confidence?: Confidence;
  cwe?: number;
  /** OWASP Top 10 2021 id, e.g. "A03:2021". */
  owasp?: string;
  /** The offending source line(s), trimmed. */
  snippet?: string;
  /** Source → sink steps for data-flow findings. */
  trace?: TraceStep[];
  /** Free-form engine extras (e.g. complexity numbers); renderers may show them. */
  properties?: Record<string, unknown>;
}

const SEVERITY_RANK: Record<Severity, number> = { High: 3, Medium: 2, Low: 1, Info: 0 };

export function severityRank(severity: Severity): number {
  return SEVERITY_RANK[severity];
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** Accepts any casing ("high", "HIGH") and the common aliases used by other tools. */
export function parseSeverity(value: string): Severity | undefined {
  const v = value.trim().toLowerCase();
  const aliases: Record<string, Severity> = {
    critical: "High", high: "High", error: "High",
    medium: "Medium", moderate: "Medium", warning: "Medium",
    low: "Low", note: "Low", minor: "Low",
    info: "Info", informational: "Info", none: "Info",
  };
  return aliases[v];
}

/** Highest severity first, then file, then line: the order every report uses. */
// compareText is String#localeCompare's order (English, on every machine) without a collator
// per call (Node 20 builds one each time: sorting 441 findings cost ~100 ms) or even per run (collate.ts).

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compareText(a.file, b.file) ||
    a.line - b.line ||
    compareText(a.ruleId, b.ruleId)
  );
}

/**
 * Each string's sort key, kept between calls: a report sorts the same findings
 * more than once (the engine, then each renderer), and the paths and rule ids
 * of one workspace are few. Emptied when it grows past what one large project
 * needs, so a long-lived server does not keep every path it ever saw.
 */
const sortKeys = new Map<string, string | undefined>();
const MAX_SORT_KEYS = 100_000;

function sortKeyOf(s: string): string | undefined {
  let key = sortKeys.get(s);
  if (key === undefined && !sortKeys.has(s)) {
    if (sortKeys.size >= MAX_SORT_KEYS) sortKeys.clear();
    sortKeys.set(s, (key = sortKey(s)));
  }
  return key;
}

/**
 * Sorts in place into compareFindings' order, the same as
 * `findings.sort(compareFindings)` (stable, equal keys only for equal
 * strings), with each file and rule id turned into a sort key once. A list
 * already in order (the second sort of a report) is left as it is after one pass.
 */
export function sortFindings<T extends Finding>(findings: T[]): T[] {
  const decorated: Array<{ finding: T; severity: number; file: string; rule: string }> = [];
  for (const finding of findings) {
    const file = sortKeyOf(finding.file);
    const rule = sortKeyOf(finding.ruleId);
    // Text beyond printable ASCII is the collator's to order.
    if (file === undefined || rule === undefined) return findings.sort(compareFindings);
    decorated.push({ finding, severity: SEVERITY_RANK[finding.severity], file, rule });
  }
  const order = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const compare = (a: (typeof decorated)[number], b: (typeof decorated)[number]): number =>
    b.severity - a.severity || order(a.file, b.file) || a.finding.line - b.finding.line || order(a.rule, b.rule);
  let sorted = true;
  for (let i = 1; i < decorated.length && sorted; i++) sorted = compare(decorated[i - 1]!, decorated[i]!) <= 0;
  if (sorted) return findings;
  decorated.sort(compare);
  for (let i = 0; i < decorated.length; i++) findings[i] = decorated[i]!.finding;
  return findings;
}
