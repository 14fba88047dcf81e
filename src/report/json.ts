// SPEC's machine output: {"findings", "files", "errors"} plus kind-specific
// data (coverage puts its totals and per-file table here, and its `files`
// table deliberately replaces the plain list of analysed paths).
import type { EngineResult, TaskKind } from "../engines/types.js";
import { sortFindings } from "../protocol/finding.js";
import { VERSION } from "../version.js";

export interface JsonReportInput {
  kind: TaskKind;
  title: string;
  result: EngineResult;
}

export function buildJsonReport(input: JsonReportInput): Record<string, unknown> {
  const { result } = input;
  return {
    tool: { name: "bgr", version: VERSION },
    kind: input.kind,
    title: input.title,
    summary: result.summary,
    findings: sortFindings([...result.findings]),
    files: result.filesAnalyzed,
    filesAnalyzed: result.filesAnalyzed,
    errors: result.errors,
    recommendations: result.recommendations,
    ...(result.blockers?.length ? { blockers: result.blockers } : {}),
    ...(result.data ?? {}),
  };
}

export function renderJsonReport(input: JsonReportInput): string {
  return `${JSON.stringify(buildJsonReport(input), null, 2)}\n`;
}
