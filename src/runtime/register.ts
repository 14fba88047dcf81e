// Turning a request into a reserved run: resolve it, claim the id, register
// the session entry as running (a session file that does not parse refuses
// the run, and the claimed id is released). Shared by `spawn` and a
// foreground `run`, and kept light: spawn's start-up time depends on it.
import { constants } from "node:fs";
import { access, realpath } from "node:fs/promises";
import path from "node:path";
import { BUILTIN_AGENT_NAME, resolveAgent } from "../protocol/agent.js";
import { InputError, partialReportPath, RUNS_DIR, runLogPath, sidecarPath } from "../protocol/ids.js";
import { parseReport } from "../protocol/report-parse.js";
import { readRegularText } from "../tools/safe-read.js";
import { gateCacheDir, gateReport, gateSidecar } from "../tools/write-gate.js";
import { processStartTime } from "./process.js";
import { resolveRequest, type ResolvedRequest, type RunRequest } from "./request.js";
import { writeSessionEntry } from "./session-store.js";
import { ensureDir, isWriteDenied, removeRunRecord, reserveRunRecord, WorkspaceWriteError, type RunRecord } from "./store.js";

export async function workspaceRoot(cwd: string): Promise<string> {
  try {
    return await realpath(path.resolve(cwd));
  } catch {
    throw new Error(`workspace ${cwd} does not exist: pass an existing directory with --cwd`);
  }
}

export function newRecord(resolved: ResolvedRequest, pid: number | null, detached: boolean): RunRecord {
  const now = new Date().toISOString();
  return {
    id: resolved.id, agent: resolved.agent, task: resolved.task, kind: resolved.kind, status: "running",
    pid, started: now, heartbeat: now, ended: null, report: resolved.report, result_location: null,
    session: resolved.session, log: runLogPath(resolved.id), request: resolved, detached,
  };
}

/**
 * Reserves the id, registers the session entry as running. A session that
 * cannot be parsed refuses the run: the session is not touched and the
 * reserved record is removed again.
 */
export async function registerRun(root: string, request: RunRequest, pid: number | null, detached: boolean): Promise<RunRecord> {
  const resolved = await resolveRequest(root, request);
  await checkWritePlaces(root, resolved.report, resolved.kind);
  await refuseForeignReport(root, resolved);
  // A named agent must exist before anything is reserved; the built-in always does.
  if (resolved.agent !== BUILTIN_AGENT_NAME) await resolveAgent(root, resolved.agent);
  await ensureDir(root, RUNS_DIR);
  const fresh = newRecord(resolved, pid, detached);
  if (pid !== null) {
    const pidStart = await processStartTime(pid);
    if (pidStart) fresh.pidStart = pidStart;
  }
  const record = await reserveRunRecord(root, fresh, resolved.idExplicit);
  if (record.report !== resolved.report) {
    // A suffixed id (-2, -3…) moved the derived report path: the new place is checked too.
    try {
      await checkWritePlaces(root, record.report, resolved.kind);
    } catch (error) {
      await removeRunRecord(root, record.id);
      throw error;
    }
  }
  if (record.session) {
    try {
      await writeSessionEntry(root, record.session, { id: record.id, agent: record.agent, task: record.task, status: "running" }, { create: resolved.createSession ?? false });
    } catch (error) {
      await removeRunRecord(root, record.id);
      throw error;
    }
  }
  return record;
}


/**
 * Everything the run will write is checked before anything is reserved: the
 * report and its -partial twin with their sidecars, that the reports folder
 * takes writes (a read-only one is exit 2 now, not a failed run later), and
 * that the cache folder stays inside the workspace.
 */
async function checkWritePlaces(root: string, report: string, kind: string): Promise<void> {
  for (const rel of [report, partialReportPath(report)]) {
    gateReport(root, rel);
    gateSidecar(root, sidecarPath(rel, "json"));
    gateSidecar(root, sidecarPath(rel, "sarif"));
  }
  gateCacheDir(root, kind);
  const dir = path.posix.dirname(report);
  await ensureDir(root, dir);
  try {
    await access(path.join(root, dir), constants.W_OK);
  } catch (error) {
    if (isWriteDenied(error)) throw new WorkspaceWriteError(`${dir}/`, error);
    throw error;
  }
}

/**
 * A report written by another run is that run's result (its record and
 * session entry point at it), and a .md that bgr did not write is someone's
 * document: a new run asking for the same location would silently replace
 * it, so it is refused before anything is reserved.
 */
async function refuseForeignReport(root: string, resolved: ResolvedRequest): Promise<void> {
  for (const rel of [resolved.report, partialReportPath(resolved.report)]) {
    const text = await readRegularText(gateReport(root, rel).real, { label: rel }).catch(() => undefined);
    if (text === undefined) continue;
    const owner = parseReport(text).meta?.background_agent_id;
    if (typeof owner !== "string" || owner === "") {
      throw new InputError(`report path ${rel} already holds a file that bgr did not write: bgr will not replace it; pass another --output, or leave it out to derive one from the id`);
    }
    if (owner !== resolved.id) {
      throw new InputError(`report path ${rel} already holds the report of run ${owner}: pass another --output (or "Write report to:"), or leave it out to derive one from the id`);
    }
  }
}
