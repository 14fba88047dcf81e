// The coverage-analysis engine: read (or produce) the project's coverage
// reports, total them the way the producing tool does, and point at the
// untested code that matters most.
import type { Finding } from "../../protocol/finding.js";
import { existsSync } from "node:fs";
import { sortFindings } from "../../protocol/finding.js";
import { loadConfig } from "../../runtime/config.js";
import { resolveInside, SandboxError, toWorkspacePath } from "../../tools/sandbox.js";
import type { Engine, EngineContext, EngineResult, ReportSection } from "../types.js";
import { collectCoverage } from "./collect.js";
import { analyzeDiff } from "./diff-coverage.js";
import { discoverReports } from "./discover.js";
import { fileFindings, functionFindings, noDataFindings, thresholdFindings } from "./findings.js";
import { goModulePath, filesWithoutCoverage } from "./workspace.js";
import { coveragePyStyle, GENERIC } from "./percent.js";
import { checkThresholdGroups } from "./path-thresholds.js";
import { produceCoverage, type ProducedReport } from "./produce.js";
import { commandSection, listSection, perFileSection, totalsSection } from "./sections.js";
import { byRisk, commonStyle, computeTotals, fileRow, rowToJson } from "./summarize.js";
import { coveragePyReportOptions, loadThresholds } from "./thresholds.js";

function inScope(file: string, scope: string[]): boolean {
  if (scope.length === 0) return true;
  return scope.some((entry) => {
    const s = entry.replace(/^\.\//, "").replace(/\/+$/, "");
    return s === "" || s === "." || file === s || file.startsWith(`${s}/`);
  });
}

/** One line per report, not per path: a report from CI can name thousands of files this checkout lacks. */
function unmappedErrors(unmapped: Array<{ path: string; report: string }>): Array<{ file: string; message: string }> {
  const byReport = new Map<string, string[]>();
  for (const { path, report } of unmapped) byReport.set(report, [...(byReport.get(report) ?? []), path]);
  return [...byReport].map(([report, paths]) => ({
    file: report,
    message: `${report}: ${paths.length} path${paths.length === 1 ? "" : "s"} not in the workspace (e.g. ${paths[0]}); left out of the totals`,
  }));
}

// The names the caller can set: MCP fields, or the flags of bgr run/spawn/coverage.
const reportInput = (ctx: EngineContext) => (ctx.options.surface === "mcp" ? "reports: [F]" : "--report F");
const execInput = (ctx: EngineContext) => (ctx.options.surface === "mcp" ? "allowExec: true" : "--allow-exec");

function blocked(summary: string, blockers: string[], extra: Partial<EngineResult> = {}): EngineResult {
  return { summary, findings: [], filesAnalyzed: [], errors: [], recommendations: [], blockers, ...extra };
}

async function run(ctx: EngineContext): Promise<EngineResult> {
  const config = await loadConfig(ctx.root);
  const coverageConfig = config.coverage ?? {};
  const scope = ctx.scope.map((s) => s.replace(/\\/g, "/"));
  const sections: ReportSection[] = [];

  let reports: string[];
  try {
    reports = (ctx.options.reports ?? []).map((r) => {
      const absolute = resolveInside(ctx.root, r);
      if (!existsSync(absolute)) throw new SandboxError(`--report ${r}: no such file: give the path of a coverage report`);
      return toWorkspacePath(ctx.root, absolute);
    });
  } catch (error) {
    if (error instanceof SandboxError) return blocked("A --report path is missing or outside the workspace.", [error.message]);
    throw error;
  }
  let produced: ProducedReport | undefined;
  let testFailure: string | undefined;
  if (reports.length === 0) reports = discoverReports(ctx.root, scope);
  if (reports.length === 0) {
    // Running the tests runs the project's code: only with the permission, never because the task text says so.
    const mayExec = ctx.options.allowExec === true || (config as { allowExec?: unknown }).allowExec === true;
    if (!mayExec) {
      return blocked("No coverage report was found, and bgr may not run the project's tests (no allowExec).", [
        `no coverage report found (looked for coverage/lcov.info, coverage/coverage-final.json, coverage.json, coverage.xml, .coverage, jacoco.xml, clover.xml, cover.out…): run the tests with coverage first, pass ${reportInput(ctx)}, or let bgr run the project's test command under coverage with ${execInput(ctx)} (or allowExec: true in .agents/config.yaml)`,
      ]);
    }
    try {
      produced = await produceCoverage(ctx.root, ctx.cacheDir, ctx.signal, ctx.log);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      return blocked("bgr tried to produce a coverage report by running the tests, and could not.", [(error as Error).message]);
    }
    sections.push(commandSection(produced.command, produced.exitCode, produced.output));
    reports = produced.reports.map((r) => toWorkspacePath(ctx.root, r));
    if (reports.length === 0) {
      return blocked("The tests ran but left no coverage report behind.", [`\`${produced.command}\` exited ${produced.exitCode} and wrote no coverage report`], { sections });
    }
    if (produced.exitCode !== 0) {
      testFailure = `\`${produced.command}\` exited ${produced.exitCode === null ? "on a signal" : produced.exitCode}: the tests fail, so the numbers below come from a failing run and understate coverage (its last lines are under Coverage Command)`;
    }
  }

  const goModule = goModulePath(ctx.root);
  const precision = Number(coveragePyReportOptions(ctx.root)?.options.precision);
  const collected = await collectCoverage(reports, {
    root: ctx.root,
    signal: ctx.signal,
    log: ctx.log,
    hints: { goModule },
    precision: Number.isInteger(precision) ? precision : undefined,
  });
  if (collected.reports.length === 0) {
    return blocked("No coverage report could be read.", collected.errors.map((e) => e.message), { errors: collected.errors });
  }

  const inScopeFiles = [...collected.files.values()].filter((f) => inScope(f.file, scope));
  const thresholds = loadThresholds(ctx.root, coverageConfig);
  const fromCoveragePy = collected.reports.some((r) => r.combinedTotal);
  const fallbackStyle = thresholds.precision !== undefined && fromCoveragePy ? coveragePyStyle(thresholds.precision) : GENERIC;
  const style = commonStyle(inScopeFiles, fallbackStyle);
  const totals = computeTotals(inScopeFiles, style, fromCoveragePy && style.kind === "coverage.py");

  ctx.progress(0, inScopeFiles.length, "ranking files");
  const rows = inScopeFiles.map((file, i) => {
    if (i % 500 === 0) ctx.progress(i, inScopeFiles.length, "ranking files");
    return fileRow(file, ctx.root);
  });
  rows.sort(byRisk);
  ctx.progress(inScopeFiles.length, inScopeFiles.length, "ranking files");

  const reportLocation = collected.reports[0]!.report;
  const thresholdLocation = thresholds.isDefault ? reportLocation : thresholds.source.startsWith("bgr config") ? (config.source ?? reportLocation) : thresholds.source;
  const groups = thresholds.groups && checkThresholdGroups(thresholds.groups, inScopeFiles, ctx.root, style, thresholdLocation, scope.length === 0);
  // jest takes the files its path and glob keys claim out of the global gate.
  const gateTotals = groups && groups.claimed.size > 0 ? computeTotals(inScopeFiles.filter((f) => !groups.claimed.has(f.file)), style, totals.combined !== undefined) : totals;
  const findings: Finding[] = [...thresholdFindings(gateTotals, thresholds, thresholdLocation), ...(groups?.findings ?? [])];
  const omitted: Record<string, number> = {};
  for (const part of [fileFindings(rows, thresholds), functionFindings(rows)]) {
    findings.push(...part.findings);
    Object.assign(omitted, part.omitted);
  }

  const covered = new Set(collected.files.keys());
  const missingData = await filesWithoutCoverage(ctx.root, scope, covered, config.exclude);
  const noData = noDataFindings(missingData);
  findings.push(...noData.findings);
  Object.assign(omitted, noData.omitted);

  let diffData: Record<string, unknown> | undefined;
  const recommendations: string[] = [];
  const blockers: string[] = testFailure ? [testFailure] : [];
  if (ctx.options.base) {
    const diff = await analyzeDiff(ctx.root, ctx.options.base, collected.files, scope.length > 0 ? (f) => inScope(f, scope) : () => true, style, ctx.signal);
    if ("error" in diff) blockers.push(diff.error);
    else {
      findings.push(...diff.findings.findings);
      Object.assign(omitted, diff.findings.omitted);
      sections.push(diff.section);
      diffData = diff.data;
      if (diff.summary.total > diff.summary.covered) {
        recommendations.push(`Cover the ${diff.summary.total - diff.summary.covered} changed lines no test runs (diff coverage ${diff.summary.pct}% since ${ctx.options.base}) before merging.`);
      }
    }
  }

  sections.unshift(totalsSection(totals, style, collected.reports));
  sections.splice(1, 0, perFileSection(rows, style));
  if (missingData.length > 0) {
    sections.push(listSection("Source Files Without Coverage Data", "Files in scope that no coverage report mentions:", missingData.map((m) => m.file)));
  }
  if (collected.unmapped.length > 0) {
    sections.push(
      listSection(
        "Report Paths Not in the Workspace",
        "These paths appear in the coverage reports but match no file in the workspace (deleted, generated, or from another checkout); they are left out of the totals:",
        collected.unmapped.map((u) => `${u.path}\` (in \`${u.report}`),
      ),
    );
  }

  sortFindings(findings);
  const risky = rows.filter((r) => r.risk > 0).slice(0, 3);
  if (risky.length > 0) {
    recommendations.unshift(`Write tests for the riskiest files first: ${risky.map((r) => `\`${r.file}\` (risk ${r.risk}${r.sensitive.length ? `, ${r.sensitive.join("/")}` : ""})`).join(", ")}.`);
  }
  const gateMisses = findings.filter((f) => f.ruleId === "coverage/below-threshold" && f.line === 0);
  if (gateMisses.length > 0) recommendations.push(`Raise totals above the gate: ${gateMisses.map((f) => f.title).join("; ")}.`);
  if (missingData.length > 0) recommendations.push(`Bring the ${missingData.length} source files without coverage data under test (or configure the coverage tool to include them: c8/nyc --all, coverage.py source=).`);
  if (collected.unmapped.length > 0) recommendations.push(`Regenerate the coverage report from this checkout: ${collected.unmapped.length} report paths match no workspace file.`);
  if (produced && produced.exitCode !== 0) recommendations.unshift(`Fix the failing tests: \`${produced.command}\` exited ${produced.exitCode}, so coverage is understated.`);

  const headline = (["lines", "statements", "branches", "functions"] as const)
    .filter((m) => totals[m])
    .map((m) => `${m} ${totals[m]!.pct}% (${totals[m]!.covered}/${totals[m]!.total})`)
    .join(", ");
  const omittedText = Object.entries(omitted).map(([rule, n]) => `${n} more ${rule}`).join(", ");
  const summary = [
    testFailure ? `**The tests failed**: ${testFailure}.` : "",
    `Coverage of ${inScopeFiles.length} file${inScopeFiles.length === 1 ? "" : "s"}${scope.length ? ` in ${scope.join(", ")}` : ""} from ${collected.reports.map((r) => `\`${r.report}\``).join(", ")}: ${headline || "no measurable code"}.`,
    totals.combined ? `coverage.py total: ${totals.combined.pct}%.` : "",
    thresholds.isDefault ? "" : `Thresholds from ${thresholds.source}.`,
    missingData.length > 0 ? `${missingData.length} source file${missingData.length === 1 ? " in scope has" : "s in scope have"} no coverage data.` : "",
    omittedText ? `Findings capped for readability (${omittedText}); the per-file table and --format json hold the rest.` : "",
  ].filter(Boolean).join(" ");

  return {
    title: `Coverage analysis${scope.length ? `: ${scope.join(", ")}` : ""}`,
    summary,
    findings,
    filesAnalyzed: [...collected.reports.map((r) => r.report), ...inScopeFiles.map((f) => f.file).sort()],
    errors: collected.errors.concat(unmappedErrors(collected.unmapped)),
    recommendations,
    sections,
    data: {
      totals,
      files: rows.map(rowToJson),
      reports: collected.reports.map(({ report, format, producer, files }) => ({ report, format, producer, files })),
      rounding: style,
      thresholds: { source: thresholds.source, global: thresholds.global, perFile: thresholds.perFile, ...(thresholds.groups ? { groups: thresholds.groups } : {}) },
      unmappedPaths: collected.unmapped,
      filesWithoutCoverage: missingData.map((m) => m.file),
      ...(diffData ? { diff: diffData } : {}),
      ...(produced ? { command: produced.command, commandExitCode: produced.exitCode } : {}),
    },
    ...(blockers.length > 0 ? { blockers } : {}),
  };
}

export const coverageAnalysisEngine: Engine = {
  kind: "coverage-analysis",
  description: "Coverage analysis: reads LCOV, istanbul, Cobertura, coverage.py, JaCoCo, Clover and Go reports; totals as the producing tool prints them; risky untested code and diff coverage.",
  run,
};

