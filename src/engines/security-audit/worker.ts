// Worker thread: takes batches of file paths, reads and analyses each with
// the rules it was started with, and answers each batch with one message.
import { setFlagsFromString } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { type FileJob, type JobContext, type JobResult, runJob } from "./job.js";
import type { RuleSet } from "./rules.js";

export interface WorkerData {
  ruleSet: RuleSet;
  disabled: string[];
  known: string[];
  root?: string;
}

export interface WorkerBatch {
  jobs: Array<FileJob & { id: number }>;
}

export interface WorkerReply {
  results: Array<JobResult & { id: number }>;
}

// Each thread compiles the interpreter afresh, and most of a thread's life is
// that warm-up: TurboFan inlining the large evaluator functions into each
// other made every (re)compile cost hundreds of milliseconds. Without
// inlining a cold audit took 13-20% less CPU (OWASP Python, 2 threads), while
// a long-running thread's steady state is within noise. Only code compiled
// from now on is affected; the flag is process-wide, and the process is an audit.
setFlagsFromString("--no-turbo-inlining");

// The rules arrive already loaded: reading them again in every thread would cost more than small audits take.
const data = workerData as WorkerData;
const ctx: JobContext = {
  ruleSet: data.ruleSet,
  disabled: new Set(data.disabled),
  disabledList: data.disabled,
  known: new Set(data.known),
  root: data.root,
};

parentPort!.on("message", async (batch: WorkerBatch) => {
  const results: WorkerReply["results"] = [];
  for (const job of batch.jobs) results.push({ id: job.id, ...(await runJob(job, ctx)) });
  parentPort!.postMessage({ results } satisfies WorkerReply);
});
