// Anthropic Messages API (POST /v1/messages), whole responses or streamed
// events. Responses are validated with zod so a proxy or a version skew
// fails with a message that names the field, not with "cannot read
// properties of undefined".
import { z } from "zod";
import type { ChatMessage, ChatProvider, ChatRequest, ChatResponse, StopReason } from "./chat.js";
import { postJson, postWithRetry, ProviderError, RetryableError, type RetryPolicy } from "./http.js";
import { eventJson, readEvents } from "./stream.js";

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";
const ANTHROPIC_VERSION = "2023-06-01";

const contentBlock = z.union([
  z.object({ type: z.literal("text"), text: z.string() }).loose(),
  z.object({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() }).loose(),
  // thinking, redacted_thinking, server tool blocks…: kept out of the conversation we replay.
  z.object({ type: z.string() }).loose(),
]);

const messageResponse = z
  .object({
    content: z.array(contentBlock),
    stop_reason: z.string().nullable().optional(),
    usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }).loose().optional(),
  })
  .loose();

type WireBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; tool_use_id: string; content: string; is_error?: boolean };

interface WireMessage {
  role: "user" | "assistant";
  content: WireBlock[];
}

function toWire(messages: ChatMessage[]): WireMessage[] {
  return messages.map((message): WireMessage => {
    if (message.role === "user") return { role: "user", content: [{ type: "text", text: message.text }] };
    if (message.role === "assistant") {
      const content: WireBlock[] = [];
      if (message.text) content.push({ type: "text", text: message.text });
      for (const call of message.toolCalls) {
        content.push({ type: "tool_use", id: call.id, name: call.name, input: call.input ?? {} });
      }
      // The API rejects an assistant message with no content blocks.
      if (content.length === 0) content.push({ type: "text", text: "(no output)" });
      return { role: "assistant", content };
    }
    const content: WireBlock[] = message.results.map((r) => ({
      type: "tool_result",
      tool_use_id: r.callId,
      content: r.text,
      ...(r.isError ? { is_error: true } : {}),
    }));
    if (message.note) content.push({ type: "text", text: message.note });
    return { role: "user", content };
  });
}

function stopReason(raw: string | null | undefined): StopReason {
  if (raw === "end_turn" || raw === "stop_sequence") return "end_turn";
  if (raw === "tool_use") return "tool_use";
  if (raw === "max_tokens") return "max_tokens";
  return "other";
}

export interface AnthropicOptions {
  baseUrl: string;
  apiKey: string | undefined;
  log(message: string): void;
  retry?: Partial<RetryPolicy>;
  /** Ask for server-sent events instead of one JSON body. */
  stream?: boolean;
}

const streamEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("message_start"), message: z.object({ usage: z.object({ input_tokens: z.number().optional(), output_tokens: z.number().optional() }).loose().optional() }).loose() }).loose(),
  z.object({ type: z.literal("content_block_start"), index: z.number(), content_block: z.object({ type: z.string(), id: z.string().optional(), name: z.string().optional(), text: z.string().optional() }).loose() }).loose(),
  z.object({ type: z.literal("content_block_delta"), index: z.number(), delta: z.object({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional() }).loose() }).loose(),
  z.object({ type: z.literal("message_delta"), delta: z.object({ stop_reason: z.string().nullable().optional() }).loose(), usage: z.object({ output_tokens: z.number().optional() }).loose().optional() }).loose(),
  z.object({ type: z.literal("message_stop") }).loose(),
  z.object({ type: z.literal("error"), error: z.object({ type: z.string(), message: z.string() }).loose() }).loose(),
]);

type StreamBlock = { kind: "text"; text: string } | { kind: "tool"; id: string; name: string; json: string } | { kind: "other" };

/** Rebuilds the message from message_start … message_stop. */
async function readStream(response: Response, url: string): Promise<ChatResponse> {
  const blocks: StreamBlock[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  let stop: string | null | undefined;
  let finished = false;
  await readEvents(response, (event) => {
    const parsed = streamEvent.safeParse(eventJson("anthropic", event));
    if (!parsed.success) return; // ping and event types added after this was written
    const data = parsed.data;
    if (data.type === "message_start") {
      usage.inputTokens = data.message.usage?.input_tokens ?? 0;
      usage.outputTokens = data.message.usage?.output_tokens ?? 0;
    } else if (data.type === "content_block_start") {
      const block = data.content_block;
      blocks[data.index] =
        block.type === "text" ? { kind: "text", text: block.text ?? "" }
        : block.type === "tool_use" ? { kind: "tool", id: block.id ?? `toolu_${data.index}`, name: block.name ?? "", json: "" }
        : { kind: "other" };
    } else if (data.type === "content_block_delta") {
      const block = blocks[data.index];
      if (block?.kind === "text" && data.delta.text !== undefined) block.text += data.delta.text;
      if (block?.kind === "tool" && data.delta.partial_json !== undefined) block.json += data.delta.partial_json;
    } else if (data.type === "message_delta") {
      stop = data.delta.stop_reason;
      usage.outputTokens = data.usage?.output_tokens ?? usage.outputTokens;
    } else if (data.type === "message_stop") {
      finished = true;
    } else {
      const problem = `${data.error.type}: ${data.error.message}`;
      if (/overloaded|api_error|rate_limit/.test(data.error.type)) throw new RetryableError(`stream error ${problem}`);
      throw new ProviderError(`anthropic: ${url} sent an error mid-stream (${problem})`);
    }
  });
  if (!finished) throw new RetryableError("the stream ended before message_stop");
  const text: string[] = [];
  const toolCalls: ChatResponse["toolCalls"] = [];
  for (const block of blocks) {
    if (block?.kind === "text") text.push(block.text);
    if (block?.kind !== "tool") continue;
    try {
      toolCalls.push({ id: block.id, name: block.name, input: block.json.trim() ? JSON.parse(block.json) : {} });
    } catch (error) {
      toolCalls.push({ id: block.id, name: block.name, input: undefined, inputError: `the arguments are not valid JSON (${(error as Error).message})` });
    }
  }
  return { text: text.join("\n"), toolCalls, stopReason: stopReason(stop), usage };
}

export function anthropicProvider(options: AnthropicOptions): ChatProvider {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/v1/messages`;
  const headers: Record<string, string> = { "anthropic-version": ANTHROPIC_VERSION };
  if (options.apiKey) headers["x-api-key"] = options.apiKey;
  return {
    name: "anthropic",
    async complete(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
      const body = {
        model: request.model,
        max_tokens: request.maxOutputTokens,
        system: request.system,
        messages: toWire(request.messages),
        tools: request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema })),
        tool_choice: request.toolChoice === "auto" ? { type: "auto" } : { type: "tool", name: request.toolChoice.name },
      };
      const http = { signal, log: options.log, retry: options.retry, label: "anthropic" };
      if (options.stream) return postWithRetry(url, headers, { ...body, stream: true }, http, (response) => readStream(response, url));
      const raw = await postJson(url, headers, body, http);
      const parsed = messageResponse.safeParse(raw);
      if (!parsed.success) {
        throw new ProviderError(`anthropic: ${url} sent a response that is not a Messages API message: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      }
      const text: string[] = [];
      const toolCalls: ChatResponse["toolCalls"] = [];
      for (const block of parsed.data.content) {
        if (block.type === "text" && typeof block.text === "string") text.push(block.text);
        else if (block.type === "tool_use" && typeof block.id === "string" && typeof block.name === "string") {
          toolCalls.push({ id: block.id, name: block.name, input: block.input });
        }
      }
      return {
        text: text.join("\n"),
        toolCalls,
        stopReason: stopReason(parsed.data.stop_reason),
        usage: {
          inputTokens: parsed.data.usage?.input_tokens ?? 0,
          outputTokens: parsed.data.usage?.output_tokens ?? 0,
        },
      };
    },
  };
}
