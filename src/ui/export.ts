// `bgr ui --export FILE`: the whole dashboard as one self-contained page —
// runs, every report with its findings and code, coverage, trends — with the
// data embedded, for a CI artifact or a mail attachment.
import { renderPage } from "./page.js";
import { readOverview, readReport, readTrends, type ReportDetail } from "./state.js";

export async function renderWorkspaceExport(root: string): Promise<string> {
  const overview = await readOverview(root);
  const reports: Record<string, ReportDetail> = {};
  for (const report of overview.reports) {
    try {
      reports[report.path] = await readReport(root, report.path);
    } catch {
      // A report deleted between the listing and the read is simply not in the export.
    }
  }
  return renderPage({ mode: "static", title: `bgr — ${overview.workspace}`, data: { overview, reports, trends: await readTrends(root) } });
}
