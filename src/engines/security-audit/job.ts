// One file job, the same in a worker and in the calling thread: read the file
// (non-blocking open, regular files only: a FIFO must not hang the audit),
// key it by content, and analyse it unless that key is already cached.
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import type { Language } from "../../lang/index.js";
import { analyzeFile, type FileAnalysis } from "./analyze-file.js";
import { cacheKey, contentDigest } from "./cache.js";
import type { RuleSet } from "./rules.js";

export interface FileJob {
  /** Workspace-relative path, as findings name it. */
  file: string;
  abs: string;
  language: Language;
  size: number;
}

export interface JobContext {
  ruleSet: RuleSet;
  disabled: ReadonlySet<string>;
  disabledList: readonly string[];
  /** Cache keys already held: their analyses are not redone. */
  known: ReadonlySet<string>;
}

export interface JobResult {
  digest?: string;
  key?: string;
  /** Absent when the key was known (the caller takes the cached analysis). */
  analysis?: FileAnalysis;
}

function readSource(abs: string): string {
  const fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new Error("not a regular file");
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

export function failedAnalysis(file: string, message: string): FileAnalysis {
  return { findings: [], errors: [{ file, message: `analysis failed: ${message}` }] };
}

export async function runJob(job: FileJob, ctx: JobContext): Promise<JobResult> {
  let text: string;
  try {
    text = readSource(job.abs);
  } catch (error) {
    return { analysis: { findings: [], errors: [{ file: job.file, message: `could not read: ${(error as Error).message}` }] } };
  }
  const digest = contentDigest(text);
  const key = cacheKey(digest, job.file, ctx.ruleSet.hash, ctx.disabledList);
  if (ctx.known.has(key)) return { digest, key };
  try {
    return { digest, key, analysis: await analyzeFile(job.file, text, job.language, ctx.ruleSet, ctx.disabled) };
  } catch (error) {
    return { analysis: failedAnalysis(job.file, (error as Error).message) };
  }
}
