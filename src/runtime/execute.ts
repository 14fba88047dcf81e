// What `bgr run` does: resolve the request, hand an EngineContext to the
// engine for the task's kind, and settle the run on every path — success, a
// thrown error, --timeout, cancel/SIGTERM, no engine for the kind, blockers.
import { appendFileSync } from "node:fs";
import path from "node:path";
import { loadEngine } from "../engines/registry.js";
import { TASK_KINDS, type EngineContext, type EngineResult } from "../engines/types.js";
import { resolveAgent } from "../protocol/agent.js";
import { gateCacheDir } from "../tools/write-gate.js";
import { loadConfig } from "./config.js";
import { processStartTime } from "./process.js";
import { registerRun, workspaceRoot } from "./register.js";
import type { RunRequest } from "./request.js";
import { readSessionModel } from "./session-store.js";
import { emptyResult, settleRun } from "./settle.js";
import { readRunRecord, requireRunRecord, updateRunRecord, type RunRecord } from "./store.js";
import { envMs, setLongTimeout } from "./timing.js";
import { HARD_STOP_AFTER_MS, startWatchdog } from "./watchdog.js";

export interface ExecuteOptions {
  cwd: string;
  /** Run an already-reserved record (what `spawn` starts); the request is then read from the record. */
  recordId?: string;
  /** Mirror of log lines, e.g. stderr for a foreground `bgr run` on a terminal. */
  echo?: (line: string) => void;
}

export interface RunOutcome {
  id: string;
  status: "completed" | "failed";
  /** The report written (the -partial one for a failed run). */
  report: string;
  session: string | null;
  pid: number;
  error?: string;
}

export async function executeRun(request: RunRequest, opts: ExecuteOptions): Promise<RunOutcome> {
  const root = await workspaceRoot(opts.cwd);
  let record: RunRecord;
  if (opts.recordId) {
    const pidStart = await processStartTime(process.pid);
    record = await updateRunRecord(root, opts.recordId, (r) =>
      r.status === "running" ? { ...r, pid: process.pid, ...(pidStart ? { pidStart } : {}), heartbeat: new Date().toISOString() } : undefined,
    );
    if (record.status !== "running") {
      // Settled before the runner got going (cancelled, or found dead): nothing left to do.
      return { id: record.id, status: record.status, report: record.result_location ?? record.report, session: record.session, pid: process.pid, ...(record.error ? { error: record.error } : {}) };
    }
  } else {
    record = await registerRun(root, request, process.pid, false);
  }
  return runRecord(root, record, opts.echo);
}

type Stop = { kind: "timeout" | "cancel" | "signal"; message: string };

async function runRecord(root: string, record: RunRecord, echo?: (line: string) => void): Promise<RunOutcome> {
  const logFile = path.join(root, record.log);
  const log = (message: string) => {
    const line = `${new Date().toISOString()} ${message}`;
    try {
      appendFileSync(logFile, `${line}\n`);
    } catch {
      // A log that cannot be written must not fail the run; the report still is.
    }
    echo?.(line);
  };
  const request = record.request;
  log(`run ${record.id}: ${record.kind} "${record.task}" (pid ${process.pid})`);

  const controller = new AbortController();
  let stop: Stop | undefined;
  const abort = (reason: Stop) => {
    if (stop) return;
    stop = reason;
    log(`stopping: ${reason.message}`);
    controller.abort(new Error(reason.message));
  };

  const heartbeat = setInterval(() => {
    updateRunRecord(root, record.id, (r) => (r.status === "running" ? { ...r, heartbeat: new Date().toISOString() } : undefined)).catch(() => undefined);
  }, envMs("BGR_HEARTBEAT_MS", 5_000));
  heartbeat.unref();
  const timer = setLongTimeout(
    () => abort({ kind: "timeout", message: `timed out after ${formatDuration(request.timeoutMs)} (--timeout)` }),
    request.timeoutMs,
  );
  // The watchdog lives on its own thread: a stuck event loop (a sync read, a regex) cannot keep it from ending the run.
  const watchdog = startWatchdog({ root, id: record.id, timeoutMs: request.timeoutMs, graceMs: HARD_STOP_AFTER_MS, message: `timed out after ${formatDuration(request.timeoutMs)} (--timeout)` });
  const onSignal = (signal: NodeJS.Signals) => {
    readRunRecord(root, record.id)
      .then((current) =>
        abort(
          current?.cancelRequested
            ? { kind: "cancel", message: `cancelled by \`bgr cancel\` at ${current.cancelRequested}` }
            : { kind: "signal", message: `terminated by ${signal}` },
        ),
      )
      .catch(() => abort({ kind: "signal", message: `terminated by ${signal}` }));
  };
  const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];
  for (const s of signals) process.on(s, onSignal);
  if (record.cancelRequested) abort({ kind: "cancel", message: `cancelled by \`bgr cancel\` at ${record.cancelRequested}` });

  let result: EngineResult;
  let failure: string | undefined;
  try {
    result = await raceWithGrace(runEngine(root, record, controller.signal, log), controller.signal, envMs("BGR_STOP_GRACE_MS", 2_000));
  } catch (error) {
    failure = stop?.message ?? `the ${record.kind} engine failed: ${(error as Error)?.message ?? String(error)}`;
    log(`error: ${(error as Error)?.stack ?? String(error)}`);
    result = emptyResult(`The task could not be completed: ${failure}.`, [failure]);
  } finally {
    clearInterval(heartbeat);
    timer.clear();
    for (const s of signals) process.off(s, onSignal);
  }
  if (stop && !failure) {
    failure = stop.message;
    result = { ...result, blockers: [...(result.blockers ?? []), `The run was stopped before it finished: ${stop.message}.`] };
  }
  for (const missing of request.missing) {
    const message = /[*?[\]{}]/.test(missing) ? "a pattern in the task's Files/scope that matches no file in the workspace" : "listed in the task's Files/scope but does not exist in the workspace";
    result.errors = [...result.errors, { file: missing, message }];
  }
  const failed = Boolean(failure) || (result.blockers?.length ?? 0) > 0;
  let settled: RunRecord;
  watchdog.settling();
  try {
    settled = await settleRun(root, record.id, {
      status: failed ? "failed" : "completed",
      result,
      ...(failure ? { reason: failure } : {}),
    });
  } finally {
    await watchdog.stop();
  }
  log(`settled: ${settled.status}, report ${settled.result_location}`);
  return {
    id: settled.id,
    status: settled.status === "completed" ? "completed" : "failed",
    report: settled.result_location ?? record.report,
    session: settled.session,
    pid: process.pid,
    ...(settled.error ? { error: settled.error } : {}),
  };
}

/** Once the signal fires, the engine gets `graceMs` to return; after that the run is settled without it. */
function raceWithGrace<T>(work: Promise<T>, signal: AbortSignal, graceMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      graceTimer = setTimeout(() => reject(signal.reason), graceMs);
      graceTimer.unref();
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        clearTimeout(graceTimer);
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) reject(signal.reason);
        else resolve(value);
      },
      (error) => {
        clearTimeout(graceTimer);
        signal.removeEventListener("abort", onAbort);
        reject(signal.aborted ? signal.reason : error);
      },
    );
  });
}

async function runEngine(root: string, record: RunRecord, signal: AbortSignal, log: (m: string) => void): Promise<EngineResult> {
  const request = record.request;
  if (request.missing.length > 0 && request.scope.length === 0) {
    const listed = request.missing.map((m) => `\`${m}\``).join(", ");
    return emptyResult(`None of the requested files exist, so nothing was analysed.`, [`none of the requested paths exist in the workspace: ${listed}`]);
  }
  // BGR_DISABLE_ENGINES=kind,kind rules an engine out (a misbehaving one) without a rebuild.
  const disabled = (process.env.BGR_DISABLE_ENGINES ?? "").split(",").map((k) => k.trim());
  const engine = disabled.includes(record.kind) ? undefined : await loadEngine(record.kind);
  if (!engine) {
    const why = disabled.includes(record.kind) ? "it is disabled by BGR_DISABLE_ENGINES" : "this build of bgr has none";
    const message = `no engine for kind "${record.kind}" (${why}; kinds: ${TASK_KINDS.join(", ")}): the task was not executed`;
    log(message);
    return emptyResult(`The task could not be executed: ${message}.`, [message]);
  }
  // A broken config or agent file is the user's to fix: a blocker naming the file, not an engine failure.
  let agent: Awaited<ReturnType<typeof resolveAgent>>;
  try {
    await loadConfig(root); // read now so a broken file fails the run before any work

    agent = await resolveAgent(root, record.agent);
  } catch (error) {
    const message = (error as Error).message.split("\n")[0]!;
    return emptyResult(`The task could not be started: ${message}.`, [message]);
  }
  const sessionModel = record.session ? await readSessionModel(root, record.session).catch(() => undefined) : undefined;
  const cacheDir = gateCacheDir(root, record.kind);
  let lastProgress = 0;
  const ctx: EngineContext = {
    root,
    scope: request.scope,
    task: request.task,
    instructions: request.instructions,
    options: {
      ...request.options,
      agent,
      // Only this run's own values: the llm engine ranks BGR_*, the session's
      // model: and the config file itself, in SPEC's order.
      model: request.model,
      provider: request.provider,
      baseUrl: request.baseUrl,
      sessionModel,
      reportPath: record.report,
      maxTurns: request.maxTurns ?? agent.maxTurns,
      triage: request.triage ?? false,
    },
    signal,
    log,
    progress: (done, total, label) => {
      // One line per second at most: the log is for people, not a frame buffer.
      const now = Date.now();
      if (done < total && now - lastProgress < 1000) return;
      lastProgress = now;
      log(`progress ${done}/${total}${label ? ` ${label}` : ""}`);
    },
    cacheDir,
  };
  log(`engine ${engine.kind}: ${engine.description}; scope: ${request.scope.length ? request.scope.join(", ") : "(whole workspace)"}`);
  const result = await engine.run(ctx);
  if (!ctx.options.triage || engine.kind === "llm") return result;
  // --triage: a model confirms or dismisses the engine's findings; nothing is dropped.
  log(`triage: ${result.findings.length} findings go to the model for review`);
  const { triageEngineResult } = await import("../engines/llm/index.js");
  return triageEngineResult(ctx, result);
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export { requireRunRecord };
