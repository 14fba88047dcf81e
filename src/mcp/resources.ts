// Reports as MCP resources: a client lists and reads them without a tool
// call. URI bgr://reports/<id>: the run id that wrote the report, or the
// report's file name without .md when its front matter names no run.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { listReports, locateReport } from "../runtime/api.js";
import { resolveInside } from "../tools/sandbox.js";

export const REPORT_URI_PREFIX = "bgr://reports/";
export const REPORT_URI_TEMPLATE = `${REPORT_URI_PREFIX}{id}`;

export interface ReportResource {
  uri: string;
  name: string;
  title?: string;
  description: string;
  mimeType: "text/markdown";
}

function keyOf(report: { path: string; id: string | null; partial: boolean }): string {
  const stem = path.basename(report.path).replace(/\.md$/i, "");
  // A run's partial report and a later complete one share the id; the file name tells them apart.
  return report.id && !report.partial ? report.id : stem;
}

export async function listReportResources(root: string): Promise<ReportResource[]> {
  const reports = await listReports(root);
  return reports.map((report) => ({
    uri: `${REPORT_URI_PREFIX}${encodeURIComponent(keyOf(report))}`,
    name: path.basename(report.path),
    ...(report.title ? { title: report.title } : {}),
    description: `${report.path}: ${report.status ?? "unknown status"}${report.partial ? ", partial (the run failed; see Blockers)" : ""}`,
    mimeType: "text/markdown",
  }));
}

/** The report a bgr://reports/<id> URI names; an error naming the URI otherwise. */
export async function readReportResource(root: string, uri: string): Promise<{ uri: string; mimeType: "text/markdown"; text: string }> {
  if (!uri.startsWith(REPORT_URI_PREFIX)) throw new Error(`${uri}: not a bgr report; report URIs look like ${REPORT_URI_TEMPLATE}`);
  let key: string;
  try {
    key = decodeURIComponent(uri.slice(REPORT_URI_PREFIX.length));
  } catch {
    throw new Error(`${uri}: malformed percent-encoding in the report id`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key)) throw new Error(`${uri}: expected a run id or report name after ${REPORT_URI_PREFIX}`);
  const rel = key.startsWith("bg-") ? await locateReport(root, key) : await locateReport(root, `.agents/reports/${key}.md`);
  return { uri, mimeType: "text/markdown", text: await readFile(resolveInside(root, rel), "utf8") };
}
