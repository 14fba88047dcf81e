// `--kind llm`: the seed's agent made real. A model gets the agent
// definition's body as its system prompt, the task as its message, exactly
// the tools the definition allows (sandboxed), and hands in its report
// through submit_report. Also the `--triage` reviewer of another engine's
// findings. The runtime renders whatever this returns; a missing model or a
// failed conversation comes back as blockers, never as a thrown error.
import { loadBuiltinAgent, type AgentDefinition } from "../../protocol/agent.js";
import { sortFindings, type Finding } from "../../protocol/finding.js";
import { loadConfig, type BgrConfig } from "../../runtime/config.js";
import { isToolName, runTool, TOOLS, toolJsonSchema, type ToolContext, type ToolName } from "../../tools/index.js";
import { resolveInside, toWorkspacePath } from "../../tools/sandbox.js";
import type { Engine, EngineContext, EngineResult } from "../types.js";
import { anthropicProvider } from "./anthropic.js";
import type { ChatProvider, ToolCall, ToolSpec } from "./chat.js";
import { runAgentLoop, type LoopOutcome } from "./loop.js";
import { openAiProvider } from "./openai.js";
import { systemPrompt, userMessage } from "./prompt.js";
import { resolveModelSettings, type ModelSettings } from "./settings.js";
import { checkReportSubmission, reportSubmission, SUBMIT_TOOL_NAME, type CheckedReport } from "./submit.js";
import { applyTriage, checkTriageSubmission, TRIAGE_MAX_FINDINGS, triageOrder, triageSubmission, triageUserMessage, type CheckedTriage } from "./triage.js";
import { z } from "zod";

export const DEFAULT_MAX_TURNS = 40;
export const DEFAULT_TOKEN_BUDGET = 1_000_000;
export const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

/** The report, its `-partial` twin, and sidecars sharing its stem (X.json, X.sarif, X/...). */
export function reportWriteSet(reportPath: string | undefined): (workspacePath: string) => boolean {
  if (!reportPath) return () => false;
  const stem = reportPath.replace(/\.md$/i, "");
  return (p) =>
    p === reportPath ||
    p === `${stem}-partial.md` ||
    (p.startsWith(`${stem}.`) && !p.slice(stem.length + 1).includes("/")) ||
    p.startsWith(`${stem}/`);
}

function positiveInt(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

function makeProvider(settings: ModelSettings, ctx: EngineContext): ChatProvider {
  const retryBase = positiveInt(ctx.options.retryBaseMs, "retryBaseMs");
  // Whole responses by default (see docs/decisions.md); BGR_STREAM=1 for servers or proxies that cut long silent requests.
  const stream = ctx.options.stream === true || /^(1|true|yes)$/i.test(process.env.BGR_STREAM ?? "");
  const common = { baseUrl: settings.baseUrl, apiKey: settings.apiKey, log: ctx.log, stream, ...(retryBase ? { retry: { baseDelayMs: retryBase } } : {}) };
  return settings.provider === "anthropic" ? anthropicProvider(common) : openAiProvider(common);
}

function blocked(blocker: string, findings: Finding[] = []): EngineResult {
  return {
    summary: `The task could not be run: ${blocker}`,
    findings,
    filesAnalyzed: [],
    errors: [],
    recommendations: [],
    blockers: [blocker],
  };
}

function submitSpec(schema: z.ZodType, description: string): ToolSpec {
  const { $schema: _ignored, ...inputSchema } = z.toJSONSchema(schema) as Record<string, unknown>;
  return { name: SUBMIT_TOOL_NAME, description, inputSchema };
}

interface RunSetup {
  settings: ModelSettings;
  provider: ChatProvider;
  system: string;
  tools: ToolSpec[];
  toolContext: ToolContext;
  filesRead: Set<string>;
  maxTurns: number;
  tokenBudget: number;
  maxOutputTokens: number;
}

async function setup(ctx: EngineContext, agent: AgentDefinition, settings: ModelSettings): Promise<RunSetup> {
  const reportPath =
    typeof ctx.options.reportPath === "string" && ctx.options.reportPath
      ? toWorkspacePath(ctx.root, resolveInside(ctx.root, ctx.options.reportPath))
      : undefined;
  const toolNames = agent.tools.filter(isToolName) as ToolName[];
  const unavailable = agent.tools.filter((t) => !isToolName(t));
  const writable = reportPath
    ? `the report ${reportPath} and its sidecars (${reportPath.replace(/\.md$/i, "")}.*)`
    : "nothing (this run has no report path)";
  const maxTurns = positiveInt(ctx.options.maxTurns, "maxTurns") ?? agent.maxTurns ?? DEFAULT_MAX_TURNS;
  const setupResult: RunSetup = {
    settings,
    provider: makeProvider(settings, ctx),
    system: systemPrompt({ agentPrompt: agent.prompt, root: ctx.root, toolNames, submitName: SUBMIT_TOOL_NAME, reportPath, writable, unavailableTools: unavailable }),
    tools: toolNames.map((name) => ({ name, description: TOOLS[name].description, inputSchema: toolJsonSchema(TOOLS[name]) })),
    toolContext: { root: ctx.root, canWrite: reportWriteSet(reportPath), writableDescription: writable, signal: ctx.signal },
    filesRead: new Set(),
    maxTurns,
    tokenBudget: positiveInt(ctx.options.tokenBudget, "tokenBudget") ?? DEFAULT_TOKEN_BUDGET,
    maxOutputTokens: positiveInt(ctx.options.maxOutputTokens, "maxOutputTokens") ?? DEFAULT_MAX_OUTPUT_TOKENS,
  };
  ctx.log(
    `model ${settings.model} (from ${settings.modelSource}) via ${settings.provider} at ${settings.baseUrl}; ` +
      `tools: ${toolNames.join(", ") || "none"}${unavailable.length ? ` (not available here: ${unavailable.join(", ")})` : ""}; maxTurns ${maxTurns}`,
  );
  return setupResult;
}

function loopConfig(ctx: EngineContext, run: RunSetup) {
  return {
    provider: run.provider,
    model: run.settings.model,
    system: run.system,
    tools: run.tools,
    maxTurns: run.maxTurns,
    tokenBudget: run.tokenBudget,
    maxOutputTokens: run.maxOutputTokens,
    signal: ctx.signal,
    log: ctx.log,
    progress: ctx.progress,
    async runTool(call: ToolCall) {
      const outcome = await runTool(call.name, call.input, run.toolContext);
      const filePath = (call.input as { file_path?: unknown } | undefined)?.file_path;
      if (outcome.ok && call.name === "Read" && typeof filePath === "string") {
        run.filesRead.add(toWorkspacePath(ctx.root, resolveInside(ctx.root, filePath)));
      }
      return outcome;
    },
  };
}

function runData(run: RunSetup, outcome: LoopOutcome<unknown>): Record<string, unknown> {
  return {
    model: run.settings.model,
    provider: run.settings.provider,
    turns: outcome.turns,
    toolCalls: outcome.toolCalls,
    usage: outcome.usage,
  };
}

function limitBlocker(limit: string): string {
  return `The model reached ${limit} before finishing; this report holds what it had when asked to submit. Raise maxTurns (agent definition or --max-turns) or the token budget to let it finish.`;
}

function failureResult(run: RunSetup, outcome: LoopOutcome<unknown>, findings: Finding[]): EngineResult {
  const last = outcome.lastText ? ` Its last message: ${JSON.stringify(outcome.lastText.slice(0, 1000))}` : "";
  return {
    summary: `The model (${run.settings.model}) did not hand in a valid report: ${outcome.failure}.${last}`,
    findings,
    filesAnalyzed: [...run.filesRead].sort(),
    errors: [],
    recommendations: [],
    data: runData(run, outcome),
    blockers: [`No valid report from the model: ${outcome.failure}.`, ...(outcome.limit ? [limitBlocker(outcome.limit)] : [])],
  };
}

async function runReport(ctx: EngineContext, run: RunSetup): Promise<EngineResult> {
  const outcome = await runAgentLoop<CheckedReport>({
    ...loopConfig(ctx, run),
    userMessage: userMessage(ctx.task, ctx.instructions, ctx.scope),
    submitTool: submitSpec(reportSubmission, "Hand in the finished report. bgr renders it and updates the session. Call exactly once."),
    checkSubmission: (raw) => checkReportSubmission(ctx.root, raw),
  });
  const report = outcome.submission;
  if (!report) return failureResult(run, outcome, []);
  return {
    title: report.title,
    summary: report.summary,
    findings: sortFindings([...report.findings]),
    filesAnalyzed: [...new Set([...run.filesRead, ...report.filesAnalyzed])].sort(),
    errors: [],
    recommendations: report.recommendations,
    data: runData(run, outcome),
    ...(outcome.limit ? { blockers: [limitBlocker(outcome.limit)] } : {}),
  };
}

async function runTriage(ctx: EngineContext, run: RunSetup, engineFindings: Finding[]): Promise<EngineResult> {
  const ordered = triageOrder(engineFindings);
  const reviewed = Math.min(ordered.length, TRIAGE_MAX_FINDINGS);
  const outcome = await runAgentLoop<CheckedTriage>({
    ...loopConfig(ctx, run),
    userMessage: triageUserMessage(userMessage(ctx.task, ctx.instructions, ctx.scope), ordered),
    submitTool: submitSpec(triageSubmission, "Hand in one verdict per finding id, plus any new findings. Call exactly once."),
    checkSubmission: (raw) => checkTriageSubmission(ctx.root, raw, reviewed),
  });
  const triage = outcome.submission;
  if (!triage) {
    // The engine's findings are still the result of the run: listed, marked untriaged.
    const untriaged = ordered.map((f) => ({ ...f, properties: { ...f.properties, triage: { verdict: "unreviewed" } } }));
    return failureResult(run, outcome, untriaged);
  }
  const { findings, section } = applyTriage(ordered, triage);
  return {
    title: triage.title,
    summary: triage.summary,
    findings: sortFindings(findings),
    filesAnalyzed: [...run.filesRead].sort(),
    errors: [],
    recommendations: triage.recommendations,
    sections: [section],
    data: { ...runData(run, outcome), triage: { reviewed, confirmed: countVerdicts(triage, "confirmed"), dismissed: countVerdicts(triage, "dismissed"), added: triage.newFindings.length } },
    ...(outcome.limit ? { blockers: [limitBlocker(outcome.limit)] } : {}),
  };
}

function countVerdicts(triage: CheckedTriage, verdict: "confirmed" | "dismissed"): number {
  return [...triage.verdicts.values()].filter((v) => v.verdict === verdict).length;
}

async function runLlm(ctx: EngineContext): Promise<EngineResult> {
  const triage = ctx.options.triage === true;
  const engineFindings = Array.isArray(ctx.options.findings) ? (ctx.options.findings as Finding[]) : [];
  if (triage && engineFindings.length === 0) {
    return { summary: "The engine reported no findings, so there was nothing to triage.", findings: [], filesAnalyzed: [], errors: [], recommendations: [] };
  }
  const agent = (ctx.options.agent as AgentDefinition | undefined) ?? (await loadBuiltinAgent());
  let config: BgrConfig;
  try {
    config = await loadConfig(ctx.root);
  } catch (error) {
    return blocked((error as Error).message, engineFindings);
  }
  const resolution = resolveModelSettings({ agent, options: ctx.options, env: process.env, config });
  if (!resolution.ok) return blocked(resolution.blocker, engineFindings);
  let run: RunSetup;
  try {
    run = await setup(ctx, agent, resolution.settings);
  } catch (error) {
    return blocked((error as Error).message, engineFindings);
  }
  return triage ? runTriage(ctx, run, engineFindings) : runReport(ctx, run);
}

/**
 * `--triage` for any kind: the runtime runs the kind's engine, then hands its
 * result here. The engine's files, errors and sections stay; its findings come
 * back marked with verdicts (none removed); a triage that could not run adds
 * its blocker, so the run ends failed the seed's way with the engine's findings intact.
 */
export async function triageEngineResult(ctx: EngineContext, base: EngineResult): Promise<EngineResult> {
  const triaged = await runLlm({ ...ctx, options: { ...ctx.options, triage: true, findings: base.findings } });
  const blockers = [...(base.blockers ?? []), ...(triaged.blockers ?? [])];
  return {
    ...(base.title ? { title: base.title } : {}),
    summary: triaged.blockers?.length ? base.summary : `${base.summary.trim()}\n\n${triaged.summary.trim()}`,
    findings: triaged.findings,
    filesAnalyzed: [...new Set([...base.filesAnalyzed, ...triaged.filesAnalyzed])].sort(),
    errors: base.errors,
    recommendations: triaged.recommendations.length ? triaged.recommendations : base.recommendations,
    sections: [...(base.sections ?? []), ...(triaged.sections ?? [])],
    data: { ...base.data, ...(triaged.data ? { triage: triaged.data } : {}) },
    ...(blockers.length ? { blockers } : {}),
  };
}

export const llmEngine: Engine = {
  kind: "llm",
  description: "A model with the tools the agent definition allows, of Read, Edit, Glob and Grep (sandboxed; the log names those offered), does the task and hands in a structured report.",
  run: runLlm,
};
