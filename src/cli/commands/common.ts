// What every runtime command shares: --json and --cwd, the workspace root,
// one-line errors with SPEC's exit codes, JSON output. Deliberately light on
// imports: `bgr spawn` loads this on its fast path.
import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import type { RunRequest } from "../../runtime/request.js";

/** Bad input: exit 2 (SPEC). Matched by name so no heavy module must be imported to recognise it. */
const USAGE_ERRORS = new Set([
  "InputError", "UsageError", "SandboxError", "SessionFormatError", "AgentDefinitionError", "ConfigError", "WorkspaceWriteError",
  "WriteRefusedError",
]);

export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function withCommonOptions(cmd: Command): Command {
  return cmd.option("--json", "machine-readable output").option("--cwd <dir>", "workspace root (default: the current directory)");
}

export function rootOf(opts: { cwd?: string }): string {
  const root = path.resolve(opts.cwd ?? process.cwd());
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new CliUsageError(`--cwd ${root}: no such directory: give the workspace root`);
  return root;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** One line on stderr; returns the exit code: 2 for bad input, 1 otherwise. */
export function reportError(error: unknown): number {
  const err = error as Error;
  const message = (err?.message ?? String(error)).split("\n")[0];
  process.stderr.write(`bgr: ${message}\n`);
  if (process.env.BGR_DEBUG && err?.stack) process.stderr.write(`${err.stack}\n`);
  return USAGE_ERRORS.has(err?.name) ? 2 : 1;
}

/** Wraps an action so that errors become one line and an exit code, never a stack trace. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      if (typeof code === "number") process.exitCode = code;
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}

const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value.split(",").map((v) => v.trim()).filter(Boolean),
];

/** The prompt and flag options shared by `spawn` and `run` (SPEC "The task prompt"). */
export function withRequestOptions(cmd: Command): Command {
  return cmd
    .argument("[prompt...]", "the task prompt (the seed's Example Task format), or - to read it from stdin")
    .option("-p, --prompt-file <file>", "read the prompt from a file (- for stdin)")
    .option("--task <text>", "what to do (overrides the prompt's first line)")
    .option("--kind <kind>", "security-audit, coverage-analysis, code-review or llm (default: inferred from the task)")
    .option("--files <paths>", "files to analyse, comma-separated or repeated", collect)
    .option("--scope <paths>", "directories to analyse, comma-separated or repeated", collect)
    .option("-o, --output <report.md>", "report location (default: .agents/reports/<id without bg->.md)")
    .option("--session <file>", "the orchestrator's session file to update")
    .option("--create-session", "create the --session file (under .agents/sessions/ only) when it does not exist")
    .option("--id <id>", "run id, bg-YYYYMMDD-HHMMSS-<slug> (default: derived)")
    .option("--agent <name>", "agent definition to run as (default: background-runner)")
    .option("--model <id>", "model for llm runs (overrides the agent's and the session's)")
    .option("--provider <name>", "model provider for llm runs (openai, anthropic)")
    .option("--base-url <url>", "model endpoint for llm runs")
    .option("--max-turns <n>", "turn limit for llm runs", (v) => Number(v))
    .option("--triage", "let an llm triage the engine's findings")
    .option("--timeout <duration>", "stop after this long: 90s, 30m, 1h (default 30m)")
    .option("--base <ref>", "git ref to compare against (review, diff coverage)")
    .option("--head <ref>", "git ref to review instead of the working tree (review)")
    .option("--report <file>", "coverage report file, repeatable", collect)
    .option("--allow-exec", "let the engine run the project's own tooling (tests under coverage, linters in a review)")
    .option("--no-cache", "skip the analysis cache");
}

/** The file an argument names, from the current directory or the workspace root; undefined when it names none. */
function promptFileNamed(arg: string, root: string): string | undefined {
  if (arg.includes("\n")) return undefined;
  for (const candidate of [path.resolve(arg), path.resolve(root, arg)]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not a file here
    }
  }
  return undefined;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** What the flags and prompt give: the runtime's RunRequest (a type-only import keeps spawn's load light). */
export type RequestInput = RunRequest & { options: Record<string, unknown> };

/**
 * Prompt from the arguments, a file, or stdin (only when asked with `-`, or
 * when nothing else names a task and stdin is a pipe), then the flags.
 */
export async function requestFrom(args: string[], opts: Record<string, unknown>, root: string): Promise<RequestInput> {
  let prompt: string | undefined;
  const promptFile = opts.promptFile as string | undefined;
  if (promptFile === "-" || (args.length === 1 && args[0] === "-")) {
    prompt = await readStdin();
  } else if (promptFile !== undefined) {
    try {
      prompt = await readFile(path.resolve(root, promptFile), "utf8");
    } catch (error) {
      throw new CliUsageError(`--prompt-file ${promptFile}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
    }
  } else if (args.length === 1 && promptFileNamed(args[0]!, root)) {
    // `bgr run task.md`: one argument naming an existing file is the prompt file.
    prompt = await readFile(promptFileNamed(args[0]!, root)!, "utf8");
  } else if (args.length > 0) {
    prompt = args.join(" ");
  } else if (opts.task === undefined && !process.stdin.isTTY) {
    prompt = await readStdin();
  }
  if (opts.maxTurns !== undefined && !Number.isInteger(opts.maxTurns)) {
    throw new CliUsageError(`--max-turns: give a positive whole number`);
  }
  const options: Record<string, unknown> = {};
  if (opts.base !== undefined) options.base = opts.base;
  if (opts.head !== undefined) options.head = opts.head;
  if (opts.report !== undefined) options.reports = opts.report;
  if (opts.allowExec) options.allowExec = true;
  if (opts.cache === false) options.noCache = true;
  const pick = (key: string) => (opts[key] === undefined ? {} : { [key]: opts[key] });
  return {
    ...(prompt !== undefined ? { prompt } : {}),
    ...pick("task"), ...pick("kind"), ...pick("files"), ...pick("scope"), ...pick("output"), ...pick("session"), ...pick("createSession"),
    ...pick("id"), ...pick("agent"), ...pick("model"), ...pick("provider"), ...pick("baseUrl"), ...pick("timeout"),
    ...pick("maxTurns"), ...pick("triage"),
    options,
  };
}
