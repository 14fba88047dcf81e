// A provider-neutral conversation: the agent loop speaks only this, and each
// provider module translates it to and from its wire format. Keeping the
// loop ignorant of wire details is what lets one scripted test conversation
// run against both the Anthropic and the OpenAI-compatible formats.

export interface ToolCall {
  /** Provider-assigned id, echoed back with the result. */
  id: string;
  name: string;
  /** Parsed arguments; undefined when the provider sent arguments that are not JSON. */
  input: unknown;
  /** Why `input` could not be parsed, told back to the model. */
  inputError?: string;
}

export interface ToolResult {
  callId: string;
  name: string;
  text: string;
  isError: boolean;
}

export type ChatMessage =
  | { role: "user"; text: string }
  | { role: "assistant"; text: string; toolCalls: ToolCall[] }
  /** Results of the previous assistant turn's calls, optionally followed by a note from bgr. */
  | { role: "tool"; results: ToolResult[]; note?: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the input object. */
  inputSchema: Record<string, unknown>;
}

export interface ChatRequest {
  model: string;
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  /** "auto", or the one tool the model must call (repair and wrap-up turns). */
  toolChoice: "auto" | { name: string };
  maxOutputTokens: number;
}

export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "other";

export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  usage: { inputTokens: number; outputTokens: number };
}

export interface ChatProvider {
  readonly name: "anthropic" | "openai";
  complete(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse>;
}
