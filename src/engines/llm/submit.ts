// The contract between bgr and a model: the model never writes the report
// file, it hands in its content through `submit_report`, and bgr renders the
// front matter and sections. The schema is strict and every finding's
// location is checked against the workspace, so a hallucinated file or line
// comes back to the model as a precise error it can fix in its repair turn.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { CONFIDENCES, SEVERITIES, type Finding } from "../../protocol/finding.js";
import { describeIssues } from "../../tools/index.js";
import { splitLines } from "../../tools/read.js";
import { resolveInside, toWorkspacePath } from "../../tools/sandbox.js";

export const SUBMIT_TOOL_NAME = "submit_report";

const workspacePath = z.string().min(1).describe("Workspace-relative path, forward slashes, e.g. src/auth/token.py.");

export const findingInput = z
  .object({
    ruleId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, "letters, digits and _ . : / - only")
      .max(100)
      .optional()
      .describe('Short stable id of the kind of issue, e.g. "hardcoded-secret" (derived from the title when absent).'),
    title: z.string().min(1).max(200).describe("One line naming the issue."),
    severity: z.enum(SEVERITIES),
    file: z
      .string()
      .describe('File the finding is about (workspace-relative); "" for a finding about the whole project (then line 0).'),
    line: z.number().int().min(0).describe("1-based line; 0 when it concerns the whole file."),
    endLine: z.number().int().min(0).optional(),
    message: z.string().min(1).describe("What was found and why it matters."),
    recommendation: z.string().min(1).describe("What to do about it."),
    confidence: z.enum(CONFIDENCES).optional(),
    cwe: z.number().int().positive().optional().describe("CWE number, e.g. 798."),
    owasp: z
      .string()
      .regex(/^A\d{2}:20\d{2}$/, 'an OWASP Top 10 id like "A03:2021"')
      .optional(),
    snippet: z.string().max(1000).optional().describe("The offending line(s), verbatim."),
    trace: z
      .array(z.object({ file: workspacePath, line: z.number().int().min(1), note: z.string().min(1) }).strict())
      .optional()
      .describe("Source-to-sink steps for data-flow issues."),
  })
  .strict();

export const reportSubmission = z
  .object({
    title: z.string().min(1).max(200).describe("Report title, e.g. \"Security audit: auth module\"."),
    summary: z.string().min(1).describe("One paragraph: what was done and the overall result."),
    findings: z.array(findingInput).describe("Every issue found; an empty list when there is none."),
    recommendations: z.array(z.string().min(1)).describe("Prioritized actions, most important first."),
    filesAnalyzed: z.array(workspacePath).optional().describe("Files examined beyond those read with Read."),
  })
  .strict();

export type FindingInput = z.infer<typeof findingInput>;
export type ReportSubmission = z.infer<typeof reportSubmission>;

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "finding";
}

/** Counts lines per file once per submission: many findings usually share a few files. */
class LineCounter {
  private readonly counts = new Map<string, Promise<number | undefined>>();
  constructor(private readonly root: string) {}
  count(relative: string): Promise<number | undefined> {
    let pending = this.counts.get(relative);
    if (!pending) {
      pending = readFile(resolveInside(this.root, relative), "utf8").then(
        (text) => splitLines(text).length,
        () => undefined,
      );
      this.counts.set(relative, pending);
    }
    return pending;
  }
}

/** Normalizes a location and checks it exists; returns the workspace path or a problem. */
async function checkLocation(root: string, lines: LineCounter, where: string, file: string, line: number): Promise<Checked<string>> {
  let relative: string;
  try {
    relative = toWorkspacePath(root, resolveInside(root, file));
  } catch (error) {
    return { ok: false, error: `${where}.file: ${(error as Error).message}` };
  }
  const count = await lines.count(relative);
  if (count === undefined) return { ok: false, error: `${where}.file: ${relative} is not a readable file in the workspace` };
  if (line > count) return { ok: false, error: `${where}.line: ${line} is past the end of ${relative} (${count} lines)` };
  return { ok: true, value: relative };
}

export async function toFinding(root: string, input: FindingInput, where: string, lines: LineCounter): Promise<Checked<Finding>> {
  // Project-wide findings (a missing policy, a dependency) have no file; the report shows "(workspace)".
  const projectWide = input.file.trim() === "" || input.file.trim() === ".";
  if (projectWide && input.line !== 0) return { ok: false, error: `${where}.line: a finding with no file must have line 0` };
  const location: Checked<string> = projectWide ? { ok: true, value: "" } : await checkLocation(root, lines, where, input.file, input.line);
  if (!location.ok) return location;
  const trace: Finding["trace"] = [];
  for (const [i, step] of (input.trace ?? []).entries()) {
    const checked = await checkLocation(root, lines, `${where}.trace.${i}`, step.file, step.line);
    if (!checked.ok) return checked;
    trace.push({ file: checked.value, line: step.line, note: step.note });
  }
  const endLine = Math.max(input.endLine ?? input.line, input.line);
  const finding: Finding = {
    ruleId: input.ruleId ?? `llm/${slug(input.title)}`,
    title: input.title.trim(),
    severity: input.severity,
    file: location.value,
    line: input.line,
    endLine,
    message: input.message.trim(),
    recommendation: input.recommendation.trim(),
    ...(input.confidence ? { confidence: input.confidence } : {}),
    ...(input.cwe !== undefined ? { cwe: input.cwe } : {}),
    ...(input.owasp ? { owasp: input.owasp } : {}),
    ...(input.snippet ? { snippet: input.snippet.trim() } : {}),
    ...(trace.length > 0 ? { trace } : {}),
  };
  return { ok: true, value: finding };
}

export interface CheckedReport {
  title: string;
  summary: string;
  findings: Finding[];
  recommendations: string[];
  filesAnalyzed: string[];
}

/** Schema check, then workspace checks; every problem listed so one repair turn can fix them all. */
export async function checkReportSubmission(root: string, raw: unknown): Promise<Checked<CheckedReport>> {
  const parsed = reportSubmission.safeParse(raw);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
  const lines = new LineCounter(root);
  const problems: string[] = [];
  const findings: Finding[] = [];
  for (const [i, input] of parsed.data.findings.entries()) {
    const checked = await toFinding(root, input, `findings.${i}`, lines);
    if (checked.ok) findings.push(checked.value);
    else problems.push(checked.error);
  }
  const filesAnalyzed: string[] = [];
  for (const [i, file] of (parsed.data.filesAnalyzed ?? []).entries()) {
    const checked = await checkLocation(root, lines, `filesAnalyzed.${i}`, file, 0);
    if (checked.ok) filesAnalyzed.push(checked.value);
    else problems.push(checked.error.replace(`filesAnalyzed.${i}.file`, `filesAnalyzed.${i}`));
  }
  if (problems.length > 0) return { ok: false, error: problems.join("; ") };
  return {
    ok: true,
    value: {
      title: parsed.data.title.trim(),
      summary: parsed.data.summary.trim(),
      findings,
      recommendations: parsed.data.recommendations.map((r) => r.trim()),
      filesAnalyzed,
    },
  };
}

export { LineCounter };
