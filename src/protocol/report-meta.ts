// The report's front matter, exactly as SPEC.md pins it. Pure: no I/O.
export const REPORT_TYPE = "background-agent-output";
export const REPORT_STATUSES = ["unprocessed", "processed"] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface ReportFrontMatter {
  title: string;
  type: typeof REPORT_TYPE;
  status: ReportStatus;
  /** UTC, ISO 8601, whole seconds: "2026-01-23T14:30:00Z". */
  created: string;
  background_agent_id: string;
  /** The session file's name (not its path), or "" when the run has no session. */
  session_reference: string;
}

/** UTC ISO 8601 to the second, the form SPEC uses for `created`. */
export function isoSeconds(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

// JSON's double-quoted strings are valid YAML double-quoted scalars, which
// keeps titles with colons, quotes or "#" safe without a YAML dependency here.
const quote = (value: string): string => JSON.stringify(value);

export function renderFrontMatter(meta: ReportFrontMatter): string {
  return [
    "---",
    "report:",
    `  title: ${quote(meta.title)}`,
    `  type: ${meta.type}`,
    `  status: ${meta.status}`,
    `  created: ${quote(meta.created)}`,
    `  background_agent_id: ${quote(meta.background_agent_id)}`,
    `  session_reference: ${quote(meta.session_reference)}`,
    "---",
    "",
  ].join("\n");
}
