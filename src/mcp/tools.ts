// The MCP tools: one per thing an orchestrator does with background runs.
// Each is a zod input shape, a zod output schema (MCP's outputSchema; the
// handler's structured result must match it), annotations, a description
// written for the orchestrating model, and a handler over the runtime API
// (the same functions the CLI uses). Field names are camelCase throughout,
// like the CLI's flags (--max-turns → maxTurns); the older snake_case and
// `output` spellings are accepted as aliases.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { TASK_KINDS } from "../engines/types.js";
import { REPORT_STATUSES } from "../protocol/report-meta.js";
import {
  ackReport,
  cancelRun,
  checkReport,
  getStatus,
  listReports,
  listRuns,
  locateReport,
  spawnRun,
  waitRuns,
  type RunRequest,
} from "../runtime/api.js";
import { resolveInside } from "../tools/sandbox.js";
import { agentNoteFor } from "../protocol/agent.js";

/** MCP clients commonly time a tool call out at 60 s; waiting a little less keeps the answer deliverable. */
export const DEFAULT_WAIT_SECONDS = 50;
export const MAX_WAIT_SECONDS = 3600;

const runId = z.string().min(1).describe('Run id as returned by spawn_background_agent, e.g. "bg-20260123-143000-auth-security".');
const reportRef = z.string().min(1).describe("Report path (e.g. .agents/reports/20260123-143000-auth-security.md) or the run id that wrote it.");

export const SPAWN_REQUIREMENT = "Give `prompt` (the free-form task prompt) or `task` (what to do): one of the two is required; every other field is optional.";

export const spawnShape = {
  prompt: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The free-form task prompt (this or `task` is required): first line = what to do; then optionally a `Files:` list (one `- path` per line), " +
        "extra instructions, `Write report to: <path>`, `Session: <session file>`, `Background Agent ID: <id>`.",
    ),
  task: z.string().min(1).optional().describe("What to do (this or `prompt` is required), when not given as the prompt's first line."),
  kind: z.enum(TASK_KINDS).optional().describe("Engine to use; inferred from the task when absent. llm = a model with the agent's tools."),
  files: z.array(z.string().min(1)).optional().describe("Files to analyse (workspace-relative paths or globs)."),
  scope: z.array(z.string().min(1)).optional().describe("Directories to analyse (workspace-relative)."),
  out: z.string().min(1).optional().describe("Report path under .agents/reports/, ending in .md; default .agents/reports/<id without bg->.md."),
  output: z.string().min(1).optional().describe("Alias of `out`."),
  session: z.string().min(1).optional().describe("The orchestrator's session file whose background_agents entry bgr maintains."),
  createSession: z.boolean().optional().describe("Create the session file when it does not exist (only under .agents/sessions/)."),
  id: z.string().min(1).optional().describe("Run id bg-YYYYMMDD-HHMMSS-<slug>; derived when absent."),
  agent: z.string().min(1).optional().describe("Agent definition name (default background-runner)."),
  model: z.string().min(1).optional().describe("Model id for llm runs."),
  provider: z.enum(["anthropic", "openai"]).optional().describe("Model provider for llm runs."),
  baseUrl: z.string().min(1).optional().describe("Model endpoint for llm runs (OpenAI-compatible servers)."),
  timeout: z.union([z.string().min(1), z.number().positive()]).optional().describe('Run time limit: seconds, or "90s", "30m", "1h" (default 30m).'),
  maxTurns: z.number().int().positive().optional().describe("Turn limit for llm runs."),
  triage: z.boolean().optional().describe("Let a model confirm or dismiss the engine's findings."),
  base: z.string().min(1).optional().describe("Git ref to compare against (code-review, diff coverage)."),
  head: z.string().min(1).optional().describe("Git ref to review instead of the working tree (code-review)."),
  reports: z.array(z.string().min(1)).optional().describe("Existing coverage report files (coverage-analysis)."),
  allowExec: z.boolean().optional().describe("Let the engine run the project's own tooling, e.g. tests under coverage, linters in a code review."),
};

type SpawnInput = { [K in keyof typeof spawnShape]?: z.infer<(typeof spawnShape)[K]> };

export async function spawnBackgroundAgent(root: string, input: SpawnInput) {
  if (!input.prompt && !input.task) {
    throw new Error("give either prompt (the free-form task prompt) or task (what to do)");
  }
  const { base, head, reports, allowExec, out, output, ...rest } = input;
  const options = { ...(base ? { base } : {}), ...(head ? { head } : {}), ...(reports ? { reports } : {}), ...(allowExec ? { allowExec } : {}) };
  const report = out ?? output;
  const request: RunRequest = { ...rest, ...(report ? { output: report } : {}), options, surface: "mcp" };
  const spawned = await spawnRun(request, { cwd: root });
  const note = agentNoteFor(request);
  return { ...spawned, ...(note ? { note } : {}), next: `call wait_background_agent with id ${spawned.id}, then read_report` };
}

export const getShape = { id: runId };
export const listShape = {
  session: z.string().min(1).optional().describe("Only runs recorded in this session file."),
  status: z.enum(["running", "completed", "failed"]).optional(),
};
const waitSeconds = z.number().min(0).max(MAX_WAIT_SECONDS);
export const waitShape = {
  ids: z.union([runId, z.array(runId).min(1)]).describe("One run id or a list of them (required)."),
  timeoutSeconds: waitSeconds.optional().describe(`How long to block, in seconds (default ${DEFAULT_WAIT_SECONDS}). On "timeout" the runs go on: call again.`),
  timeout_seconds: waitSeconds.optional().describe("Alias of `timeoutSeconds`."),
};
export const cancelShape = { id: runId };
export const listReportsShape = { status: z.enum(REPORT_STATUSES).optional().describe("unprocessed = not yet acted on.") };
export const readReportShape = { report: reportRef };
export const markShape = {
  report: reportRef,
  status: z.enum(REPORT_STATUSES).optional().describe("Default processed; unprocessed reopens it."),
};
export const checkShape = {
  report: reportRef,
  session: z.string().min(1).optional().describe("Session file to verify the entry in (default: the run's own)."),
};

export async function waitBackgroundAgent(root: string, input: { ids: string | string[]; timeoutSeconds?: number; timeout_seconds?: number }) {
  const ids = Array.isArray(input.ids) ? input.ids : [input.ids];
  const result = await waitRuns(root, ids, { timeoutSec: input.timeoutSeconds ?? input.timeout_seconds ?? DEFAULT_WAIT_SECONDS });
  return result.status === "timeout"
    ? { ...result, next: "still running: call wait_background_agent again, or get_background_agent later" }
    : result;
}

/** The markdown itself: the text block is what a model reads; the structured result names the file too. */
export async function readReport(root: string, input: { report: string }): Promise<{ report: string; markdown: string }> {
  const rel = await locateReport(root, input.report);
  return { report: rel, markdown: await readFile(resolveInside(root, rel), "utf8") };
}

// Output schemas: what structuredContent holds. Loose objects: more fields are welcome (SPEC "Machine output").
const nullableString = z.string().nullable();
const runView = z.looseObject({
  id: z.string(),
  agent: z.string(),
  task: z.string(),
  kind: z.string(),
  status: z.enum(["running", "completed", "failed"]),
  result_location: nullableString,
  pid: z.number().nullable(),
  started: z.string(),
  ended: nullableString,
  report: z.string(),
  session: nullableString,
  log: z.string(),
  error: z.string().optional(),
});
const reportView = z.looseObject({
  path: z.string(),
  title: nullableString,
  status: nullableString,
  created: nullableString,
  id: nullableString,
  session_reference: nullableString,
  partial: z.boolean(),
  error: z.string().optional(),
});

export const outputSchemas = {
  spawn: z.looseObject({ id: z.string(), report: z.string(), session: nullableString, pid: z.number(), log: z.string(), note: z.string().optional(), next: z.string() }),
  run: runView,
  runs: z.looseObject({ runs: z.array(runView) }),
  wait: z.looseObject({ status: z.enum(["completed", "failed", "timeout"]), runs: z.array(runView), next: z.string().optional() }),
  cancel: runView.extend({ cancelled: z.boolean() }),
  reports: z.looseObject({ reports: z.array(reportView) }),
  readReport: z.looseObject({ report: z.string(), markdown: z.string() }),
  report: reportView,
  check: z.looseObject({
    ok: z.boolean(),
    report: z.string(),
    items: z.array(z.looseObject({ item: z.string(), ok: z.boolean(), detail: z.string() })),
  }),
};

/** What a handler gives: the structured result, and the text block when it is not that result as JSON. */
export interface ToolAnswer {
  structured: Record<string, unknown>;
  text?: string;
}

export interface ToolEntry {
  name: string;
  title: string;
  description: string;
  shape: z.ZodRawShape;
  output: z.ZodObject;
  annotations: ToolAnnotations;
  handler(root: string, input: any): Promise<ToolAnswer>;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);
const asIs = (value: object): ToolAnswer => ({ structured: value as Record<string, unknown> });

/** Looks only at bgr's own files: safe to call without asking. */
const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

export const MCP_TOOLS: ToolEntry[] = [
  {
    name: "spawn_background_agent",
    title: "Spawn a background agent",
    description:
      "Start a background run (security audit, coverage analysis, code review, or any task for a model) and return at once " +
      "with its id, report path, session and pid. The run writes a structured markdown report and marks its session entry " +
      `completed or failed. ${SPAWN_REQUIREMENT}`,
    shape: spawnShape,
    output: outputSchemas.spawn,
    // Writes a report and a session entry, never replaces other files; llm runs reach a model provider.
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    handler: async (root, input: SpawnInput) => asIs(await spawnBackgroundAgent(root, input)),
  },
  {
    name: "get_background_agent",
    title: "Get a background run's status",
    description: "Status of one run: running, completed or failed, with result_location once it ended. A run whose process died is settled as failed here.",
    shape: getShape,
    output: outputSchemas.run,
    annotations: READ_ONLY,
    handler: async (root, input: { id: string }) => asIs(await getStatus(root, input.id)),
  },
  {
    name: "list_background_agents",
    title: "List background runs",
    description: "Every run in this workspace (optionally one session's, or one status), oldest first.",
    shape: listShape,
    output: outputSchemas.runs,
    annotations: READ_ONLY,
    handler: async (root, input: { session?: string; status?: string }) => {
      const runs = await listRuns(root, input);
      return { structured: { runs }, text: json(runs) };
    },
  },
  {
    name: "wait_background_agent",
    title: "Wait for background runs",
    description:
      `Block until the given runs end or timeoutSeconds pass (default ${DEFAULT_WAIT_SECONDS}). status: completed (all), failed (any), ` +
      "or timeout (still running; call again).",
    shape: waitShape,
    output: outputSchemas.wait,
    annotations: READ_ONLY,
    handler: async (root, input) => asIs(await waitBackgroundAgent(root, input)),
  },
  {
    name: "cancel_background_agent",
    title: "Cancel a background run",
    description: "Stop a run. It ends failed, with a partial report that says it was cancelled; cancelled is false when it had already ended.",
    shape: cancelShape,
    output: outputSchemas.cancel,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    handler: async (root, input: { id: string }) => asIs(await cancelRun(root, input.id)),
  },
  {
    name: "list_reports",
    title: "List reports",
    description: "Reports under .agents/reports with title, status (unprocessed/processed), run id and whether it is partial. Also readable as resources bgr://reports/<id>.",
    shape: listReportsShape,
    output: outputSchemas.reports,
    annotations: READ_ONLY,
    handler: async (root, input: { status?: string }) => {
      const reports = await listReports(root, input);
      return { structured: { reports }, text: json(reports) };
    },
  },
  {
    name: "read_report",
    title: "Read a report",
    description: "The full markdown of a report (front matter, Summary, Findings, Recommendations, Files Analyzed, Blockers if partial).",
    shape: readReportShape,
    output: outputSchemas.readReport,
    annotations: READ_ONLY,
    handler: async (root, input: { report: string }) => {
      const read = await readReport(root, input);
      return { structured: read, text: read.markdown };
    },
  },
  {
    name: "mark_report_processed",
    title: "Mark a report processed",
    description: "Set the report's front matter status to processed once you have acted on it (only that value changes).",
    shape: markShape,
    output: outputSchemas.report,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    handler: async (root, input: { report: string; status?: "processed" | "unprocessed" }) => asIs(await ackReport(root, input.report, input.status)),
  },
  {
    name: "check_report",
    title: "Check a report",
    description: "Run the seed's quality checklist against a report and its session entry, item by item; ok is true when all hold.",
    shape: checkShape,
    output: outputSchemas.check,
    annotations: READ_ONLY,
    handler: async (root, input: { report: string; session?: string }) =>
      asIs(await checkReport(root, input.report, input.session ? { session: input.session } : {})),
  },
];

export function textOf(answer: ToolAnswer): string {
  return answer.text ?? json(answer.structured);
}
