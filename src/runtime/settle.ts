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
import { prepareRuleHelp } from "../report/rule-help.js";
import { renderSarif } from "../report/sarif.js";
import { gateReport, gateSidecar, sidecarWritable, WriteRefusedError } from "../tools/write-gate.js";
import { writeSessionEntry } from "./session-store.js";
import { updateRunRecord, WorkspaceWriteError, writeAtomic, type RunRecord } from "./store.js";

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
  // Checked again now, not only when the run was asked for: a link or a file may have appeared since.
  const report = gateReport(root, reportRel);
  const sidecars = (["json", "sarif"] as const).map((ext) => sidecarPath(reportRel, ext)).filter((rel) => sidecarWritable(root, rel));
  const markdown = renderMarkdownReport({ frontMatter, title, result, partial, sidecars });
  if (result.findings.length && sidecars.some((rel) => rel.endsWith(".sarif"))) await prepareRuleHelp();
  for (const rel of sidecars) {
    const text = rel.endsWith(".json") ? renderJsonReport({ kind: record.kind, title, result }) : renderSarif({ kind: record.kind, result, root });
    await writeAtomic(gateSidecar(root, rel).real, text, rel);
  }
  await writeAtomic(report.real, markdown, reportRel);
}

async function removeReportFiles(root: string, reportRel: string): Promise<void> {
  for (const rel of [reportRel, sidecarPath(reportRel, "json"), sidecarPath(reportRel, "sarif")]) {
    try {
      const target = rel === reportRel ? gateReport(root, rel) : gateSidecar(root, rel);
      await unlink(target.real);
    } catch {
      // not there, or not ours to remove
    }
  }
}

/** The report could not be written at all (read-only disk, full disk): the run still ends, and says why. */
function reportFailure(rel: string, error: unknown): string {
  if (error instanceof WorkspaceWriteError || error instanceof WriteRefusedError) return error.message;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code) return new WorkspaceWriteError(rel, error as NodeJS.ErrnoException).message;
  return `cannot write ${rel}: ${(error as Error)?.message ?? String(error)}`;
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
    let reportWritten = true;
    try {
      await writeReportFiles(root, record, reportRel, result, status === "failed");
    } catch (error) {
      const message = reportFailure(reportRel, error);
      status = "failed";
      reason = `the report could not be written: ${message}`;
      reportRel = partialReportPath(record.report);
      result = { ...result, blockers: [...result.blockers!, reason] };
      reportWritten = await writeReportFiles(root, record, reportRel, result, true).then(() => true, () => false);
    }

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
        reportWritten = await writeReportFiles(root, record, reportRel, result, true).then(() => true, () => false);
      }
    }
    const now = new Date().toISOString();
    return {
      ...record,
      status,
      ended: now,
      heartbeat: now,
      result_location: reportWritten ? reportRel : null,
      ...(status === "failed" ? { error: (reason ?? result.blockers![0]!).split("\n")[0] } : {}),
    };
  });
}
