// OpenAI-compatible chat completions (POST <base>/chat/completions): OpenAI
// itself and the local servers that copy its shape (Ollama, vLLM, llama.cpp,
// LM Studio, OpenRouter). Only the common subset is used: function tools,
// tool_choice, usage; anything a server adds is ignored.
import { z } from "zod";
import type { ChatMessage, ChatProvider, ChatRequest, ChatResponse, StopReason, ToolCall } from "./chat.js";
import { postJson, postWithRetry, ProviderError, RetryableError, type RetryPolicy } from "./http.js";
import { eventJson, readEvents } from "./stream.js";

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
  /** Ask for server-sent chunks instead of one JSON body. */
  stream?: boolean;
}

const chunkSchema = z
  .object({
    choices: z
      .array(
        z
          .object({
            delta: z
              .object({
                content: z.string().nullable().optional(),
                tool_calls: z
                  .array(
                    z
                      .object({
                        index: z.number().optional(),
                        id: z.string().optional(),
                        function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).loose().optional(),
                      })
                      .loose(),
                  )
                  .nullable()
                  .optional(),
              })
              .loose()
              .optional(),
            finish_reason: z.string().nullable().optional(),
          })
          .loose(),
      )
      .optional(),
    usage: z.object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() }).loose().nullable().optional(),
    error: z.object({ message: z.string() }).loose().optional(),
  })
  .loose();

/** Rebuilds one completion from its chunks; tool-call arguments arrive in pieces keyed by index. */
async function readStream(response: Response, url: string, nextId: () => string): Promise<ChatResponse> {
  let text = "";
  const calls: Array<{ id: string; name: string; args: string }> = [];
  let finish: string | null | undefined;
  let done = false;
  const usage = { inputTokens: 0, outputTokens: 0 };
  await readEvents(response, (event) => {
    if (event.data.trim() === "[DONE]") {
      done = true;
      return;
    }
    const parsed = chunkSchema.safeParse(eventJson("openai", event));
    if (!parsed.success) throw new RetryableError(`openai: unexpected stream chunk: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    const chunk = parsed.data;
    if (chunk.error) throw new ProviderError(`openai: ${url} sent an error mid-stream (${chunk.error.message})`);
    if (chunk.usage) {
      usage.inputTokens = chunk.usage.prompt_tokens ?? usage.inputTokens;
      usage.outputTokens = chunk.usage.completion_tokens ?? usage.outputTokens;
    }
    const choice = chunk.choices?.[0];
    if (!choice) return;
    text += choice.delta?.content ?? "";
    for (const [position, delta] of (choice.delta?.tool_calls ?? []).entries()) {
      const index = delta.index ?? position;
      const call = (calls[index] ??= { id: "", name: "", args: "" });
      if (delta.id) call.id = delta.id;
      call.name += delta.function?.name ?? "";
      call.args += delta.function?.arguments ?? "";
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  });
  // Some compatible servers end with a finish_reason and no [DONE]; only a stream with neither is cut short.
  if (!done && !finish) throw new RetryableError("the stream ended before the completion finished");
  return {
    text,
    toolCalls: calls.filter(Boolean).map((call) => ({ id: call.id || nextId(), name: call.name, ...parseArguments(call.args) })),
    stopReason: stopReason(finish),
    usage,
  };
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
      const http = { signal, log: options.log, retry: options.retry, label: "openai" };
      if (options.stream) {
        const streamed = { ...body, stream: true, stream_options: { include_usage: true } };
        return postWithRetry(url, headers, streamed, http, (response) => readStream(response, url, () => `call_${++callCounter}`));
      }
      const raw = await postJson(url, headers, body, http);
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
