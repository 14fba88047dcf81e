// Reading runs back: status, list, wait, cancel. A `running` record whose
// runner is gone (kill -9, OOM, reboot) is settled here as failed with a
// partial report saying so — whoever looks first settles it.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { InputError, isRunId, RUNS_DIR, validateRunId } from "../protocol/ids.js";
import { emptyResult, settleRun } from "./settle.js";
import { readRunRecord, requireRunRecord, updateRunRecord, type RunRecord, type RunStatus } from "./store.js";
import { envMs } from "./timing.js";
import { logTail } from "./log-tail.js";
import { runnerLiveness } from "./process.js";
import { readSessionEntriesOf, writeSessionEntry } from "./session-store.js";
import { resolveInside, SandboxError, toWorkspacePath } from "../tools/sandbox.js";

/** SPEC's status object, plus where to look next. */
export interface RunStatusView {
  id: string;
  agent: string;
  task: string;
  kind: string;
  /** "unreadable": `bgr list` found a record it cannot parse; `error` says why. */
  status: RunStatus | "unreadable";
  result_location: string | null;
  pid: number | null;
  started: string;
  ended: string | null;
  report: string;
  session: string | null;
  log: string;
  error?: string;
}

export function toStatusView(record: RunRecord): RunStatusView {
  return {
    id: record.id, agent: record.agent, task: record.task, kind: record.kind, status: record.status,
    result_location: record.result_location, pid: record.pid, started: record.started, ended: record.ended,
    report: record.report, session: record.session, log: record.log,
    ...(record.error ? { error: record.error } : {}),
  };
}

async function settleAsDead(root: string, record: RunRecord, why: string): Promise<RunRecord> {
  const tail = await logTail(root, record.log, 20);
  const result = emptyResult(
    `The run did not finish: ${why}. Nothing it may have found was recorded; run the task again.`,
    [`${why}. Last heartbeat: ${record.heartbeat}.`],
  );
  if (tail) result.sections = [{ heading: "Run Log (last lines)", body: "```text\n" + tail.replace(/```/g, "'''") + "\n```" }];
  return settleRun(root, record.id, { status: "failed", result, reason: why });
}

/** Settles `record` if its runner is gone; returns the record as it now stands. */
export async function settleIfDead(root: string, record: RunRecord): Promise<RunRecord> {
  if (record.status !== "running") return record;
  const now = Date.now();
  const staleMs = envMs("BGR_HEARTBEAT_STALE_MS", 90_000);
  const heartbeatAge = now - Date.parse(record.heartbeat);
  if (record.pid === null) {
    // spawn reserves the record before the runner exists, and may wait its turn for the session lock a long while.
    if (heartbeatAge <= staleMs) return record;
    const registrar = record.registrar ? await runnerLiveness(record.registrar.pid, record.registrar.start) : "dead";
    if (registrar === "alive") return record;
    return settleAsDead(root, record, "the runner process never started");
  }
  const liveness = await runnerLiveness(record.pid, record.pidStart);
  if (liveness === "dead") {
    // Re-read: the runner may have settled in the instant before it exited.
    const fresh = (await readRunRecord(root, record.id)) ?? record;
    if (fresh.status !== "running") return fresh;
    return settleAsDead(root, fresh, `the runner process (pid ${record.pid}) ended without settling the run (killed, out of memory, or the machine restarted)`);
  }
  if (liveness === "unknown" && heartbeatAge > staleMs) {
    return settleAsDead(root, record, `the runner's heartbeat stopped ${Math.round(heartbeatAge / 1000)}s ago (pid ${record.pid} cannot be checked)`);
  }
  // Alive but far past its own timeout: its event loop is stuck, so its timer never fired.
  const overdue = now - Date.parse(record.started) - record.request.timeoutMs;
  if (liveness === "alive" && overdue > envMs("BGR_OVERDUE_MS", 60_000) && heartbeatAge > staleMs) {
    killGroup(record.pid, "SIGKILL");
    return settleAsDead(root, record, `the runner (pid ${record.pid}) stopped responding and ran past its timeout; it was killed`);
  }
  return record;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
      return;
    } catch {
      // no such group (not detached): try the pid itself
    }
  }
}

export async function getStatus(root: string, id: string): Promise<RunStatusView> {
  const record = await settleIfDead(root, await requireRunRecord(root, id));
  await repairSessionEntry(root, record, new Map());
  return toStatusView(record);
}

type SessionCache = Map<string, Array<Record<string, unknown>> | null>;

/** How long a fresh run may go without its session entry: registration writes it just after the record. */
const REGISTRATION_GRACE_MS = 10_000;

function entryMatches(record: RunRecord, entry: Record<string, unknown> | undefined): boolean {
  if (!entry) return false;
  if (entry.status !== record.status) return false;
  return record.status === "running" || record.result_location === null || entry.result_location === record.result_location;
}

/**
 * The run record is the truth about a run; its session entry is a copy that
 * another writer (a person's editor saving an older buffer) may have undone.
 * A settled run whose entry still says running, or a run whose entry is gone,
 * gets its entry written again, under the record's lock so that a runner
 * settling at the same moment is not overtaken.
 */
async function repairSessionEntry(root: string, record: RunRecord, cache: SessionCache): Promise<void> {
  const session = record.session;
  if (!session || (record.status === "failed" && record.result_location === null)) return;
  if (record.status === "running" && Date.now() - Date.parse(record.started) < REGISTRATION_GRACE_MS) return;
  let entries = cache.get(session);
  if (entries === undefined) {
    entries = await readSessionEntriesOf(root, session).catch(() => null);
    cache.set(session, entries);
  }
  if (entries === null) return; // unreadable or gone: nothing bgr may safely write
  if (entryMatches(record, entries.find((e) => e.id === record.id))) return;
  cache.delete(session);
  await updateRunRecord(root, record.id, async (current) => {
    if (current.session !== session) return undefined;
    const entry = (await readSessionEntriesOf(root, session).catch(() => [] as Array<Record<string, unknown>>)).find((e) => e.id === current.id);
    if (entryMatches(current, entry)) return undefined;
    await writeSessionEntry(root, session, {
      id: current.id, agent: current.agent, task: current.task, status: current.status,
      ...(current.status !== "running" && current.result_location ? { result_location: current.result_location } : {}),
    }).catch(() => undefined);
    return undefined;
  }).catch(() => undefined);
}

function unreadableView(id: string, error: unknown): RunStatusView {
  return {
    id, agent: "", task: "", kind: "", status: "unreadable", result_location: null, pid: null, started: "", ended: null,
    report: "", session: null, log: "", error: (error as Error)?.message?.split("\n")[0] ?? String(error),
  };
}

export interface ListFilter {
  session?: string;
  status?: string;
}

const STATUSES: RunStatus[] = ["running", "completed", "failed"];

export async function listRuns(root: string, filter: ListFilter = {}): Promise<RunStatusView[]> {
  if (filter.status !== undefined && !STATUSES.includes(filter.status as RunStatus)) {
    throw new InputError(`--status ${JSON.stringify(filter.status)}: use one of ${STATUSES.join(", ")}`);
  }
  let session: string | undefined;
  if (filter.session !== undefined) {
    try {
      session = toWorkspacePath(root, resolveInside(root, filter.session));
    } catch (error) {
      if (error instanceof SandboxError) throw new InputError(`--session: ${error.message}`);
      throw error;
    }
  }
  let files: string[];
  try {
    files = await readdir(path.join(root, RUNS_DIR));
  } catch {
    return [];
  }
  const views: RunStatusView[] = [];
  const sessions: SessionCache = new Map();
  for (const file of files.sort()) {
    if (!file.endsWith(".json")) continue;
    const id = file.slice(0, -5);
    if (!isRunId(id)) continue;
    let record: RunRecord | undefined;
    try {
      record = await readRunRecord(root, id);
      if (!record) continue;
      if (session !== undefined && record.session !== session) continue;
      record = await settleIfDead(root, record);
      await repairSessionEntry(root, record, sessions);
    } catch (error) {
      // One broken record must not hide every other run: it is listed as unreadable.
      if (filter.status === undefined && session === undefined) views.push(unreadableView(id, error));
      continue;
    }
    if (filter.status !== undefined && record.status !== filter.status) continue;
    views.push(toStatusView(record));
  }
  return views.sort((a, b) => a.started.localeCompare(b.started) || a.id.localeCompare(b.id));
}

export interface WaitResult {
  status: "completed" | "failed" | "timeout";
  runs: RunStatusView[];
}

export async function waitRuns(root: string, ids: string[], opts: { timeoutSec?: number; pollMs?: number } = {}): Promise<WaitResult> {
  if (ids.length === 0) throw new InputError("wait: give at least one run id (see `bgr list`)");
  if (opts.timeoutSec !== undefined && (!Number.isFinite(opts.timeoutSec) || opts.timeoutSec < 0)) {
    throw new InputError(`--timeout ${String(opts.timeoutSec)}: give a number of seconds (0 or more)`);
  }
  for (const id of ids) await requireRunRecord(root, validateRunId(id));
  const deadline = opts.timeoutSec === undefined ? Infinity : Date.now() + opts.timeoutSec * 1000;
  const pollMs = opts.pollMs ?? envMs("BGR_WAIT_POLL_MS", 250);
  for (;;) {
    const runs: RunStatusView[] = [];
    for (const id of ids) runs.push(await getStatus(root, id));
    if (runs.every((r) => r.status !== "running")) {
      return { status: runs.every((r) => r.status === "completed") ? "completed" : "failed", runs };
    }
    if (Date.now() >= deadline) return { status: "timeout", runs };
    await sleep(Math.min(pollMs, Math.max(10, deadline - Date.now())));
  }
}

/**
 * Stops a run: SIGTERM to its process group (the runner settles itself as
 * cancelled), SIGKILL after the grace period, and if the runner still has not
 * settled by then, settles it here.
 */
/** `cancelled` is false when the run had already ended: nothing was stopped. */
export type CancelView = RunStatusView & { cancelled: boolean };

export async function cancelRun(root: string, id: string, opts: { graceMs?: number } = {}): Promise<CancelView> {
  let record = await settleIfDead(root, await requireRunRecord(root, id));
  if (record.status !== "running") return { ...toStatusView(record), cancelled: false };
  const at = new Date().toISOString();
  record = await updateRunRecord(root, id, (r) => (r.status === "running" ? { ...r, cancelRequested: at } : undefined));
  if (record.status !== "running") return { ...toStatusView(record), cancelled: false };
  const graceMs = opts.graceMs ?? envMs("BGR_CANCEL_GRACE_MS", 10_000);
  if (record.pid !== null) killGroup(record.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await sleep(100);
    const current = await requireRunRecord(root, id);
    if (current.status !== "running") return { ...toStatusView(current), cancelled: true };
  }
  if (record.pid !== null) killGroup(record.pid, "SIGKILL");
  const reason = `cancelled by \`bgr cancel\` at ${at}; the runner did not stop within ${Math.round(graceMs / 1000)}s and was killed`;
  const settled = await settleRun(root, id, {
    status: "failed",
    result: emptyResult(`The run was cancelled before it finished.`, [reason]),
    reason,
  });
  return { ...toStatusView(settled), cancelled: true };
}
