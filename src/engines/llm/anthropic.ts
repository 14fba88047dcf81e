// Anthropic Messages API (POST /v1/messages), non-streaming. Responses are
// validated with zod so a proxy or a version skew fails with a message that
// names the field, not with "cannot read properties of undefined".
import { z } from "zod";
import type { ChatMessage, ChatProvider, ChatRequest, ChatResponse, StopReason } from "./chat.js";
import { postJson, ProviderError, type RetryPolicy } from "./http.js";

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
      const raw = await postJson(url, headers, body, { signal, log: options.log, retry: options.retry, label: "anthropic" });
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
