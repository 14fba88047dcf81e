// The one interface every task kind implements: inputs → findings.
// Engines never touch session files or reports on disk; the runtime turns an
// EngineResult into the seed's report, and the CLI into md/json/sarif.
import type { Finding } from "../protocol/finding.js";

export const TASK_KINDS = ["security-audit", "coverage-analysis", "code-review", "llm"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export function isTaskKind(value: string): value is TaskKind {
  return (TASK_KINDS as readonly string[]).includes(value);
}

export interface EngineOptions {
  /** git ref to diff against (review, diff coverage). */
  base?: string;
  /** explicit coverage report files (repeatable --report). */
  reports?: string[];
  /** let the engine run the project's own tooling (tests under coverage, linters). */
  allowExec?: boolean;
  /** skip the content-hash cache. */
  noCache?: boolean;
  /** Who started the run, so a blocker names what that caller can set: run/spawn flags, MCP fields, or (absent) `bgr audit|coverage|review` flags. */
  surface?: "cli" | "mcp";
  [key: string]: unknown;
}

export interface EngineContext {
  /** Absolute, real path of the workspace root. */
  root: string;
  /** Workspace-relative files or directories to analyse; empty = whole workspace. */
  scope: string[];
  /** What to do: the first line of the prompt or --task. */
  task: string;
  /** The rest of the prompt (extra instructions), possibly empty. */
  instructions: string;
  options: EngineOptions;
  /** Aborted on timeout or cancel; long loops must check it. */
  signal: AbortSignal;
  /** A line for the run log (or stderr for the direct CLI commands). */
  log(message: string): void;
  /** Progress of long work; the CLI draws a bar on a terminal. */
  progress(done: number, total: number, label?: string): void;
  /** Absolute path of this engine's cache folder (.agents/cache/<kind>), created on demand by the engine. */
  cacheDir: string;
}

export interface EngineError {
  file?: string;
  line?: number;
  message: string;
}

export interface ReportSection {
  heading: string;
  /** Markdown body, without the "## heading" line. */
  body: string;
}

export interface EngineResult {
  /** Default title when the prompt gave none usable. */
  title?: string;
  /** One paragraph, markdown. */
  summary: string;
  findings: Finding[];
  /** Workspace-relative paths of everything read. */
  filesAnalyzed: string[];
  /** Files that could not be analysed (parse errors, unreadable): listed, never fatal. */
  errors: EngineError[];
  /** Prioritized, most important first. */
  recommendations: string[];
  /** Extra sections placed after "## Findings" and before "## Recommendations". */
  sections?: ReportSection[];
  /** Kind-specific machine data merged into --format json (e.g. coverage totals). */
  data?: Record<string, unknown>;
  /** Non-empty when the task could not be completed: the run ends failed with a partial report. */
  blockers?: string[];
}

export interface Engine {
  kind: TaskKind;
  /** One line for `bgr --help` and reports. */
  description: string;
  run(ctx: EngineContext): Promise<EngineResult>;
}
