// --triage: a model reviews another engine's findings. It confirms or
// dismisses each one with a reason; nothing disappears. A dismissed finding
// stays in the report, lowered to Info and marked, with the reason and its
// original severity in properties.triage, so a reader can overrule the model.
import { z } from "zod";
import { sortFindings, SEVERITIES, type Finding } from "../../protocol/finding.js";
import { describeIssues } from "../../tools/index.js";
import type { ReportSection } from "../types.js";
import { findingInput, LineCounter, toFinding, type Checked } from "./submit.js";

/** Beyond this the prompt gets too long to review well; the rest are listed as unreviewed. */
export const TRIAGE_MAX_FINDINGS = 100;

export const triageSubmission = z
  .object({
    title: z.string().min(1).max(200),
    summary: z.string().min(1).describe("What was reviewed and the overall verdict."),
    verdicts: z
      .array(
        z
          .object({
            id: z.string().regex(/^F\d+$/, 'a finding id from the list, like "F1"'),
            verdict: z.enum(["confirmed", "dismissed"]),
            reason: z.string().min(1).describe("Why: the evidence in the code."),
            explanation: z.string().optional().describe("For confirmed findings: impact and how it can be exploited or hit."),
            severity: z.enum(SEVERITIES).optional().describe("Corrected severity for a confirmed finding, when the engine's was wrong."),
          })
          .strict(),
      )
      .describe("Exactly one verdict per finding id."),
    findings: z.array(findingInput).optional().describe("New issues noticed while reviewing, not in the list."),
    recommendations: z.array(z.string().min(1)),
  })
  .strict();

export type TriageVerdict = z.infer<typeof triageSubmission>["verdicts"][number];

export interface CheckedTriage {
  title: string;
  summary: string;
  verdicts: Map<string, TriageVerdict>;
  newFindings: Finding[];
  recommendations: string[];
}

/** Ids are positions in the severity-sorted list: F1 is the most severe. */
export function triageOrder(findings: Finding[]): Finding[] {
  return sortFindings([...findings]);
}

export function triageUserMessage(base: string, findings: Finding[]): string {
  const reviewed = findings.slice(0, TRIAGE_MAX_FINDINGS);
  const listing = reviewed.map((f, i) => {
    const lines = [`F${i + 1}. [${f.severity}] ${f.ruleId}: ${f.title}`, `    at ${f.file}${f.line > 0 ? `:${f.line}` : ""}`, `    ${f.message}`];
    if (f.snippet) lines.push(`    code: ${f.snippet.replace(/\s*\n\s*/g, " ").slice(0, 200)}`);
    return lines.join("\n");
  });
  return [
    base,
    `Triage: an analysis engine reported the ${reviewed.length} findings below${findings.length > reviewed.length ? ` (the ${reviewed.length} most severe of ${findings.length})` : ""}. ` +
      "Read the code around each one and decide: confirmed (a real problem; correct the severity if needed and explain the impact) or " +
      "dismissed (false positive, dead code, test-only, already mitigated: say why). Give exactly one verdict per id, then call submit_report.",
    listing.join("\n"),
  ].join("\n\n");
}

export async function checkTriageSubmission(root: string, raw: unknown, reviewedCount: number): Promise<Checked<CheckedTriage>> {
  const parsed = triageSubmission.safeParse(raw);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
  const problems: string[] = [];
  const verdicts = new Map<string, TriageVerdict>();
  for (const verdict of parsed.data.verdicts) {
    const n = Number(verdict.id.slice(1));
    if (n < 1 || n > reviewedCount) problems.push(`verdicts: ${verdict.id} is not in the list (F1 to F${reviewedCount})`);
    else if (verdicts.has(verdict.id)) problems.push(`verdicts: ${verdict.id} has more than one verdict`);
    else verdicts.set(verdict.id, verdict);
  }
  const missing = Array.from({ length: reviewedCount }, (_, i) => `F${i + 1}`).filter((id) => !verdicts.has(id));
  if (missing.length) problems.push(`verdicts: no verdict for ${missing.join(", ")}`);
  const lines = new LineCounter(root);
  const newFindings: Finding[] = [];
  for (const [i, input] of (parsed.data.findings ?? []).entries()) {
    const checked = await toFinding(root, input, `findings.${i}`, lines);
    if (checked.ok) newFindings.push({ ...checked.value, properties: { triage: { verdict: "new" } } });
    else problems.push(checked.error);
  }
  if (problems.length) return { ok: false, error: problems.join("; ") };
  return {
    ok: true,
    value: {
      title: parsed.data.title.trim(),
      summary: parsed.data.summary.trim(),
      verdicts,
      newFindings,
      recommendations: parsed.data.recommendations.map((r) => r.trim()),
    },
  };
}

const cell = (text: string): string => text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|").trim();

/** Marks every finding with its verdict; returns them (all kept) and the report's Triage section. */
export function applyTriage(ordered: Finding[], triage: CheckedTriage): { findings: Finding[]; section: ReportSection } {
  const rows: string[] = [];
  let confirmed = 0;
  let dismissed = 0;
  const findings = ordered.map((finding, i): Finding => {
    const id = `F${i + 1}`;
    const verdict = triage.verdicts.get(id);
    if (!verdict) {
      rows.push(`| ${id} | unreviewed | ${cell(finding.title)} | beyond the ${TRIAGE_MAX_FINDINGS} findings reviewed |`);
      return { ...finding, properties: { ...finding.properties, triage: { verdict: "unreviewed" } } };
    }
    const record = {
      verdict: verdict.verdict,
      reason: verdict.reason,
      ...(verdict.explanation ? { explanation: verdict.explanation } : {}),
      originalSeverity: finding.severity,
    };
    rows.push(`| ${id} | ${verdict.verdict} | ${cell(finding.title)} (\`${finding.file}:${finding.line}\`) | ${cell(verdict.reason)} |`);
    if (verdict.verdict === "dismissed") {
      dismissed++;
      return {
        ...finding,
        severity: "Info",
        title: `Dismissed: ${finding.title}`,
        message: `Dismissed by triage: ${verdict.reason} (was ${finding.severity}: ${finding.message})`,
        properties: { ...finding.properties, triage: record },
      };
    }
    confirmed++;
    const detail = [`Confirmed by triage: ${verdict.reason}`, verdict.explanation].filter(Boolean).join(" ");
    return {
      ...finding,
      severity: verdict.severity ?? finding.severity,
      message: `${finding.message} ${detail}`,
      properties: { ...finding.properties, triage: record },
    };
  });
  for (const f of triage.newFindings) rows.push(`| new | added | ${cell(f.title)} (\`${f.file}:${f.line}\`) | ${cell(f.message)} |`);
  const body = [
    `${ordered.length} engine findings: ${confirmed} confirmed, ${dismissed} dismissed${ordered.length - confirmed - dismissed ? `, ${ordered.length - confirmed - dismissed} unreviewed` : ""}; ${triage.newFindings.length} added by the model. Dismissed findings stay listed above at Info severity with the reason.`,
    "",
    "| Id | Verdict | Finding | Reason |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
  return { findings: [...findings, ...triage.newFindings], section: { heading: "Triage", body } };
}
