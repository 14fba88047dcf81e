// The agent loop: call the model, run the tools it asks for, feed results
// back, until it hands in a valid submission. Three ways out besides
// success, each bounded: one repair turn for a missing or invalid
// submission, one wrap-up turn when maxTurns or the token budget runs out,
// and the run's AbortSignal. The loop never throws for a model or provider
// problem: it returns what it knows so the engine can write a partial report.
import type { ToolOutcome } from "../../tools/index.js";
import type { ChatMessage, ChatProvider, ToolCall, ToolResult, ToolSpec } from "./chat.js";
import type { Checked } from "./submit.js";

export interface LoopConfig<T> {
  provider: ChatProvider;
  model: string;
  system: string;
  userMessage: string;
  /** The workspace tools offered to the model (submitTool is added by the loop). */
  tools: ToolSpec[];
  submitTool: ToolSpec;
  checkSubmission(raw: unknown): Promise<Checked<T>>;
  runTool(call: ToolCall): Promise<ToolOutcome>;
  maxTurns: number;
  /** Input plus output tokens over the whole run. */
  tokenBudget: number;
  maxOutputTokens: number;
  signal: AbortSignal;
  log(message: string): void;
  progress?(done: number, total: number, label?: string): void;
}

export interface LoopOutcome<T> {
  submission?: T;
  /** Set when maxTurns or the token budget forced a wrap-up turn. */
  limit?: string;
  /** Why no valid submission came in (absent on success). */
  failure?: string;
  turns: number;
  toolCalls: number;
  usage: { inputTokens: number; outputTokens: number };
  /** The model's last prose, kept for a partial report. */
  lastText: string;
}

type Forced = { reason: "repair" | "wrap-up" } | undefined;

/** Tool results from this many recent turns are always sent whole. */
export const KEEP_RECENT_TOOL_TURNS = 6;
/** An older result longer than this is cut to its head; the model can call the tool again. */
const OLD_RESULT_KEEP_CHARS = 1500;

/**
 * The whole history is re-sent every turn, so old file dumps would make each
 * turn costlier and overflow small local models' context. Results older than
 * the last few tool turns keep only their head, with a note saying so.
 */
export function trimOldToolResults(messages: ChatMessage[], keepRecent = KEEP_RECENT_TOOL_TURNS): void {
  let toolTurnsSeen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== "tool") continue;
    if (++toolTurnsSeen <= keepRecent) continue;
    for (const result of message.results) {
      if (result.text.length <= OLD_RESULT_KEEP_CHARS || result.text.endsWith(" elided]")) continue;
      const removed = result.text.length - OLD_RESULT_KEEP_CHARS;
      result.text = `${result.text.slice(0, OLD_RESULT_KEEP_CHARS)}\n[… ${removed} more chars of this earlier ${result.name} result elided]`;
    }
  }
}

function describeCall(call: ToolCall): string {
  const input = call.input && typeof call.input === "object" ? (call.input as Record<string, unknown>) : {};
  const hint = input.file_path ?? input.pattern ?? input.path;
  return typeof hint === "string" ? `${call.name}(${hint.length > 60 ? `${hint.slice(0, 57)}…` : hint})` : call.name;
}

export async function runAgentLoop<T>(config: LoopConfig<T>): Promise<LoopOutcome<T>> {
  const submitName = config.submitTool.name;
  const allTools = [...config.tools, config.submitTool];
  const offered = new Set(config.tools.map((t) => t.name));
  const messages: ChatMessage[] = [{ role: "user", text: config.userMessage }];
  const outcome: LoopOutcome<T> = { turns: 0, toolCalls: 0, usage: { inputTokens: 0, outputTokens: 0 }, lastText: "" };
  let repairUsed = false;
  let forced: Forced;

  const askRepair = (problem: string, results?: ToolResult[]): boolean => {
    if (repairUsed) return false;
    repairUsed = true;
    forced = { reason: "repair" };
    const note = `${problem} Call ${submitName} now with the complete report: title, summary, findings, recommendations.`;
    config.log(`repair turn: ${problem}`);
    messages.push(results ? { role: "tool", results, note } : { role: "user", text: note });
    return true;
  };

  for (;;) {
    if (config.signal.aborted) {
      outcome.failure = `the run was stopped (${String((config.signal.reason as Error | undefined)?.message ?? config.signal.reason)}) after ${outcome.turns} turns`;
      return outcome;
    }
    const turnForced = forced;
    forced = undefined;
    trimOldToolResults(messages);
    let response;
    try {
      response = await config.provider.complete(
        {
          model: config.model,
          system: config.system,
          messages,
          // Repair and wrap-up turns offer only the submission tool, so the model cannot wander off again.
          tools: turnForced ? [config.submitTool] : allTools,
          toolChoice: turnForced ? { name: submitName } : "auto",
          maxOutputTokens: config.maxOutputTokens,
        },
        config.signal,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome.failure = config.signal.aborted
        ? `the run was stopped (${message}) after ${outcome.turns} turns`
        : `the model provider failed on turn ${outcome.turns + 1}: ${message}`;
      return outcome;
    }
    outcome.turns++;
    outcome.usage.inputTokens += response.usage.inputTokens;
    outcome.usage.outputTokens += response.usage.outputTokens;
    if (response.text.trim()) outcome.lastText = response.text.trim();
    messages.push({ role: "assistant", text: response.text, toolCalls: response.toolCalls });
    const spent = outcome.usage.inputTokens + outcome.usage.outputTokens;
    config.log(
      `turn ${outcome.turns}${turnForced ? ` (${turnForced.reason})` : `/${config.maxTurns}`}: ` +
        (response.toolCalls.length ? response.toolCalls.map(describeCall).join(", ") : `no tool call (${response.stopReason})`) +
        `; ${spent} tokens so far`,
    );
    config.progress?.(Math.min(outcome.turns, config.maxTurns), config.maxTurns, `turn ${outcome.turns}`);

    if (response.toolCalls.length === 0) {
      const why =
        response.stopReason === "max_tokens"
          ? `Your answer was cut off at the output limit (${config.maxOutputTokens} tokens) before you called ${submitName}.`
          : `You ended your turn without calling ${submitName}; bgr writes the report only from that call.`;
      if (!askRepair(why)) {
        outcome.failure = `the model ended its turn without calling ${submitName}, also after the repair turn`;
        return outcome;
      }
      continue;
    }

    const results: ToolResult[] = [];
    let rejection: string | undefined;
    for (const call of response.toolCalls) {
      outcome.toolCalls++;
      if (call.name === submitName) {
        if (outcome.submission !== undefined) {
          results.push({ callId: call.id, name: call.name, text: "Ignored: a report was already received.", isError: false });
          continue;
        }
        const checked = call.inputError ? { ok: false as const, error: call.inputError } : await config.checkSubmission(call.input);
        if (checked.ok) {
          outcome.submission = checked.value;
          results.push({ callId: call.id, name: call.name, text: "Report received.", isError: false });
        } else {
          rejection = checked.error;
          config.log(`${submitName} rejected: ${checked.error}`);
          results.push({ callId: call.id, name: call.name, text: `${submitName} rejected: ${checked.error}`, isError: true });
        }
        continue;
      }
      if (!offered.has(call.name)) {
        const available = [...offered, submitName].join(", ");
        results.push({ callId: call.id, name: call.name, text: `tool ${call.name} is not available to this agent: use ${available}`, isError: true });
        continue;
      }
      const result = call.inputError ? { ok: false, text: `invalid input for ${call.name}: ${call.inputError}` } : await config.runTool(call);
      if (!result.ok) config.log(`${describeCall(call)} refused: ${result.text}`);
      results.push({ callId: call.id, name: call.name, text: result.text, isError: !result.ok });
    }
    if (outcome.submission !== undefined) {
      delete outcome.failure;
      return outcome;
    }
    if (rejection !== undefined) {
      if (!askRepair(`Your ${submitName} call was rejected: ${rejection}.`, results)) {
        outcome.failure = `the model's ${submitName} was still invalid after the repair turn: ${rejection}`;
        return outcome;
      }
      continue;
    }
    if (turnForced) {
      // A forced turn that called something else (servers may ignore tool_choice) counts as no submission.
      if (!askRepair(`You were asked to call ${submitName} and did not.`, results)) {
        outcome.failure = `the model did not call ${submitName} when asked to (${turnForced.reason} turn)`;
        return outcome;
      }
      continue;
    }
    const overTurns = outcome.turns >= config.maxTurns;
    const overBudget = spent >= config.tokenBudget;
    if ((overTurns || overBudget) && outcome.limit === undefined) {
      outcome.limit = overTurns ? `maxTurns (${config.maxTurns})` : `the token budget (${config.tokenBudget} tokens)`;
      forced = { reason: "wrap-up" };
      config.log(`limit reached: ${outcome.limit}; asking the model to submit what it has`);
      messages.push({
        role: "tool",
        results,
        note: `You have reached ${outcome.limit} for this run. Stop investigating and call ${submitName} now with what you have found so far; say in the summary what you could not cover.`,
      });
      continue;
    }
    messages.push({ role: "tool", results });
  }
}
