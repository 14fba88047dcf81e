// The MCP tools: one per thing an orchestrator does with background runs.
// Each is a zod input shape, a description written for the orchestrating
// model, and a handler over the runtime API (the same functions the CLI
// uses). Handlers return plain JSON-able values or markdown; server.ts turns
// them into MCP results (a string as-is, anything else as JSON) and any
// thrown error into an `isError` result.
import { readFile } from "node:fs/promises";
import { z } from "zod";
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

/** MCP clients commonly time a tool call out at 60 s; waiting a little less keeps the answer deliverable. */
export const DEFAULT_WAIT_SECONDS = 50;
export const MAX_WAIT_SECONDS = 3600;

const runId = z.string().min(1).describe('Run id as returned by spawn_background_agent, e.g. "bg-20260123-143000-auth-security".');
const reportRef = z.string().min(1).describe("Report path (e.g. .agents/reports/20260123-143000-auth-security.md) or the run id that wrote it.");

export const spawnShape = {
  prompt: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The free-form task prompt: first line = what to do; then optionally a `Files:` list (one `- path` per line), " +
        "extra instructions, `Write report to: <path>`, `Session: <session file>`, `Background Agent ID: <id>`.",
    ),
  task: z.string().min(1).optional().describe("What to do, when not given as the prompt's first line."),
  kind: z.enum(TASK_KINDS).optional().describe("Engine to use; inferred from the task when absent. llm = a model with Read/Edit/Glob/Grep."),
  files: z.array(z.string().min(1)).optional().describe("Files to analyse (workspace-relative)."),
  scope: z.array(z.string().min(1)).optional().describe("Directories to analyse (workspace-relative)."),
  output: z.string().min(1).optional().describe("Report path; default .agents/reports/<id without bg->.md."),
  session: z.string().min(1).optional().describe("The orchestrator's session file whose background_agents entry bgr maintains."),
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

const spawnInput = z.object(spawnShape);

export async function spawnBackgroundAgent(root: string, input: z.infer<typeof spawnInput>) {
  if (!input.prompt && !input.task) {
    throw new Error("give either prompt (the free-form task prompt) or task (what to do)");
  }
  const { base, head, reports, allowExec, ...rest } = input;
  const options = { ...(base ? { base } : {}), ...(head ? { head } : {}), ...(reports ? { reports } : {}), ...(allowExec ? { allowExec } : {}) };
  const request: RunRequest = { ...rest, options };
  const spawned = await spawnRun(request, { cwd: root });
  return { ...spawned, next: `call wait_background_agent with id ${spawned.id}, then read_report` };
}

export const getShape = { id: runId };
export const listShape = {
  session: z.string().min(1).optional().describe("Only runs recorded in this session file."),
  status: z.enum(["running", "completed", "failed"]).optional(),
};
export const waitShape = {
  ids: z
    .union([runId, z.array(runId).min(1)], { error: "give ids: one run id, or a list of them, as returned by spawn_background_agent" })
    .describe("One run id or a list of them."),
  timeout_seconds: z
    .number()
    .min(0)
    .max(MAX_WAIT_SECONDS)
    .optional()
    .describe(`How long to block (default ${DEFAULT_WAIT_SECONDS}). On "timeout" the runs go on: call again.`),
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

export async function waitBackgroundAgent(root: string, input: { ids: string | string[]; timeout_seconds?: number }) {
  const ids = Array.isArray(input.ids) ? input.ids : [input.ids];
  const result = await waitRuns(root, ids, { timeoutSec: input.timeout_seconds ?? DEFAULT_WAIT_SECONDS });
  return result.status === "timeout"
    ? { ...result, next: "still running: call wait_background_agent again, or get_background_agent later" }
    : result;
}

/** The markdown itself, not wrapped in JSON: the caller is a model that reads it. */
export async function readReport(root: string, input: { report: string }): Promise<string> {
  const rel = await locateReport(root, input.report);
  return readFile(resolveInside(root, rel), "utf8");
}

export interface ToolEntry {
  name: string;
  title: string;
  description: string;
  shape: z.ZodRawShape;
  handler(root: string, input: any): Promise<unknown>;
}

export const MCP_TOOLS: ToolEntry[] = [
  {
    name: "spawn_background_agent",
    title: "Spawn a background agent",
    description:
      "Start a background run (security audit, coverage analysis, code review, or any task for a model) and return at once " +
      "with its id, report path, session and pid. The run writes a structured markdown report and marks its session entry " +
      "completed or failed. Give the free-form prompt, or the fields.",
    shape: spawnShape,
    handler: spawnBackgroundAgent,
  },
  {
    name: "get_background_agent",
    title: "Get a background run's status",
    description: "Status of one run: running, completed or failed, with result_location once it ended. A run whose process died is settled as failed here.",
    shape: getShape,
    handler: (root, input: { id: string }) => getStatus(root, input.id),
  },
  {
    name: "list_background_agents",
    title: "List background runs",
    description: "Every run in this workspace (optionally one session's, or one status), oldest first.",
    shape: listShape,
    handler: (root, input: { session?: string; status?: string }) => listRuns(root, input),
  },
  {
    name: "wait_background_agent",
    title: "Wait for background runs",
    description:
      `Block until the given runs end or timeout_seconds pass (default ${DEFAULT_WAIT_SECONDS}). status: completed (all), failed (any), ` +
      "or timeout (still running; call again).",
    shape: waitShape,
    handler: waitBackgroundAgent,
  },
  {
    name: "cancel_background_agent",
    title: "Cancel a background run",
    description: "Stop a run. It ends failed, with a partial report that says it was cancelled.",
    shape: cancelShape,
    handler: (root, input: { id: string }) => cancelRun(root, input.id),
  },
  {
    name: "list_reports",
    title: "List reports",
    description: "Reports under .agents/reports with title, status (unprocessed/processed), run id and whether it is partial.",
    shape: listReportsShape,
    handler: (root, input: { status?: string }) => listReports(root, input),
  },
  {
    name: "read_report",
    title: "Read a report",
    description: "The full markdown of a report (front matter, Summary, Findings, Recommendations, Files Analyzed, Blockers if partial).",
    shape: readReportShape,
    handler: readReport,
  },
  {
    name: "mark_report_processed",
    title: "Mark a report processed",
    description: "Set the report's front matter status to processed once you have acted on it (only that value changes).",
    shape: markShape,
    handler: (root, input: { report: string; status?: "processed" | "unprocessed" }) => ackReport(root, input.report, input.status),
  },
  {
    name: "check_report",
    title: "Check a report",
    description: "Run the seed's quality checklist against a report and its session entry, item by item; ok is true when all hold.",
    shape: checkShape,
    handler: (root, input: { report: string; session?: string }) =>
      checkReport(root, input.report, input.session ? { session: input.session } : {}),
  },
];
