// Worker thread: analyses the files it is sent with the rules it was started
// with, one message per file, so the main thread keeps the cache and order.
import { parentPort, workerData } from "node:worker_threads";
import type { Language } from "../../lang/index.js";
import { analyzeFile, type FileAnalysis } from "./analyze-file.js";
import type { RuleSet } from "./rules.js";

export interface WorkerJob {
  id: number;
  file: string;
  text: string;
  language: Language;
}

export interface WorkerReply {
  id: number;
  analysis?: FileAnalysis;
  error?: string;
}

// The rules arrive already validated: re-reading YAML in every thread would cost more than small audits take.
const { ruleSet, disabled, root } = workerData as { ruleSet: RuleSet; disabled: string[]; root?: string };
const disabledSet = new Set(disabled);

parentPort!.on("message", async (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    reply = { id: job.id, analysis: await analyzeFile(job.file, job.text, job.language, ruleSet, disabledSet, root) };
  } catch (error) {
    reply = { id: job.id, error: (error as Error).message };
  }
  parentPort!.postMessage(reply);
});
