// The code review engine: what a careful reviewer would write about a change,
// placed at the new-side lines the change added, and nothing about code the
// change did not touch.
import ignore from "ignore";
import { syntaxErrors } from "../../lang/parsers.js";
import { compareFindings, type Finding } from "../../protocol/finding.js";
import { loadConfig } from "../../runtime/config.js";
import { resolveInside, toWorkspacePath } from "../../tools/sandbox.js";
import type { Engine, EngineContext, EngineError, EngineResult } from "../types.js";
import { type ChangeSet, changeStats, collectChange, isBgrPath } from "./change.js";
import { apiFindings } from "./checks/api.js";
import { cloneFindings } from "./checks/clones.js";
import { conflictFindings } from "./checks/conflicts.js";
import { errorHandlingFindings } from "./checks/error-handling.js";
import { externalFindings } from "./checks/external.js";
import { leftoverFindings } from "./checks/leftovers.js";
import { riskFindings } from "./checks/risk.js";
import { structureFindings } from "./checks/structure.js";
import { testingFindings } from "./checks/testing.js";
import { parseReviewSettings, type ReviewContext, ReviewFile } from "./context.js";
import { wholeFilesChange } from "./files-change.js";
import { GitError } from "./git.js";
import { changeSummarySection } from "./change-summary.js";
import { changeSection, complexitySection } from "./sections.js";
import { decideVerdict, prioritizedRecommendations } from "./verdict.js";

type Check = { name: string; run(ctx: ReviewContext): Finding[] | Promise<Finding[]> };

const CHECKS: Check[] = [
  { name: "conflict markers", run: conflictFindings },
  { name: "public API", run: apiFindings },
  { name: "structure", run: structureFindings },
  { name: "leftovers", run: leftoverFindings },
  { name: "error handling", run: errorHandlingFindings },
  { name: "risky changes", run: riskFindings },
  { name: "tests", run: testingFindings },
  { name: "clones", run: cloneFindings },
];

/** A finding belongs to the review only on a line the change added, or about a whole file (line 0). */
function onChangedLines(findings: Finding[], files: ReviewFile[]): Finding[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  return findings.filter((finding) => {
    const file = byPath.get(finding.file);
    return file !== undefined && (finding.line === 0 || file.added.has(finding.line));
  });
}

/** Our own secret check and the security engine may flag the same line; keep the security engine's. */
function dropDuplicateSecrets(findings: Finding[]): Finding[] {
  const securityCredentialLines = new Set(
    findings.filter((finding) => !finding.ruleId.startsWith("review/") && finding.cwe === 798).map((finding) => `${finding.file}:${finding.line}`),
  );
  return findings.filter((finding) => finding.ruleId !== "review/secret" || !securityCredentialLines.has(`${finding.file}:${finding.line}`));
}

function scopeOf(ctx: EngineContext): string[] {
  return ctx.scope.map((entry) => toWorkspacePath(ctx.root, resolveInside(ctx.root, entry)) || ".");
}

async function loadFiles(change: ChangeSet, exclude: string[], errors: EngineError[]): Promise<ReviewFile[]> {
  const excluded = ignore().add(exclude);
  const files: ReviewFile[] = [];
  // bgr's own reports, sessions and caches are never part of the code under review.
  const kept = change.files.filter((changed) => !isBgrPath(changed.path) && (exclude.length === 0 || !excluded.ignores(changed.path)));
  const sides = await change.readSides(kept);
  for (const [index, changed] of kept.entries()) {
    const file = new ReviewFile(changed, sides[index]!.newText, sides[index]!.oldText);
    if (file.language && file.newText !== undefined && !file.analysable) {
      errors.push({ file: file.path, message: "too large to parse (over 1 MiB): only line-based checks ran" });
    } else if (file.analysable) {
      for (const problem of syntaxErrors(file.tree("new")!, 1)) {
        errors.push({ file: file.path, line: problem.line, message: `${problem.message}: structure checks may be incomplete` });
      }
    }
    files.push(file);
  }
  return files;
}

/** What to do when the change is empty, for each way of choosing it. */
function emptyChangeHint(change: ChangeSet): string {
  if (change.mode === "files") return "the given paths hold no readable file";
  if (change.mode === "staged") return "nothing is staged: stage the change with git add, or review the working tree without --staged";
  if (change.mode === "worktree") return "the working tree has no change (bgr's .agents/ and the configured exclude paths do not count): commit or edit something, or name a base with --base REF";
  return `${change.headLabel} does not differ from ${change.baseLabel} (bgr's .agents/ and the configured exclude paths do not count): name another base with --base REF, or review the working tree`;
}

/** An empty change is never approved: there was nothing to look at. */
function nothingToReview(change: ChangeSet, files: ReviewFile[]): EngineResult {
  const hint = emptyChangeHint(change);
  return {
    title: `Code review: ${change.headLabel} against ${change.baseLabel}`,
    summary: `Nothing to review: ${hint}. Verdict: **nothing to review**.`,
    findings: [],
    filesAnalyzed: [],
    errors: [],
    recommendations: [`Nothing to review: ${hint}.`],
    sections: [changeSection(change, files)],
    data: {
      verdict: "nothing to review",
      reasons: [hint],
      change: { files: 0, additions: 0, deletions: 0, base: change.base, head: change.head ?? change.headLabel, baseLabel: change.baseLabel, headLabel: change.headLabel, mode: change.mode },
    },
  };
}

function blocked(message: string): EngineResult {
  return {
    title: "Code review",
    summary: `The review could not start: ${message}`,
    findings: [],
    filesAnalyzed: [],
    errors: [],
    recommendations: [],
    blockers: [message],
  };
}

type ChosenChange = { change: ChangeSet; fullReviewReason?: string } | { blocker: string };

/**
 * The git change to review; the given files in full when the repository has
 * no change for them. Without a repository there is no change at all, and a
 * review of whole files would pass for a review of "the latest commit".
 */
async function chooseChange(ctx: EngineContext, exclude: string[]): Promise<ChosenChange> {
  const scope = scopeOf(ctx);
  const base = typeof ctx.options.base === "string" && ctx.options.base !== "" ? ctx.options.base : undefined;
  const head = typeof ctx.options.head === "string" && ctx.options.head !== "" ? ctx.options.head : undefined;
  const staged = ctx.options.staged === true;
  try {
    const change = await collectChange({ root: ctx.root, base, head, staged, scope, signal: ctx.signal });
    if (change.files.length > 0 || scope.length === 0 || base !== undefined || head !== undefined || staged) return { change };
  } catch (error) {
    if (error instanceof GitError) return { blocker: error.message };
    throw error;
  }
  const reason = "the given files have no change to review";
  ctx.log(`${reason}: reviewing them in full`);
  return { change: await wholeFilesChange(ctx.root, scope, exclude), fullReviewReason: reason };
}

async function run(ctx: EngineContext): Promise<EngineResult> {
  const config = await loadConfig(ctx.root);
  const settings = parseReviewSettings(config.review, config.source ?? "bgr config");
  const chosen = await chooseChange(ctx, config.exclude);
  if ("blocker" in chosen) return blocked(chosen.blocker);
  const { change, fullReviewReason } = chosen;
  ctx.log(`reviewing ${change.baseLabel} → ${change.headLabel}: ${change.files.length} file(s)`);

  const errors: EngineError[] = [];
  const files = await loadFiles(change, config.exclude, errors);
  if (files.length === 0) return nothingToReview(change, files);
  const review: ReviewContext = { root: ctx.root, change, files, settings, signal: ctx.signal, log: ctx.log };

  const raw: Finding[] = [];
  const steps = CHECKS.length + 1;
  for (const [index, check] of CHECKS.entries()) {
    ctx.signal.throwIfAborted();
    ctx.progress(index, steps, check.name);
    const started = performance.now();
    try {
      raw.push(...(await check.run(review)));
      ctx.log(`${check.name} check: ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      errors.push({ message: `${check.name} check failed: ${(error as Error).message}` });
    }
  }
  ctx.progress(CHECKS.length, steps, "security and linters");
  const external = await externalFindings(review, ctx);
  raw.push(...external.findings);
  ctx.progress(steps, steps);

  const disabled = new Set(config.rules.disable);
  const findings = dropDuplicateSecrets(onChangedLines(raw, files))
    .filter((finding) => !disabled.has(finding.ruleId))
    .sort(compareFindings);
  const stats = changeStats({ ...change, files: files.map((file) => file.change) });
  const { verdict, reasons } = decideVerdict(findings);

  const size = `${stats.files} file(s), +${stats.additions} −${stats.deletions} lines`;
  const scopeLine = fullReviewReason !== undefined
    ? `Reviewed ${stats.files} file(s) (${stats.additions} lines) in full because ${fullReviewReason}. `
    : `Reviewed the change from ${change.baseLabel} to ${change.headLabel}: ${size}. `;
  const summary =
    scopeLine +
    `Verdict: **${verdict}** — ${reasons.join("; ")}. ` +
    (fullReviewReason !== undefined ? `${findings.length} finding(s).` : `${findings.length} finding(s) on changed lines; untouched code was not reviewed.`);

  return {
    title: `Code review: ${change.headLabel} against ${change.baseLabel}`,
    summary,
    findings,
    filesAnalyzed: files.map((file) => file.path),
    errors,
    recommendations: prioritizedRecommendations(findings),
    sections: [changeSummarySection(files), changeSection(change, files), complexitySection(files), { heading: "Review Notes", body: external.notes.map((note) => `- ${note}`).join("\n") || "- No external analysers applied to this change." }].filter(
      (section) => section.body !== "",
    ),
    data: {
      verdict,
      reasons,
      change: {
        files: stats.files,
        additions: stats.additions,
        deletions: stats.deletions,
        base: change.base,
        head: change.head ?? change.headLabel,
        baseLabel: change.baseLabel,
        headLabel: change.headLabel,
        mode: change.mode,
      },
    },
  };
}

export const codeReviewEngine: Engine = {
  kind: "code-review",
  description: "Reviews a git change (branch, index or working tree): complexity, clones, leftovers, error handling, risky changes, tests, security and linters, on changed lines only.",
  run,
};
