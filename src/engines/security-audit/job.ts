// One file job, the same in a worker and in the calling thread: read the file
// (non-blocking open, regular files only: a FIFO must not hang the audit),
// key it by content, and analyse it unless that key is already cached.
import type { Language } from "../../lang/index.js";
import { readRegularFileSync } from "../../tools/safe-read.js";
import { analyzeFile, type FileAnalysis } from "./analyze-file.js";
import { cacheKey, contentDigest } from "./cache.js";
import type { RuleSet } from "./rules.js";

/** The engine's source-file limit (index.ts lists bigger files as skipped). */
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

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
  /** The project folder: imports of its own modules are followed into their files. */
  root?: string;
}

export interface JobResult {
  digest?: string;
  key?: string;
  /** Absent when the key was known (the caller takes the cached analysis). */
  analysis?: FileAnalysis;
}

function readSource(job: FileJob): string {
  // Sized by the stat the main thread took, so a file that grew past the limit since is refused, not read on.
  return readRegularFileSync(job.abs, { label: job.file, maxBytes: Math.max(job.size, MAX_SOURCE_BYTES) }).toString("utf8");
}

export function failedAnalysis(file: string, message: string): FileAnalysis {
  return { findings: [], errors: [{ file, message: `analysis failed: ${message}` }] };
}

export async function runJob(job: FileJob, ctx: JobContext): Promise<JobResult> {
  let text: string;
  try {
    text = readSource(job);
  } catch (error) {
    return { analysis: { findings: [], errors: [{ file: job.file, message: `could not read: ${(error as Error).message}` }] } };
  }
  const digest = contentDigest(text);
  const key = cacheKey(digest, job.file, ctx.ruleSet.hash, ctx.disabledList);
  if (ctx.known.has(key)) return { digest, key };
  try {
    return { digest, key, analysis: await analyzeFile(job.file, text, job.language, ctx.ruleSet, ctx.disabled, ctx.root) };
  } catch (error) {
    return { analysis: failedAnalysis(job.file, (error as Error).message) };
  }
}
