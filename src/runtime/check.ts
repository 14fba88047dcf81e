// `bgr check`: the seed's Quality Checklist, each item turned into something
// a program can verify against the files on disk.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { RUN_ID_PATTERN, SESSIONS_DIR } from "../protocol/ids.js";
import { REPORT_STATUSES, REPORT_TYPE } from "../protocol/report-meta.js";
import { parseReport, REQUIRED_SECTIONS, type ParsedReport } from "../protocol/report-parse.js";
import { SEVERITIES } from "../protocol/finding.js";
import { resolveInside, SandboxError, toWorkspacePath } from "../tools/sandbox.js";
import { InputError } from "../protocol/ids.js";
import { locateReport } from "./reports.js";
import { readSessionEntry } from "./session-store.js";
import { readRunRecord, type RunRecord } from "./store.js";

export const CHECKLIST = [
  "Task executed per prompt instructions",
  "Report written to specified location",
  "Report has valid frontmatter with `background_agent_id`",
  "Session frontmatter updated with `status: completed`",
  "Session frontmatter updated with `result_location`",
  "No user interaction attempted",
] as const;

export interface CheckItem {
  item: string;
  ok: boolean;
  detail: string;
}

export interface CheckResult {
  ok: boolean;
  report: string;
  items: CheckItem[];
}

const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const QUESTION_TO_USER =
  /\b(?:would you like|do you want|should i|shall i|please (?:confirm|clarify|let me know|provide|advise)|let me know|can you (?:clarify|confirm|provide)|waiting for (?:your )?(?:input|confirmation|answer))\b/i;

function taskExecuted(parsed: ParsedReport, record: RunRecord | undefined): CheckItem {
  const problems: string[] = [];
  if (!parsed.title) problems.push("no `# title` heading");
  const positions = REQUIRED_SECTIONS.map((s) => parsed.sections.indexOf(s));
  const absent = REQUIRED_SECTIONS.filter((_, i) => positions[i] === -1);
  if (absent.length) problems.push(`missing section(s): ${absent.map((s) => `## ${s}`).join(", ")}`);
  else if (positions.some((p, i) => i > 0 && p < positions[i - 1]!)) problems.push(`sections out of order (expected ${REQUIRED_SECTIONS.join(" → ")})`);
  if (parsed.sections.includes("Blockers")) problems.push(`the report has Blockers: ${parsed.blockers[0] ?? "(empty)"}`);
  for (const finding of parsed.findings) {
    const severity = finding.fields.Severity;
    if (!severity || !(SEVERITIES as readonly string[]).includes(severity)) problems.push(`Finding ${finding.index} has no valid **Severity**`);
    if (!finding.fields.Location) problems.push(`Finding ${finding.index} has no **Location**`);
  }
  if (record) {
    if (record.status !== "completed") problems.push(`run ${record.id} is ${record.status}${record.error ? ` (${record.error})` : ""}`);
    const analyzed = new Set(parsed.files);
    const requestedFiles = record.request.scope.filter((p) => /\.[A-Za-z0-9]+$/.test(p));
    const skipped = requestedFiles.filter((f) => !analyzed.has(f));
    if (skipped.length) problems.push(`requested file(s) not in Files Analyzed: ${skipped.join(", ")}`);
  }
  const detail = problems.length
    ? problems.join("; ")
    : `all sections present in order, ${parsed.findings.length} finding(s), ${parsed.files.length} file(s) analyzed${record ? `, run ${record.id} completed` : ""}`;
  return { item: CHECKLIST[0], ok: problems.length === 0, detail };
}

function writtenToLocation(rel: string, record: RunRecord | undefined): CheckItem {
  if (record) {
    const ok = record.result_location === rel && record.status === "completed" && rel === record.report;
    const detail = ok
      ? `${rel} is the location the task asked for`
      : record.result_location !== rel
        ? `run ${record.id} wrote ${record.result_location ?? "nothing yet"}, not ${rel}`
        : `${rel} is the failed run's partial report; the requested location was ${record.report}`;
    return { item: CHECKLIST[1], ok, detail };
  }
  const ok = /^\.agents\/reports\/\d{8}-\d{6}-[a-z0-9-]+\.md$/.test(rel) && !/-partial\.md$/.test(rel);
  return {
    item: CHECKLIST[1], ok,
    detail: ok ? `${rel} follows .agents/reports/YYYYMMDD-HHMMSS-<name>.md (no run record to compare with)` : `${rel} is not a completed report under .agents/reports/YYYYMMDD-HHMMSS-<name>.md`,
  };
}

function frontMatterValid(parsed: ParsedReport): CheckItem {
  if (!parsed.meta) return { item: CHECKLIST[2], ok: false, detail: parsed.metaError ?? "no report front matter" };
  const m = parsed.meta;
  const problems: string[] = [];
  if (typeof m.title !== "string" || !m.title.trim()) problems.push("report.title is missing");
  if (m.type !== REPORT_TYPE) problems.push(`report.type is ${JSON.stringify(m.type)}, expected ${REPORT_TYPE}`);
  if (!(REPORT_STATUSES as readonly unknown[]).includes(m.status)) problems.push(`report.status is ${JSON.stringify(m.status)}, expected unprocessed or processed`);
  if (typeof m.created !== "string" || !ISO_SECONDS.test(m.created)) problems.push(`report.created ${JSON.stringify(m.created)} is not UTC ISO 8601 to the second`);
  if (typeof m.background_agent_id !== "string" || !RUN_ID_PATTERN.test(m.background_agent_id)) {
    problems.push(`report.background_agent_id ${JSON.stringify(m.background_agent_id)} is not bg-YYYYMMDD-HHMMSS-<slug>`);
  }
  if (typeof m.session_reference !== "string") problems.push("report.session_reference is missing");
  return {
    item: CHECKLIST[2], ok: problems.length === 0,
    detail: problems.length ? problems.join("; ") : `background_agent_id ${String(m.background_agent_id)}, created ${String(m.created)}`,
  };
}

async function sessionFor(root: string, explicit: string | undefined, record: RunRecord | undefined, parsed: ParsedReport): Promise<string | undefined> {
  if (explicit !== undefined) {
    try {
      return toWorkspacePath(root, resolveInside(root, explicit));
    } catch (error) {
      if (error instanceof SandboxError) throw new InputError(`--session: ${error.message}`);
      throw error;
    }
  }
  if (record?.session) return record.session;
  const ref = parsed.meta?.session_reference;
  if (typeof ref === "string" && ref && !ref.includes("/") && !ref.includes("\\")) {
    const candidate = `${SESSIONS_DIR}/${ref}`;
    if (await stat(path.join(root, candidate)).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

async function sessionItems(root: string, rel: string, session: string | undefined, id: unknown): Promise<CheckItem[]> {
  if (!session) {
    const detail = "no session file known for this report (pass --session F)";
    return [{ item: CHECKLIST[3], ok: false, detail }, { item: CHECKLIST[4], ok: false, detail }];
  }
  let entry: Record<string, unknown> | undefined;
  try {
    entry = typeof id === "string" ? await readSessionEntry(root, session, id) : undefined;
  } catch (error) {
    const detail = (error as Error).message.split("\n")[0]!;
    return [{ item: CHECKLIST[3], ok: false, detail }, { item: CHECKLIST[4], ok: false, detail }];
  }
  if (!entry) {
    const detail = `${session} has no background_agents entry with id ${String(id)}`;
    return [{ item: CHECKLIST[3], ok: false, detail }, { item: CHECKLIST[4], ok: false, detail }];
  }
  return [
    {
      item: CHECKLIST[3], ok: entry.status === "completed",
      detail: `${session}: entry ${String(id)} has status: ${String(entry.status)}`,
    },
    {
      item: CHECKLIST[4], ok: entry.result_location === rel,
      detail: entry.result_location === undefined
        ? `${session}: entry ${String(id)} has no result_location`
        : `${session}: result_location is ${String(entry.result_location)}${entry.result_location === rel ? "" : `, not ${rel}`}`,
    },
  ];
}

function noInteraction(parsed: ParsedReport, record: RunRecord | undefined): CheckItem {
  const asking = parsed.body.split("\n").find((line) => QUESTION_TO_USER.test(line));
  if (asking) return { item: CHECKLIST[5], ok: false, detail: `the report asks the user something: ${JSON.stringify(asking.trim().slice(0, 120))}` };
  const how = record ? (record.detached ? "the runner ran detached with stdin ignored" : "the runner never reads stdin") : "no run record (only the report text was checked)";
  return { item: CHECKLIST[5], ok: true, detail: `no questions to the user in the report; ${how}` };
}

export async function checkReport(root: string, reportPathOrId: string, opts: { session?: string } = {}): Promise<CheckResult> {
  const rel = await locateReport(root, reportPathOrId);
  const parsed = parseReport(await readFile(resolveInside(root, rel), "utf8"));
  const id = parsed.meta?.background_agent_id;
  const record = typeof id === "string" && RUN_ID_PATTERN.test(id) ? await readRunRecord(root, id).catch(() => undefined) : undefined;
  const session = await sessionFor(root, opts.session, record, parsed);
  const items = [
    taskExecuted(parsed, record),
    writtenToLocation(rel, record),
    frontMatterValid(parsed),
    ...(await sessionItems(root, rel, session, id)),
    noInteraction(parsed, record),
  ];
  return { ok: items.every((i) => i.ok), report: rel, items };
}
