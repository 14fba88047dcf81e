// bgr's programmatic API. The CLI and the MCP server are thin layers over
// these functions; nothing here prints or exits.
export { spawnRun, INSIDE_RUN_ENV, type SpawnResult } from "./spawn.js";
export { executeRun, type ExecuteOptions, type RunOutcome } from "./execute.js";
export { workspaceRoot } from "./register.js";
export { resolveRequest, parseDuration, DEFAULT_TIMEOUT_MS, type RunRequest, type ResolvedRequest } from "./request.js";
export { getStatus, listRuns, waitRuns, cancelRun, settleIfDead, type RunStatusView, type WaitResult, type ListFilter } from "./status.js";
export { listReports, ackReport, locateReport, type ReportView } from "./reports.js";
export { checkReport, CHECKLIST, type CheckItem, type CheckResult } from "./check.js";
export { readRunRecord, WorkspaceWriteError, type RunRecord, type RunStatus } from "./store.js";
export { InputError } from "../protocol/ids.js";
export { SessionFormatError } from "../protocol/session.js";

import { scanAgents, type AgentDefinition } from "../protocol/agent.js";

export interface AgentListing {
  agents: AgentDefinition[];
  shadowed: AgentDefinition[];
  invalid: Array<{ source: string; message: string }>;
}

/** Every agent definition found (winners first), the shadowed ones, and the files that failed validation. */
export async function listAgents(root: string): Promise<AgentListing> {
  const scan = await scanAgents(root);
  return { agents: scan.agents, shadowed: scan.shadowed, invalid: scan.invalid.map((e) => ({ source: e.source, message: e.message })) };
}
