// Reading a report back (for `bgr check`, `bgr reports`, `bgr ack`): the
// front matter and the body's structure as SPEC pins it. Lenient about
// whitespace, strict about nothing — the checks decide what is wrong.
import { parseDocument } from "yaml";
import { splitFrontMatter } from "./agent.js";
import { frontMatterYamlError } from "./front-matter-error.js";

export const REQUIRED_SECTIONS = ["Summary", "Findings", "Recommendations", "Files Analyzed"] as const;

export interface ParsedFinding {
  index: number;
  title: string;
  fields: Record<string, string>;
}

export interface ParsedReport {
  /** The `report:` mapping, when the front matter parsed. */
  meta?: Record<string, unknown>;
  /** Why the front matter could not be read, if it could not. */
  metaError?: string;
  /** The first `# ` heading. */
  title?: string;
  /** `## ` headings in order. */
  sections: string[];
  findings: ParsedFinding[];
  /** Paths listed under `## Files Analyzed`. */
  files: string[];
  /** Items under `## Blockers`. */
  blockers: string[];
  body: string;
}

function sectionBody(body: string, heading: string): string | undefined {
  const lines = body.split("\n");
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start === -1) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^##\s/.test(l));
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n");
}

function listItems(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split("\n")
    .map((l) => /^\s*[-*]\s+(.*)$/.exec(l)?.[1]?.trim())
    .filter((v): v is string => Boolean(v));
}

export function parseReport(text: string): ParsedReport {
  const normalized = text.replace(/\r\n?/g, "\n");
  const { frontMatter, body } = splitFrontMatter(normalized);
  const parsed: ParsedReport = { sections: [], findings: [], files: [], blockers: [], body };
  if (frontMatter === undefined) {
    parsed.metaError = "no YAML front matter (the file must start with a '---' line)";
  } else {
    const doc = parseDocument(frontMatter);
    if (doc.errors.length > 0) {
      parsed.metaError = `front matter is not valid YAML ${frontMatterYamlError(doc.errors[0]!)}`;
    } else {
      const data = doc.toJS() as Record<string, unknown> | null;
      const report = data?.report;
      if (report && typeof report === "object" && !Array.isArray(report)) parsed.meta = report as Record<string, unknown>;
      else parsed.metaError = "front matter has no `report:` mapping";
    }
  }
  const lines = body.split("\n");
  parsed.title = lines.find((l) => /^#\s+\S/.test(l))?.replace(/^#\s+/, "").trim();
  parsed.sections = lines.filter((l) => /^##\s+\S/.test(l)).map((l) => l.replace(/^##\s+/, "").trim());

  const findingsText = sectionBody(body, "Findings") ?? "";
  let current: ParsedFinding | undefined;
  for (const line of findingsText.split("\n")) {
    const heading = /^###\s+Finding\s+(\d+):\s*(.*)$/.exec(line);
    if (heading) {
      current = { index: Number(heading[1]), title: heading[2]!.trim(), fields: {} };
      parsed.findings.push(current);
      continue;
    }
    const field = /^\*\*([^*]+)\*\*:\s*(.*)$/.exec(line);
    if (current && field) current.fields[field[1]!.trim()] = field[2]!.trim();
  }
  parsed.files = listItems(sectionBody(body, "Files Analyzed")).map((item) => item.replace(/^`+\s?|\s?`+$/g, ""));
  parsed.blockers = listItems(sectionBody(body, "Blockers"));
  return parsed;
}
