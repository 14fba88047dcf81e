// Prompt + flags → one fully resolved, JSON-serializable request. Flags win
// over the prompt; whatever is still missing is derived (SPEC "The task
// prompt"). Every refusal is an InputError with one line naming the input.
import { stat } from "node:fs/promises";
import { isTaskKind, TASK_KINDS, type EngineOptions, type TaskKind } from "../engines/types.js";
import { PROVIDERS } from "../engines/llm/provider-names.js";
import { BUILTIN_AGENT_NAME } from "../protocol/agent.js";
import { defaultReportPath, idFromReportPath, InputError, makeRunId, slugify, validateRunId } from "../protocol/ids.js";
import { inferKind, parsePrompt } from "../protocol/prompt.js";
import { resolveInside, SandboxError, toWorkspacePath } from "../tools/sandbox.js";
import { gateReport, gateSessionSettled } from "../tools/write-gate.js";
import { checkPromptText } from "./prompt-guard.js";

export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/** What a caller (CLI flags, MCP tool, test) asks for. All optional but a task, from `prompt` or `task`. */
export interface RunRequest {
  /** The free-form prompt of the seed's Example Task. */
  prompt?: string;
  task?: string;
  kind?: string;
  files?: string[];
  scope?: string[];
  output?: string;
  session?: string;
  /** Create the session file (under .agents/sessions/ only) when it does not exist. */
  createSession?: boolean;
  id?: string;
  agent?: string;
  model?: string;
  provider?: string;
  baseUrl?: string;
  /** Seconds as a number, or "90s", "30m", "1h", "500ms". */
  timeout?: string | number;
  maxTurns?: number;
  triage?: boolean;
  /** Extra engine options (base, reports, allowExec…); must be JSON-serializable. */
  options?: EngineOptions;
}

export interface ResolvedRequest {
  id: string;
  idExplicit: boolean;
  task: string;
  kind: TaskKind;
  kindInferred: boolean;
  instructions: string;
  /** Existing requested files and directories, workspace-relative. */
  scope: string[];
  /** Requested paths that do not exist: listed in the report, never fatal. */
  missing: string[];
  report: string;
  reportExplicit: boolean;
  session: string | null;
  /** The session file did not exist and bgr was asked to create it. */
  createSession?: boolean;
  agent: string;
  model?: string;
  provider?: string;
  baseUrl?: string;
  timeoutMs: number;
  maxTurns?: number;
  triage?: boolean;
  options: EngineOptions;
}

/** "90" (seconds), "90s", "30m", "1h", "500ms" → milliseconds. */
export function parseDuration(value: string | number, label = "--timeout"): number {
  const text = String(value).trim().toLowerCase();
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?$/.exec(text);
  const unit = match?.[2] ?? "s";
  const factor = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[unit]!;
  const ms = match ? Number(match[1]) * factor : NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new InputError(`${label} ${JSON.stringify(String(value))}: give a positive duration such as 90, 90s, 30m or 1h`);
  }
  return Math.round(ms);
}

function inside(root: string, userPath: string, what: string): string {
  try {
    return toWorkspacePath(root, resolveInside(root, userPath));
  } catch (error) {
    if (error instanceof SandboxError) throw new InputError(`${what}: ${error.message}`);
    throw error;
  }
}

async function kindOf(absolute: string): Promise<"file" | "dir" | undefined> {
  try {
    const info = await stat(absolute);
    return info.isDirectory() ? "dir" : "file";
  } catch {
    return undefined;
  }
}

function firstDefined<T>(...values: Array<T | undefined>): T | undefined {
  return values.find((v) => v !== undefined && v !== "");
}

export async function resolveRequest(root: string, request: RunRequest): Promise<ResolvedRequest> {
  checkPromptText(request);
  const parsed = parsePrompt(request.prompt ?? "");
  const task = firstDefined(request.task?.trim(), parsed.task);
  if (!task) {
    throw new InputError('no task: the prompt\'s first line (or --task) must say what to do, e.g. "Run security audit on auth module."');
  }
  const instructions = parsed.instructions;

  const kindText = firstDefined(request.kind, parsed.kind)?.trim().toLowerCase();
  if (kindText !== undefined && !isTaskKind(kindText)) {
    throw new InputError(`unknown kind ${JSON.stringify(kindText)}: use one of ${TASK_KINDS.join(", ")}, or leave it out to infer it from the task`);
  }
  const kind: TaskKind = kindText ?? inferKind(task, instructions);

  const outputText = firstDefined(request.output, parsed.output);
  let report: string | undefined;
  if (outputText !== undefined) {
    report = inside(root, outputText, `report path ${JSON.stringify(outputText)}`);
    gateReport(root, report);
  }

  const idText = firstDefined(request.id, parsed.id);
  const id = idText !== undefined
    ? validateRunId(idText)
    : (report && idFromReportPath(report)) || makeRunId(slugify(task));

  const sessionText = firstDefined(request.session, parsed.session);
  let session: string | null = null;
  let createSession = false;
  if (sessionText !== undefined) {
    session = inside(root, sessionText, `session file ${JSON.stringify(sessionText)}`);
    createSession = (await gateSessionSettled(root, session, { create: request.createSession ?? false })).create;
  }

  const scope: string[] = [];
  const missing: string[] = [];
  for (const entry of [...(request.files ?? parsed.files), ...(request.scope ?? parsed.scope)]) {
    const rel = inside(root, entry, `path ${JSON.stringify(entry)} in Files/scope`);
    const normalized = rel === "" ? "." : rel;
    if (scope.includes(normalized) || missing.includes(normalized)) continue;
    if (await kindOf(resolveInside(root, normalized))) {
      scope.push(normalized);
    } else if (GLOB_CHARACTERS.test(normalized)) {
      const matches = await expandPattern(root, normalized);
      if (matches.length === 0) missing.push(normalized);
      for (const match of matches) if (!scope.includes(match)) scope.push(match);
    } else {
      missing.push(normalized);
    }
  }

  const timeoutText = firstDefined<string | number>(request.timeout, parsed.timeout);
  const timeoutMs = timeoutText === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(timeoutText);

  if (request.maxTurns !== undefined && (!Number.isInteger(request.maxTurns) || request.maxTurns < 1)) {
    throw new InputError(`--max-turns ${String(request.maxTurns)}: give a positive whole number`);
  }

  // Flag values are checked here, before a run exists: a typo is bad input
  // (exit 2), not a failed run. Values from env or config are the engine's.
  if (request.provider !== undefined && !(PROVIDERS as readonly string[]).includes(request.provider.toLowerCase())) {
    throw new InputError(`--provider ${JSON.stringify(request.provider)}: use ${PROVIDERS.join(" or ")} (openai covers any OpenAI-compatible server)`);
  }
  if (request.baseUrl !== undefined && !isHttpUrl(request.baseUrl)) {
    throw new InputError(`--base-url ${JSON.stringify(request.baseUrl)}: give an http(s) URL such as http://127.0.0.1:11434/v1`);
  }
  await checkCoverageReports(root, request.options?.reports);

  const agent = firstDefined(request.agent, parsed.agent)?.trim() || BUILTIN_AGENT_NAME;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(agent)) {
    throw new InputError(`agent name ${JSON.stringify(agent)}: use the name of a definition in .agents/agents, .claude/agents or .cursor/agents (see \`bgr agents\`)`);
  }
  const model = firstDefined(request.model, parsed.model);

  return {
    id,
    idExplicit: idText !== undefined,
    task,
    kind,
    kindInferred: kindText === undefined,
    instructions,
    scope,
    missing,
    report: report ?? defaultReportPath(id),
    reportExplicit: report !== undefined,
    session,
    ...(createSession ? { createSession } : {}),
    agent,
    ...(model ? { model } : {}),
    ...(request.provider ? { provider: request.provider } : {}),
    ...(request.baseUrl ? { baseUrl: request.baseUrl } : {}),
    timeoutMs,
    ...(request.maxTurns !== undefined ? { maxTurns: request.maxTurns } : {}),
    ...(request.triage !== undefined ? { triage: request.triage } : {}),
    options: { ...(request.options ?? {}) },
  };
}

/** `--report` files must exist when the run is asked for, not fail it later. */
async function checkCoverageReports(root: string, reports: unknown): Promise<void> {
  if (reports === undefined) return;
  const list = Array.isArray(reports) ? reports : [reports];
  for (const entry of list) {
    if (typeof entry !== "string" || entry === "") throw new InputError(`--report ${JSON.stringify(entry)}: give the path of a coverage report`);
    const rel = inside(root, entry, `--report ${JSON.stringify(entry)}`);
    if ((await kindOf(resolveInside(root, rel))) !== "file") {
      throw new InputError(`--report ${JSON.stringify(entry)}: no such file: give the path of a coverage report (lcov.info, coverage-final.json, coverage.xml, …)`);
    }
  }
}

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}

const GLOB_CHARACTERS = /[*?[\]{}]/;

/**
 * `Files:` lists written by a model often hold patterns (`src/auth/*.py`);
 * they name the files they match. Symbolic links are not followed, and a
 * match that still resolves outside the workspace is left out.
 */
async function expandPattern(root: string, pattern: string): Promise<string[]> {
  const { glob } = await import("tinyglobby");
  const matches = await glob(pattern, {
    cwd: root,
    onlyFiles: true,
    expandDirectories: false,
    followSymbolicLinks: false,
    ignore: ["**/node_modules/**", "**/.git/**", ".agents/**"],
  });
  return matches
    .filter((match) => {
      try {
        resolveInside(root, match);
        return true;
      } catch {
        return false;
      }
    })
    .sort();
}
