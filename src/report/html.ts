// `--format html`: one self-contained file (scripts, styles and data inlined,
// nothing fetched at view time) showing a result with the dashboard's own
// views, for CI artifacts. `bgr ui --export` writes the whole workspace the
// same way.
import type { EngineResult, TaskKind } from "../engines/types.js";
import { renderPage } from "../ui/page.js";
import { sourceExcerpts } from "./excerpts.js";
import { buildJsonReport } from "./json.js";
import { renderMarkdownReport } from "./markdown.js";

export interface HtmlReportInput {
  kind: TaskKind;
  title: string;
  result: EngineResult;
  root: string;
}

/** The name the embedded report goes by inside the page (there is no file path for a direct engine run). */
const EMBEDDED_REF = "report";

export function renderHtmlReport(input: HtmlReportInput): string {
  const data = buildJsonReport(input);
  const detail = {
    view: { path: EMBEDDED_REF, title: input.title, status: null, created: null, id: null, session_reference: null, partial: Boolean(input.result.blockers?.length) },
    meta: { title: input.title, created: new Date().toISOString().replace(/\.\d{3}Z$/, "Z") },
    markdown: renderMarkdownReport({ title: input.title, result: input.result, partial: Boolean(input.result.blockers?.length) }),
    data,
    sources: sourceExcerpts(input.root, input.result.findings),
  };
  const coverage = input.kind === "coverage-analysis" && Array.isArray(data.files);
  return renderPage({
    mode: "static",
    title: input.title,
    data: {
      reports: { [EMBEDDED_REF]: detail },
      ...(coverage ? { coverage: EMBEDDED_REF } : {}),
      startHash: coverage ? `#/coverage/${EMBEDDED_REF}` : `#/report/${EMBEDDED_REF}`,
    },
  });
}
