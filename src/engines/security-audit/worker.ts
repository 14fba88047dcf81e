// Worker thread: takes batches of file paths, reads and analyses each with
// the rules it was started with, and answers each batch with one message.
import { parentPort, workerData } from "node:worker_threads";
import { limitInlining } from "../../runtime/tiering.js";
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

// Once TurboFan runs in this process (runtime/tiering.ts), it compiles the evaluator without inlining.
limitInlining();

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
