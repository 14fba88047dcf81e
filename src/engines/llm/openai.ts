// OpenAI-compatible chat completions (POST <base>/chat/completions): OpenAI
// itself and the local servers that copy its shape (Ollama, vLLM, llama.cpp,
// LM Studio, OpenRouter). Only the common subset is used: function tools,
// tool_choice, usage; anything a server adds is ignored.
import { z } from "zod";
import type { ChatMessage, ChatProvider, ChatRequest, ChatResponse, StopReason, ToolCall } from "./chat.js";
import { postJson, ProviderError, type RetryPolicy } from "./http.js";

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

const toolCallSchema = z
  .object({
    id: z.string().optional(),
    type: z.string().optional(),
    function: z.object({ name: z.string(), arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).optional() }).loose(),
  })
  .loose();

const completionResponse = z
  .object({
    choices: z
      .array(
        z
          .object({
            message: z
              .object({ content: z.string().nullable().optional(), tool_calls: z.array(toolCallSchema).nullable().optional() })
              .loose(),
            finish_reason: z.string().nullable().optional(),
          })
          .loose(),
      )
      .min(1),
    usage: z.object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() }).loose().nullable().optional(),
  })
  .loose();

type WireMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }> }
  | { role: "tool"; tool_call_id: string; content: string };

function toWire(system: string, messages: ChatMessage[]): WireMessage[] {
  const wire: WireMessage[] = [{ role: "system", content: system }];
  for (const message of messages) {
    if (message.role === "user") wire.push({ role: "user", content: message.text });
    else if (message.role === "assistant") {
      wire.push({
        role: "assistant",
        content: message.text || null,
        ...(message.toolCalls.length > 0
          ? {
              tool_calls: message.toolCalls.map((call) => ({
                id: call.id,
                type: "function" as const,
                function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) },
              })),
            }
          : {}),
      });
    } else {
      for (const result of message.results) {
        // The wire format has no error flag on tool messages; the prefix carries it.
        wire.push({ role: "tool", tool_call_id: result.callId, content: result.isError ? `Error: ${result.text}` : result.text });
      }
      if (message.note) wire.push({ role: "user", content: message.note });
    }
  }
  return wire;
}

function parseArguments(raw: string | Record<string, unknown> | undefined): { input: unknown; inputError?: string } {
  if (raw === undefined || raw === "") return { input: {} };
  if (typeof raw !== "string") return { input: raw };
  try {
    return { input: JSON.parse(raw) };
  } catch (error) {
    return { input: undefined, inputError: `the arguments are not valid JSON (${(error as Error).message}); send a JSON object` };
  }
}

function stopReason(raw: string | null | undefined): StopReason {
  if (raw === "stop") return "end_turn";
  if (raw === "tool_calls" || raw === "function_call") return "tool_use";
  if (raw === "length") return "max_tokens";
  return "other";
}

/**
 * A forced turn offers one tool, and "required" then means exactly it; unlike
 * the named-function form, "required" is understood by vLLM and llama.cpp too.
 */
function toolChoice(request: ChatRequest): unknown {
  if (request.toolChoice === "auto") return "auto";
  const only = request.tools.length === 1 && request.tools[0]!.name === request.toolChoice.name;
  return only ? "required" : { type: "function", function: { name: request.toolChoice.name } };
}

export interface OpenAiOptions {
  baseUrl: string;
  apiKey: string | undefined;
  log(message: string): void;
  retry?: Partial<RetryPolicy>;
}

export function openAiProvider(options: OpenAiOptions): ChatProvider {
  const base = options.baseUrl.replace(/\/+$/, "");
  const url = `${base}/chat/completions`;
  const headers: Record<string, string> = {};
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  // OpenAI's own newer models reject max_tokens; most compatible servers know only max_tokens.
  const tokenField = /^https:\/\/api\.openai\.com\b/.test(base) ? "max_completion_tokens" : "max_tokens";
  let callCounter = 0;
  return {
    name: "openai",
    async complete(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
      const body = {
        model: request.model,
        messages: toWire(request.system, request.messages),
        tools: request.tools.map((t) => ({
          type: "function",
          function: { name: t.name, description: t.description, parameters: t.inputSchema },
        })),
        tool_choice: toolChoice(request),
        [tokenField]: request.maxOutputTokens,
      };
      const raw = await postJson(url, headers, body, { signal, log: options.log, retry: options.retry, label: "openai" });
      const parsed = completionResponse.safeParse(raw);
      if (!parsed.success) {
        throw new ProviderError(`openai: ${url} sent a response that is not a chat completion: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      }
      const choice = parsed.data.choices[0]!;
      const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).map((call) => ({
        // Some local servers omit ids; the loop needs one to pair results with calls.
        id: call.id || `call_${++callCounter}`,
        name: call.function.name,
        ...parseArguments(call.function.arguments),
      }));
      return {
        text: choice.message.content ?? "",
        toolCalls,
        stopReason: stopReason(choice.finish_reason),
        usage: {
          inputTokens: parsed.data.usage?.prompt_tokens ?? 0,
          outputTokens: parsed.data.usage?.completion_tokens ?? 0,
        },
      };
    },
  };
}
