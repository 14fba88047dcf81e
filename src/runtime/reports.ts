// The orchestrator's side of reports: list them, find one by path or id,
// mark one processed (`bgr ack`). Ack edits only the `status:` value in the
// report's front matter; every other byte stays.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isMap, isScalar, parseDocument, type Scalar, type YAMLMap } from "yaml";
import { InputError, isRunId, REPORTS_DIR, RUNS_DIR } from "../protocol/ids.js";
import { REPORT_STATUSES, type ReportStatus } from "../protocol/report-meta.js";
import { parseReport } from "../protocol/report-parse.js";
import { readRegularFile, readRegularText } from "../tools/safe-read.js";
import { resolveInside, SandboxError, toWorkspacePath } from "../tools/sandbox.js";
import { gateReport } from "../tools/write-gate.js";
import { readRunRecord, withLock, writeAtomic } from "./store.js";

export interface ReportView {
  path: string;
  title: string | null;
  status: string | null;
  created: string | null;
  id: string | null;
  session_reference: string | null;
  partial: boolean;
  /** Set when the file's front matter could not be read. */
  error?: string;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : value instanceof Date ? value.toISOString() : null;
}

export async function readReportView(root: string, rel: string): Promise<ReportView> {
  let text: string;
  try {
    text = await readRegularText(resolveInside(root, rel), { label: rel, maxBytes: 256 * 1024 * 1024 });
  } catch (error) {
    return { path: rel, title: null, status: null, created: null, id: null, session_reference: null, partial: /-partial\.md$/i.test(rel), error: (error as Error).message.split("\n")[0]! };
  }
  const parsed = parseReport(text);
  const meta = parsed.meta ?? {};
  return {
    path: rel,
    title: str(meta.title),
    status: str(meta.status),
    created: str(meta.created),
    id: str(meta.background_agent_id),
    session_reference: str(meta.session_reference),
    partial: /-partial\.md$/i.test(rel),
    ...(parsed.metaError ? { error: parsed.metaError } : {}),
  };
}

export async function listReports(root: string, filter: { status?: string } = {}): Promise<ReportView[]> {
  if (filter.status !== undefined && !(REPORT_STATUSES as readonly string[]).includes(filter.status)) {
    throw new InputError(`--status ${JSON.stringify(filter.status)}: use one of ${REPORT_STATUSES.join(", ")}`);
  }
  const paths = new Set<string>();
  try {
    for (const file of (await readdir(path.join(root, REPORTS_DIR))).filter((f) => f.endsWith(".md"))) paths.add(`${REPORTS_DIR}/${file}`);
  } catch {
    // no reports folder yet
  }
  // Reports a task asked to have written elsewhere ("Write report to: docs/audit.md") are found through their run records.
  try {
    for (const file of await readdir(path.join(root, RUNS_DIR))) {
      if (!file.endsWith(".json") || !isRunId(file.slice(0, -5))) continue;
      const location = (await readRunRecord(root, file.slice(0, -5)).catch(() => undefined))?.result_location;
      if (location && !paths.has(location) && (await stat(resolveInside(root, location)).then(() => true, () => false))) paths.add(location);
    }
  } catch {
    // no runs folder yet
  }
  const views: ReportView[] = [];
  for (const rel of [...paths].sort()) {
    const view = await readReportView(root, rel);
    if (filter.status === undefined || view.status === filter.status) views.push(view);
  }
  return views;
}

/** A report path (workspace-relative or absolute inside) or a run id → the report's workspace-relative path. */
export async function locateReport(root: string, reportOrId: string): Promise<string> {
  const text = reportOrId.trim();
  if (isRunId(text)) {
    const record = await readRunRecord(root, text);
    if (record?.result_location) return record.result_location;
    if (record) throw new InputError(`run ${text} has not written its report yet (status ${record.status}); wait for it with \`bgr wait ${text}\``);
    const match = (await listReports(root)).find((r) => r.id === text);
    if (match) return match.path;
    throw new InputError(`no run or report with id ${text} (see \`bgr reports\`)`);
  }
  let rel: string;
  try {
    rel = toWorkspacePath(root, resolveInside(root, text));
  } catch (error) {
    if (error instanceof SandboxError) throw new InputError(`report ${JSON.stringify(text)}: ${error.message}`);
    throw error;
  }
  try {
    await readRegularFile(resolveInside(root, rel), { label: rel, maxBytes: 256 * 1024 * 1024 });
  } catch (error) {
    if (error instanceof Error && (error.name === "NotRegularFileError" || error.name === "FileTooLargeError")) throw new InputError(`report ${JSON.stringify(text)}: ${error.message}`);
    throw new InputError(`report ${JSON.stringify(text)} does not exist: give a path under ${REPORTS_DIR}/ or a run id`);
  }
  return rel;
}

/** Sets `report.status` (default "processed"), changing only that value's bytes. */
export async function ackReport(root: string, reportOrId: string, status: ReportStatus = "processed"): Promise<ReportView> {
  const rel = await locateReport(root, reportOrId);
  const absolute = gateReport(root, rel).real;
  await withLock(root, absolute, async () => {
    const text = await readRegularText(absolute, { label: rel });
    const open = /^\uFEFF?---[ \t]*\r?\n/.exec(text);
    const close = open ? /^---[ \t]*(?:\r?\n|$)/m.exec(text.slice(open[0].length)) : null;
    if (!open || !close) throw new InputError(`${rel} has no front matter: it is not a bgr report`);
    const start = open[0].length;
    const src = text.slice(start, start + close.index);
    const doc = parseDocument(src);
    const report = doc.errors.length === 0 && isMap(doc.contents) ? (doc.contents as YAMLMap).get("report", true) : undefined;
    if (!isMap(report)) throw new InputError(`${rel}: front matter has no readable \`report:\` mapping; fix it by hand`);
    const current = (report as YAMLMap).get("status", true) as Scalar | undefined;
    if (!isScalar(current) || !current.range) throw new InputError(`${rel}: \`report.status\` is missing; fix it by hand`);
    if (current.value === status) return;
    const quoted = current.type === "QUOTE_DOUBLE" ? `"${status}"` : current.type === "QUOTE_SINGLE" ? `'${status}'` : status;
    const [from, to] = current.range;
    await writeAtomic(absolute, text.slice(0, start) + src.slice(0, from) + quoted + src.slice(to) + text.slice(start + close.index), rel);
  });
  return readReportView(root, rel);
}
