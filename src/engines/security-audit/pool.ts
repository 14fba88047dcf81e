// Files in parallel: a pool of at most two worker threads (the machines bgr
// runs on are small and shared); small jobs stay in the calling thread,
// where starting a worker would cost more than it saves.
import { Worker } from "node:worker_threads";
import type { Language } from "../../lang/index.js";
import { analyzeFile, type FileAnalysis } from "./analyze-file.js";
import type { RuleSet } from "./rules.js";
import type { WorkerJob, WorkerReply } from "./worker.js";

export interface Job {
  file: string;
  text: string;
  language: Language;
}

export interface PoolOptions {
  ruleSet: RuleSet;
  disabled: string[];
  /** The project folder, for following imports into the project's own modules. */
  root?: string;
  signal: AbortSignal;
  /** Called as each file completes (any order). */
  onDone(job: Job, analysis: FileAnalysis): void;
  maxWorkers?: number;
}

/** Below this much source text, threads are not worth starting. */
const IN_THREAD_BYTES = 256 * 1024;

function failed(job: Job, message: string): FileAnalysis {
  return { findings: [], errors: [{ file: job.file, message: `analysis failed: ${message}` }] };
}

export async function analyzeAll(jobs: Job[], options: PoolOptions): Promise<void> {
  const totalBytes = jobs.reduce((n, j) => n + j.text.length, 0);
  // Largest first, so that two threads finish together instead of one waiting on the last big file.
  jobs = [...jobs].sort((a, b) => b.text.length - a.text.length);
  const workers = Math.min(options.maxWorkers ?? 2, jobs.length);
  if (workers <= 1 || totalBytes < IN_THREAD_BYTES) return analyzeInThread(jobs, options);
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let finished = 0;
    const pool: Worker[] = [];
    const inFlight = new Map<number, Job>();
    const stop = (error?: Error): void => {
      for (const w of pool) void w.terminate();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => stop(options.signal.reason instanceof Error ? options.signal.reason : new Error("aborted"));
    options.signal.addEventListener("abort", onAbort, { once: true });
    const feed = (worker: Worker): void => {
      if (next >= jobs.length) return;
      const id = next++;
      inFlight.set(id, jobs[id]!);
      const message: WorkerJob = { id, ...jobs[id]! };
      worker.postMessage(message);
    };
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(new URL("./worker.js", import.meta.url), {
        workerData: { ruleSet: options.ruleSet, disabled: options.disabled, root: options.root },
      });
      pool.push(worker);
      worker.on("message", (reply: WorkerReply) => {
        const job = inFlight.get(reply.id)!;
        inFlight.delete(reply.id);
        options.onDone(job, reply.analysis ?? failed(job, reply.error ?? "unknown error"));
        finished++;
        if (finished === jobs.length) {
          options.signal.removeEventListener("abort", onAbort);
          stop();
        } else feed(worker);
      });
      worker.on("error", (error) => {
        options.signal.removeEventListener("abort", onAbort);
        stop(error);
      });
      feed(worker);
    }
  });
}

async function analyzeInThread(jobs: Job[], options: PoolOptions): Promise<void> {
  const disabled = new Set(options.disabled);
  for (const job of jobs) {
    if (options.signal.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error("aborted");
    let analysis: FileAnalysis;
    try {
      analysis = await analyzeFile(job.file, job.text, job.language, options.ruleSet, disabled, options.root);
    } catch (error) {
      analysis = failed(job, (error as Error).message);
    }
    options.onDone(job, analysis);
    // Let timers and abort signals run between files.
    await new Promise((r) => setImmediate(r));
  }
}
