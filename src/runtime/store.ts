// Files bgr owns under .agents/: locks, atomic replaces and run records.
// Every read-modify-write goes through a lock (proper-lockfile: stale locks
// left by a crashed process are broken after STALE_LOCK_MS) and ends with an
// atomic rename (write-file-atomic), so concurrent runners never lose an
// update and a reader never sees half a file.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, link, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import lockfile from "proper-lockfile";
import writeFileAtomic from "write-file-atomic";
import type { TaskKind } from "../engines/types.js";
import { defaultReportPath, InputError, RUNS_DIR, runLogPath, runRecordPath, validateRunId, withSuffix } from "../protocol/ids.js";
import type { ResolvedRequest } from "./request.js";

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

export class WorkspaceWriteError extends Error {
  constructor(target: string, cause: NodeJS.ErrnoException) {
    super(`cannot write ${target}: ${cause.code ?? cause.message}; make .agents/ writable by this user (or pass --cwd to another workspace)`);
    this.name = "WorkspaceWriteError";
  }
}

function isWriteDenied(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException)?.code;
  // EEXIST/ENOTDIR: a file sits where a folder of .agents/ must be.
  return code === "EACCES" || code === "EPERM" || code === "EROFS" || code === "EEXIST" || code === "ENOTDIR";
}

export async function ensureDir(root: string, relDir: string): Promise<string> {
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

/**
 * Runs `fn` holding an exclusive lock on `target`. Lock directories live in
 * .agents/runs/locks/ (never next to the orchestrator's files), named after a
 * hash of the target path.
 */
export async function withLock<T>(root: string, target: string, fn: () => Promise<T>): Promise<T> {
  const locksDir = await ensureDir(root, `${RUNS_DIR}/locks`);
  const name = createHash("sha1").update(path.resolve(target)).digest("hex").slice(0, 20);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      realpath: false,
      lockfilePath: path.join(locksDir, `${name}.lock`),
      stale: STALE_LOCK_MS,
      // 100 runners finishing at once queue here; randomized backoff keeps them from retrying in lockstep.
      retries: { retries: 400, factor: 1.3, minTimeout: 5, maxTimeout: 200, randomize: true },
      onCompromised: () => {
        // The lock went stale under us (a stalled event loop); the atomic rename still protects the file.
      },
    });
  } catch (error) {
    if (isWriteDenied(error)) throw new WorkspaceWriteError(`${RUNS_DIR}/locks`, error);
    throw new Error(`could not lock ${target} (${(error as Error).message}); another bgr process holds it`);
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
          const output = record.request.reportExplicit ? ` --output ${candidate.report.replace(/(\.md)?$/, "-2.md")}` : "";
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

export async function readRunRecord(root: string, id: string): Promise<RunRecord | undefined> {
  let text: string;
  try {
    text = await readFile(recordAbs(root, id), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const record = JSON.parse(text) as RunRecord;
    return record;
  } catch {
    throw new Error(`${runRecordPath(id)} is not valid JSON; delete it if the run is long gone`);
  }
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
