// Files in parallel. The calling thread only hands out paths, in batches:
// each thread works through its own run of the files in path order, so a
// module and the files that import it are mostly parsed in one thread
// (schedule.ts), with two batches in flight per worker so no worker waits on
// the main thread; workers read, parse, analyse and answer a whole batch in
// one message. Small audits stay in the calling thread, where starting a
// worker would cost more than it saves.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { OPTIMIZE_AFTER_MS, optimize } from "../../runtime/tiering.js";
import { failedAnalysis, type FileJob, type JobContext, type JobResult, runJob } from "./job.js";
import type { RuleSet } from "./rules.js";
import { BatchQueues } from "./schedule.js";
import type { WorkerBatch, WorkerData, WorkerReply } from "./worker.js";

export type { FileJob };

export interface PoolOptions {
  ruleSet: RuleSet;
  disabled: string[];
  /** Cache keys already held: a file whose content has one is read and hashed but not analysed. */
  known: ReadonlySet<string>;
  /** The project folder, for following imports into the project's own modules. */
  root?: string;
  signal: AbortSignal;
  /** Called as each file completes (any order). */
  onDone(job: FileJob, result: JobResult): void;
  maxWorkers?: number;
}

/** Below this much source, threads are not worth starting. */
const IN_THREAD_BYTES = 256 * 1024;
/** A batch closes at this many files or bytes, whichever comes first. */
const BATCH_FILES = 16;
const BATCH_BYTES = 128 * 1024;
const IN_FLIGHT_PER_WORKER = 2;
/** Files at least this big are analysed one at a time across all threads. */
const ONE_AT_A_TIME_BYTES = 512 * 1024;

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("aborted");
}

// The build's bundle (scripts/bundle-commands.mjs) defines this as true.
declare const BGR_BUNDLED: boolean | undefined;

/** Bundled, the worker is the bundle's sibling entry: one file to load instead of the engine's module graph. */
function workerScript(): URL {
  return typeof BGR_BUNDLED !== "undefined" && BGR_BUNDLED ? new URL("./worker.mjs", import.meta.url) : new URL("./worker.js", import.meta.url);
}

function batches(jobs: FileJob[]): FileJob[][] {
  const out: FileJob[][] = [];
  let current: FileJob[] = [];
  let bytes = 0;
  for (const job of jobs) {
    current.push(job);
    bytes += job.size;
    if (current.length >= BATCH_FILES || bytes >= BATCH_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length) out.push(current);
  return out;
}

export async function analyzeAll(jobs: FileJob[], options: PoolOptions): Promise<void> {
  const totalBytes = jobs.reduce((n, j) => n + j.size, 0);
  // Largest first: the files analysed one at a time go biggest first, so no thread waits on the last big one.
  jobs = [...jobs].sort((a, b) => b.size - a.size);
  const workerCount = Math.min(options.maxWorkers ?? availableParallelism(), jobs.length);
  if (workerCount <= 1 || totalBytes < IN_THREAD_BYTES) return analyzeInThread(jobs, options);
  // A large file's syntax tree dwarfs everything else held while it is analysed: one at a time,
  // so peak memory stays near one parse instead of one per thread; small files fill the other threads.
  const large = jobs.filter((j) => j.size >= ONE_AT_A_TIME_BYTES).map((j) => [j]);
  const small = new BatchQueues(jobs.filter((j) => j.size < ONE_AT_A_TIME_BYTES), workerCount, batches, BATCH_BYTES);
  const script = workerScript();
  const workerData: WorkerData = { ruleSet: options.ruleSet, disabled: options.disabled, known: [...options.known], root: options.root };
  // A process that started on baseline code (runtime/tiering.ts) optimises once the audit has run long enough
  // for TurboFan's warm-up to pay, and at once for a large file, whose one analysis takes seconds.
  const optimizeTimer = setTimeout(optimize, OPTIMIZE_AFTER_MS);
  optimizeTimer.unref();
  if (large.length > 0) optimize();
  await new Promise<void>((resolve, reject) => {
    let finished = 0;
    let largeInFlight: number | undefined;
    const hungry: Array<[Worker, number]> = [];
    const pool: Worker[] = [];
    const inFlight = new Map<number, FileJob>();
    let settled = false;
    const stop = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(optimizeTimer);
      options.signal.removeEventListener("abort", onAbort);
      for (const w of pool) void w.terminate();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => stop(abortError(options.signal));
    options.signal.addEventListener("abort", onAbort, { once: true });
    let ids = 0;
    const canTake = (): boolean => small.size > 0 || (large.length > 0 && largeInFlight === undefined);
    const feed = (worker: Worker, thread: number): void => {
      const isLarge = large.length > 0 && largeInFlight === undefined;
      const next = isLarge ? large.shift() : small.take(thread);
      if (!next) {
        // Nothing it may take now; a large file finishing may free one.
        if (large.length > 0) hungry.push([worker, thread]);
        return;
      }
      const batch: WorkerBatch = { jobs: next.map((job) => ({ ...job, id: ids++ })) };
      if (isLarge) largeInFlight = batch.jobs[0]!.id;
      for (const job of batch.jobs) inFlight.set(job.id, job);
      worker.postMessage(batch);
    };
    for (let i = 0; i < workerCount; i++) {
      const worker = new Worker(script, { workerData });
      pool.push(worker);
      worker.on("message", (reply: WorkerReply) => {
        if (settled) return;
        for (const result of reply.results) {
          const job = inFlight.get(result.id)!;
          inFlight.delete(result.id);
          const { id: _id, ...rest } = result;
          options.onDone(job, rest);
          finished++;
          if (result.id === largeInFlight) largeInFlight = undefined;
        }
        if (finished === jobs.length) return stop();
        feed(worker, i);
        while (hungry.length > 0 && canTake()) feed(...hungry.shift()!);
      });
      worker.on("error", (error) => stop(error));
      worker.on("exit", (code) => {
        if (!settled) stop(new Error(`an analysis thread exited (code ${code}) with ${inFlight.size} files unfinished`));
      });
      for (let k = 0; k < IN_FLIGHT_PER_WORKER; k++) feed(worker, i);
    }
  });
}

async function analyzeInThread(jobs: FileJob[], options: PoolOptions): Promise<void> {
  if (jobs.some((j) => j.size >= ONE_AT_A_TIME_BYTES)) optimize();
  const ctx: JobContext = {
    ruleSet: options.ruleSet,
    disabled: new Set(options.disabled),
    disabledList: options.disabled,
    known: options.known,
    root: options.root,
  };
  for (const job of jobs) {
    if (options.signal.aborted) throw abortError(options.signal);
    let result: JobResult;
    try {
      result = await runJob(job, ctx);
    } catch (error) {
      result = { analysis: failedAnalysis(job.file, (error as Error).message) };
    }
    options.onDone(job, result);
    // Let timers and abort signals run between files.
    await new Promise((r) => setImmediate(r));
  }
}
