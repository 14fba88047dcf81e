// Files bgr owns under .agents/: locks, atomic replaces and run records.
// Every read-modify-write goes through a lock (proper-lockfile: stale locks
// left by a crashed process are broken after STALE_LOCK_MS) and ends with an
// atomic rename (write-file-atomic), so concurrent runners never lose an
// update and a reader never sees half a file.
import { createHash, randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { mkdir, readFile, link, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import lockfile from "proper-lockfile";
import writeFileAtomic from "write-file-atomic";
import type { TaskKind } from "../engines/types.js";
import { defaultReportPath, InputError, RUNS_DIR, runLogPath, runRecordPath, validateRunId, withSuffix } from "../protocol/ids.js";
import { readRegularFile } from "../tools/safe-read.js";
import { gateRunsDir } from "../tools/write-gate.js";
import type { ResolvedRequest } from "./request.js";
import { envMs } from "./timing.js";

export const STALE_LOCK_MS = 10_000;

export type RunStatus = "running" | "completed" | "failed";

export interface RunRecord {
  id: string;
  agent: string;
  task: string;
  kind: TaskKind;
  status: RunStatus;
  /** The runner's pid (its own process group leader); null until it has started. */
  pid: number | null;
  /** The runner's start time from /proc (Linux), to tell it from a later process that reuses its pid. */
  pidStart?: string;
  /** The process that reserved the record (`bgr spawn`), alive while it waits its turn to register the session entry. */
  registrar?: { pid: number; start?: string };
  started: string;
  /** Refreshed by the runner every few seconds; a stale one means the runner is gone. */
  heartbeat: string;
  ended: string | null;
  /** Where the report goes when the run completes (workspace-relative). */
  report: string;
  /** The report actually written (completed or -partial), set when the run ends. */
  result_location: string | null;
  session: string | null;
  log: string;
  request: ResolvedRequest;
  /** Why a failed run failed, one line. */
  error?: string;
  /** Set by `bgr cancel` before it signals, so the runner knows SIGTERM meant "cancelled". */
  cancelRequested?: string;
  /** true when the run was started detached by `spawn` (stdin ignored). */
  detached: boolean;
}

/** What an errno means for the person who has to fix it: words, not ENOSPC. */
export function describeErrno(code: string | undefined): { what: string; fix: string } {
  switch (code) {
    case "EROFS": return { what: "the file system is read-only (EROFS)", fix: "run bgr on a writable copy of the workspace, or pass --cwd to one" };
    case "ENOSPC": return { what: "no space left on the device (ENOSPC)", fix: "free some disk space and run the task again" };
    case "EDQUOT": return { what: "the disk quota is used up (EDQUOT)", fix: "free some space within your quota and run the task again" };
    case "EACCES":
    case "EPERM": return { what: `permission denied (${code})`, fix: "make .agents/ writable by this user (or pass --cwd to another workspace)" };
    case "EEXIST":
    case "ENOTDIR": return { what: `a file is in the way of one of bgr's folders (${code})`, fix: "move that file away from .agents/" };
    case "EMFILE":
    case "ENFILE": return { what: `too many open files (${code})`, fix: "raise the open-file limit (ulimit -n) or run fewer tasks at once" };
    case "EIO": return { what: "an input/output error from the disk (EIO)", fix: "check the disk, then run the task again" };
    default: return { what: code ?? "an unknown error", fix: "check that .agents/ is writable" };
  }
}

export class WorkspaceWriteError extends Error {
  constructor(target: string, cause: NodeJS.ErrnoException) {
    const { what, fix } = describeErrno(cause.code);
    super(`cannot write ${target}: ${what}; ${fix}`);
    this.name = "WorkspaceWriteError";
  }
}

const WRITE_FAILURES = new Set(["EACCES", "EPERM", "EROFS", "EEXIST", "ENOTDIR", "ENOSPC", "EDQUOT", "EMFILE", "ENFILE", "EIO"]);

export function isWriteDenied(error: unknown): error is NodeJS.ErrnoException {
  // EEXIST/ENOTDIR: a file sits where a folder of .agents/ must be.
  return WRITE_FAILURES.has((error as NodeJS.ErrnoException)?.code ?? "");
}

export async function ensureDir(root: string, relDir: string): Promise<string> {
  // bgr's own folders must really be inside the workspace: a linked .agents/runs would carry every write out of it.
  if (relDir === RUNS_DIR || relDir.startsWith(`${RUNS_DIR}/`)) gateRunsDir(root);
  const absolute = path.join(root, relDir);
  try {
    await mkdir(absolute, { recursive: true });
  } catch (error) {
    if (isWriteDenied(error)) throw new WorkspaceWriteError(relDir, error);
    throw error;
  }
  return absolute;
}

/** `durable: false` skips the fsync, for run records only: they are rewritten every few seconds (heartbeats), while the session and reports, which others read, stay fsynced. */
export async function writeAtomic(absolute: string, text: string, label = absolute, durable = true): Promise<void> {
  try {
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFileAtomic(absolute, text, { fsync: durable });
  } catch (error) {
    if (isWriteDenied(error)) throw new WorkspaceWriteError(label, error);
    throw error;
  }
}

/** How long one holder may keep a lock before a waiter gives up; waiting behind many holders in turn has no limit. */
const LOCK_HOLD_LIMIT_MS = 120_000;

function lockHolder(lockPath: string): string | undefined {
  try {
    const info = statSync(lockPath);
    return `${info.ino}:${info.birthtimeMs || info.ctimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` holding an exclusive lock on `target`. Lock directories live in
 * .agents/runs/locks/ (never next to the orchestrator's files), named after a
 * hash of the target path. A waiter keeps waiting as long as the lock changes
 * hands, so 500 runners settling at once all get their turn; it gives up only
 * when one holder keeps the lock past LOCK_HOLD_LIMIT_MS (a crashed holder's
 * lock goes stale after STALE_LOCK_MS and is broken).
 */
export async function withLock<T>(root: string, target: string, fn: () => Promise<T>): Promise<T> {
  const locksDir = await ensureDir(root, `${RUNS_DIR}/locks`);
  const name = createHash("sha1").update(path.resolve(target)).digest("hex").slice(0, 20);
  const lockPath = path.join(locksDir, `${name}.lock`);
  const holdLimit = envMs("BGR_LOCK_HOLD_LIMIT_MS", LOCK_HOLD_LIMIT_MS);
  let release: () => Promise<void>;
  let holder: string | undefined;
  let holderSeen = Date.now();
  let attempt = 0;
  for (;;) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        lockfilePath: lockPath,
        stale: STALE_LOCK_MS,
        retries: 0,
        onCompromised: () => {
          // The lock went stale under us (a stalled event loop); the session's compare-and-swap still protects the file.
        },
      });
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ELOCKED") {
        if (isWriteDenied(error)) throw new WorkspaceWriteError(`${RUNS_DIR}/locks`, error);
        throw new Error(`could not lock ${target}: ${(error as Error).message.split("\n")[0]}`);
      }
      const now = Date.now();
      const current = lockHolder(lockPath);
      if (current !== holder) {
        holder = current;
        holderSeen = now;
      } else if (now - holderSeen > holdLimit) {
        throw new Error(`could not lock ${target}: another bgr process has held it for ${Math.round((now - holderSeen) / 1000)}s; if none is running, remove ${path.relative(root, lockPath)}`);
      }
      attempt++;
      // Randomized, growing backoff: hundreds of waiters must not retry in lockstep, nor spin the CPU.
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * Math.min(250, 4 * attempt)));
    }
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}

function recordAbs(root: string, id: string): string {
  return path.join(root, runRecordPath(id));
}

const serialize = (record: RunRecord): string => `${JSON.stringify(record, null, 2)}\n`;

/**
 * Claims `baseId` (or `baseId-2`, `-3`… when it is taken and not explicit) by
 * hard-linking a complete record into place: link() fails with EEXIST
 * atomically, and readers never see a partial file.
 */
export async function reserveRunRecord(root: string, record: RunRecord, explicitId: boolean): Promise<RunRecord> {
  await ensureDir(root, RUNS_DIR);
  const baseId = validateRunId(record.id);
  for (let attempt = 1; attempt < 1000; attempt++) {
    const id = withSuffix(baseId, attempt);
    const candidate: RunRecord = { ...record, id, log: runLogPath(id), request: { ...record.request, id } };
    if (!explicitId && !record.request.reportExplicit) {
      candidate.report = candidate.request.report = defaultReportPath(id);
    }
    const target = recordAbs(root, id);
    const temp = `${target}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temp, serialize(candidate), { flag: "wx" });
      try {
        await link(temp, target);
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        if (explicitId) {
          // Name the exact flags: a prompt that names its id usually names its report too, and that path is taken as well.
          const output = record.request.reportExplicit ? ` --out ${candidate.report.replace(/(\.md)?$/, "-2.md")}` : "";
          throw new InputError(`run id ${id} is already used (${runRecordPath(id)}): to run again, add --id ${id}-2${output}; to redo that run, delete ${runRecordPath(id)} first`);
        }
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    } catch (error) {
      if (isWriteDenied(error)) throw new WorkspaceWriteError(RUNS_DIR, error);
      throw error;
    }
  }
  throw new Error(`could not reserve a run id based on ${baseId}: 999 runs with that id already exist`);
}

export class UnreadableRunRecordError extends Error {
  constructor(readonly id: string, detail: string) {
    super(`${runRecordPath(id)} ${detail}; delete it if the run is long gone`);
    this.name = "UnreadableRunRecordError";
  }
}

const RECORD_STATUSES = new Set(["running", "completed", "failed"]);

/** The fields every reader relies on; a record missing one is unreadable, not a crash later. */
function recordProblem(value: unknown, id: string): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "is not a JSON object";
  const r = value as Record<string, unknown>;
  if (r.id !== id) return `names run ${JSON.stringify(r.id)}, not ${id}`;
  if (typeof r.status !== "string" || !RECORD_STATUSES.has(r.status)) return `has no valid status (${JSON.stringify(r.status)})`;
  for (const key of ["agent", "task", "kind", "started", "heartbeat", "report", "log"]) {
    if (typeof r[key] !== "string") return `has no ${key}`;
  }
  if (r.pid !== null && !Number.isInteger(r.pid)) return "has no valid pid";
  if (r.session !== null && typeof r.session !== "string") return "has an invalid session";
  const request = r.request as Record<string, unknown> | undefined;
  if (typeof request !== "object" || request === null || !Array.isArray(request.scope) || typeof request.timeoutMs !== "number") return "has no valid request";
  return undefined;
}

export async function readRunRecord(root: string, id: string): Promise<RunRecord | undefined> {
  let text: string;
  try {
    text = (await readRegularFile(recordAbs(root, id), { label: runRecordPath(id), maxBytes: 64 * 1024 * 1024 })).toString("utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if (error instanceof Error && error.name === "NotRegularFileError") throw new UnreadableRunRecordError(id, "is not a regular file");
    throw error;
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    throw new UnreadableRunRecordError(id, "is not valid JSON");
  }
  const problem = recordProblem(record, id);
  if (problem) throw new UnreadableRunRecordError(id, problem);
  return record as RunRecord;
}

export async function requireRunRecord(root: string, id: string): Promise<RunRecord> {
  const record = await readRunRecord(root, validateRunId(id));
  if (!record) throw new InputError(`no run with id ${id} in ${RUNS_DIR}/ (see \`bgr list\`)`);
  return record;
}

/** Locked read-modify-write; `fn` returns undefined to leave the record as it is. */
export async function updateRunRecord(
  root: string,
  id: string,
  fn: (record: RunRecord) => RunRecord | undefined | Promise<RunRecord | undefined>,
): Promise<RunRecord> {
  const target = recordAbs(root, id);
  return withLock(root, target, async () => {
    const current = await requireRunRecord(root, id);
    const next = await fn(current);
    if (!next) return current;
    await writeAtomic(target, serialize(next), runRecordPath(id), false);
    return next;
  });
}

export async function removeRunRecord(root: string, id: string): Promise<void> {
  await unlink(recordAbs(root, id)).catch(() => undefined);
}
