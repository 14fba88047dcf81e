// What the dashboard shows, read from the workspace the same way the CLI
// reads it: runs through the runtime's listRuns (so a dead runner is settled
// exactly as `bgr list` would), reports through listReports, and each
// report's JSON sidecar for the findings and coverage tables. Every path a
// browser sends goes through the sandbox before a byte is read.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { sidecarPath } from "../protocol/ids.js";
import { parseReport } from "../protocol/report-parse.js";
import { sourceExcerpts, type Excerpts } from "../report/excerpts.js";
import { listReports, locateReport, readReportView, type ReportView } from "../runtime/reports.js";
import { logTail } from "../runtime/log-tail.js";
import { listRuns, type RunStatusView } from "../runtime/status.js";
import { resolveInside } from "../tools/sandbox.js";

/** A log tail is for reading, not for shipping a whole log to the page. */

export interface RunProgress {
  done: number;
  total: number;
  label: string;
}

export interface RunRow extends RunStatusView {
  progress?: RunProgress;
}

export interface SessionGroup {
  session: string | null;
  runs: RunRow[];
}

/** The engine's last `progress N/M label` log line (execute.ts writes them). */
export function lastProgress(log: string): RunProgress | undefined {
  const lines = log.trimEnd().split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /\bprogress (\d+)\/(\d+)(?: (.*))?$/.exec(lines[i]!);
    if (match) return { done: Number(match[1]), total: Number(match[2]), label: match[3] ?? "" };
  }
  return undefined;
}

/** What the dashboard's log view shows: the run log's last lines. */
export function runLogTail(root: string, run: RunStatusView, lines = 200): Promise<string> {
  return logTail(root, run.log, lines);
}

export async function readRuns(root: string): Promise<RunRow[]> {
  const runs: RunRow[] = await listRuns(root);
  await Promise.all(
    runs.map(async (run) => {
      if (run.status !== "running") return;
      const progress = lastProgress(await logTail(root, run.log, 50));
      if (progress) run.progress = progress;
    }),
  );
  return runs.sort((a, b) => (a.started < b.started ? 1 : a.started > b.started ? -1 : 0));
}

export function groupBySession(runs: RunRow[]): SessionGroup[] {
  const groups = new Map<string | null, RunRow[]>();
  for (const run of runs) {
    const list = groups.get(run.session) ?? [];
    list.push(run);
    groups.set(run.session, list);
  }
  return [...groups.entries()].map(([session, list]) => ({ session, runs: list }));
}

export interface ReportDetail {
  view: ReportView;
  meta: Record<string, unknown>;
  markdown: string;
  /** The JSON sidecar (findings, files, kind data such as coverage totals), when the run wrote one. */
  data: Record<string, unknown> | null;
  /** file → line → text, for the lines around each finding and trace step. */
  sources: Excerpts;
}

export async function readJsonFile(root: string, rel: string): Promise<Record<string, unknown> | null> {
  try {
    const parsed = JSON.parse(await readFile(resolveInside(root, rel), "utf8")) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function readReport(root: string, reportOrId: string): Promise<ReportDetail> {
  const rel = await locateReport(root, reportOrId);
  const markdown = await readFile(resolveInside(root, rel), "utf8");
  const parsed = parseReport(markdown);
  const data = await readJsonFile(root, sidecarPath(rel, "json"));
  const findings = Array.isArray(data?.findings) ? (data.findings as Array<Record<string, unknown>>) : [];
  return {
    // This one report's view, not a listing of every report to find it in.
    view: await readReportView(root, rel),
    meta: parsed.meta ?? {},
    markdown,
    data,
    sources: sourceExcerpts(root, findings),
  };
}

export interface TrendPoint {
  created: string;
  report: string;
  kind: string;
  severities: Record<string, number>;
  coverage?: number;
}

/** One point per report that has a JSON sidecar: findings by severity, and the line coverage of coverage runs. */
export async function readTrends(root: string): Promise<TrendPoint[]> {
  const points: TrendPoint[] = [];
  for (const report of await listReports(root)) {
    if (!report.created) continue;
    const data = await readJsonFile(root, sidecarPath(report.path, "json"));
    if (!data) continue;
    const severities: Record<string, number> = { High: 0, Medium: 0, Low: 0, Info: 0 };
    for (const finding of Array.isArray(data.findings) ? (data.findings as Array<{ severity?: string }>) : []) {
      if (finding.severity && finding.severity in severities) severities[finding.severity]!++;
    }
    const point: TrendPoint = { created: report.created, report: report.path, kind: typeof data.kind === "string" ? data.kind : "unknown", severities };
    const lines = (data.totals as { lines?: { pct?: unknown } } | undefined)?.lines?.pct;
    if (typeof lines === "number") point.coverage = lines;
    points.push(point);
  }
  return points.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
}

export interface Overview {
  workspace: string;
  sessions: SessionGroup[];
  reports: ReportView[];
}

export async function readOverview(root: string): Promise<Overview> {
  const [runs, reports] = await Promise.all([readRuns(root), listReports(root)]);
  return { workspace: path.basename(root), sessions: groupBySession(runs), reports: reports.reverse() };
}
