// Ending a run, whoever ends it (the runner itself, `bgr cancel`, or a
// `status`/`list`/`wait` that found the runner dead): write the report (the
// -partial one when failed) and its sidecars, settle the session entry, then
// the run record. All under the record's lock and only while the record is
// still `running`, so two settlers never both win.
import { unlink } from "node:fs/promises";
import path from "node:path";
import type { EngineResult } from "../engines/types.js";
import { partialReportPath, sidecarPath } from "../protocol/ids.js";
import { isoSeconds, REPORT_TYPE, type ReportFrontMatter } from "../protocol/report-meta.js";
import { renderJsonReport } from "../report/json.js";
import { renderMarkdownReport } from "../report/markdown.js";
import { renderSarif } from "../report/sarif.js";
import { resolveInside } from "../tools/sandbox.js";
import { writeSessionEntry } from "./session-store.js";
import { updateRunRecord, writeAtomic, type RunRecord } from "./store.js";

export interface SettleInput {
  status: "completed" | "failed";
  result: EngineResult;
  /** One line: why a failed run failed (kept in the run record). */
  reason?: string;
}

export function emptyResult(summary: string, blockers: string[] = []): EngineResult {
  return { summary, findings: [], filesAnalyzed: [], errors: [], recommendations: [], blockers };
}

/** The report title: the task line without its closing period. */
export function reportTitle(task: string): string {
  return task.trim().replace(/[.。]+$/, "") || "Background task";
}

async function writeReportFiles(root: string, record: RunRecord, reportRel: string, result: EngineResult, partial: boolean): Promise<void> {
  const title = reportTitle(record.task);
  const frontMatter: ReportFrontMatter = {
    title,
    type: REPORT_TYPE,
    status: "unprocessed",
    created: isoSeconds(),
    background_agent_id: record.id,
    session_reference: record.session ? path.posix.basename(record.session) : "",
  };
  const jsonRel = sidecarPath(reportRel, "json");
  const sarifRel = sidecarPath(reportRel, "sarif");
  const markdown = renderMarkdownReport({ frontMatter, title, result, partial, sidecars: [jsonRel, sarifRel] });
  await writeAtomic(resolveInside(root, jsonRel), renderJsonReport({ kind: record.kind, title, result }), jsonRel);
  await writeAtomic(resolveInside(root, sarifRel), renderSarif({ kind: record.kind, result, root }), sarifRel);
  await writeAtomic(resolveInside(root, reportRel), markdown, reportRel);
}

async function removeReportFiles(root: string, reportRel: string): Promise<void> {
  for (const rel of [reportRel, sidecarPath(reportRel, "json"), sidecarPath(reportRel, "sarif")]) {
    await unlink(resolveInside(root, rel)).catch(() => undefined);
  }
}

/**
 * Settles run `id` once. Returns the record as it stands afterwards; when the
 * run was already settled by someone else, nothing is written and that
 * record is returned unchanged.
 */
export async function settleRun(root: string, id: string, input: SettleInput): Promise<RunRecord> {
  return updateRunRecord(root, id, async (record) => {
    if (record.status !== "running") return undefined;
    let status = input.status;
    let result: EngineResult = { ...input.result, blockers: [...(input.result.blockers ?? [])] };
    let reason = input.reason;
    if (status === "failed" && result.blockers!.length === 0) result.blockers!.push(reason ?? "The run failed without a recorded reason.");
    if (status === "failed" && result.recommendations.length === 0) {
      result.recommendations = ["Resolve the blockers listed below, then run the task again."];
    }
    let reportRel = status === "completed" ? record.report : partialReportPath(record.report);
    await writeReportFiles(root, record, reportRel, result, status === "failed");

    if (record.session) {
      try {
        await writeSessionEntry(root, record.session, {
          id: record.id, agent: record.agent, task: record.task, status, result_location: reportRel,
        });
      } catch (error) {
        // The seed's Error Handling: the run cannot be called complete if the session could not be told.
        const message = `The session file ${record.session} could not be updated, so this run is marked failed: ${(error as Error).message.split("\n")[0]}`;
        if (status === "completed") await removeReportFiles(root, reportRel);
        status = "failed";
        reason = reason ?? message;
        result = { ...result, blockers: [...result.blockers!, message] };
        reportRel = partialReportPath(record.report);
        await writeReportFiles(root, record, reportRel, result, true);
      }
    }
    const now = new Date().toISOString();
    return {
      ...record,
      status,
      ended: now,
      heartbeat: now,
      result_location: reportRel,
      ...(status === "failed" ? { error: (reason ?? result.blockers![0]!).split("\n")[0] } : {}),
    };
  });
}
