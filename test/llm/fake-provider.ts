// A local model server for the tests: 127.0.0.1, port 0, speaking the
// Anthropic Messages and OpenAI chat-completions wire formats, playing a
// scripted conversation and recording every request it receives.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type Wire = "anthropic" | "openai";

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** One model turn, provider-neutral: prose and/or tool calls. */
export interface Turn {
  text?: string;
  calls?: Array<{ name: string; input: unknown }>;
  usage?: { input: number; output: number };
}

/** A raw event-stream body, for broken or erroring streams. */
export interface RawStream {
  sse: string;
}

type Reply = Turn | { http: HttpReply } | RawStream;
export type Step = Reply | ((request: RecordedRequest) => Reply | Promise<Reply>);

let nextId = 0;

export function wireReply(wire: Wire, turn: Turn): HttpReply {
  const calls = turn.calls ?? [];
  const usage = turn.usage ?? { input: 100, output: 20 };
  if (wire === "anthropic") {
    const content: unknown[] = [];
    if (turn.text) content.push({ type: "text", text: turn.text });
    for (const call of calls) content.push({ type: "tool_use", id: `toolu_${++nextId}`, name: call.name, input: call.input });
    return {
      status: 200,
      body: {
        id: `msg_${++nextId}`, type: "message", role: "assistant", model: "claude-test",
        content, stop_reason: calls.length ? "tool_use" : "end_turn", stop_sequence: null,
        usage: { input_tokens: usage.input, output_tokens: usage.output },
      },
    };
  }
  return {
    status: 200,
    body: {
      id: `chatcmpl-${++nextId}`, object: "chat.completion", created: 0, model: "gpt-test",
      choices: [{
        index: 0,
        message: {
          role: "assistant",
          content: turn.text ?? null,
          ...(calls.length
            ? { tool_calls: calls.map((c) => ({ id: `call_${++nextId}`, type: "function", function: { name: c.name, arguments: JSON.stringify(c.input) } })) }
            : {}),
        },
        finish_reason: calls.length ? "tool_calls" : "stop",
      }],
      usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
    },
  };
}

/** Cuts a string into roughly three pieces, the way servers split deltas. */
function pieces(text: string): string[] {
  const third = Math.max(1, Math.ceil(text.length / 3));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += third) out.push(text.slice(i, i + third));
  return out;
}

const sse = (events: Array<[string | undefined, unknown]>): string =>
  events.map(([name, data]) => `${name ? `event: ${name}\n` : ""}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`).join("");

/** The same turn as a stream of server-sent events in the wire's own shape. */
export function wireStream(wire: Wire, turn: Turn): string {
  const calls = turn.calls ?? [];
  const usage = turn.usage ?? { input: 100, output: 20 };
  if (wire === "anthropic") {
    const events: Array<[string, unknown]> = [
      ["message_start", { type: "message_start", message: { id: `msg_${++nextId}`, type: "message", role: "assistant", content: [], usage: { input_tokens: usage.input, output_tokens: 1 } } }],
      ["ping", { type: "ping" }],
    ];
    let index = 0;
    if (turn.text) {
      events.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }]);
      for (const piece of pieces(turn.text)) events.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } }]);
      events.push(["content_block_stop", { type: "content_block_stop", index: index++ }]);
    }
    for (const call of calls) {
      events.push(["content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id: `toolu_${++nextId}`, name: call.name, input: {} } }]);
      for (const piece of pieces(JSON.stringify(call.input))) {
        events.push(["content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: piece } }]);
      }
      events.push(["content_block_stop", { type: "content_block_stop", index: index++ }]);
    }
    events.push(["message_delta", { type: "message_delta", delta: { stop_reason: calls.length ? "tool_use" : "end_turn" }, usage: { output_tokens: usage.output } }]);
    events.push(["message_stop", { type: "message_stop" }]);
    return sse(events);
  }
  const chunk = (delta: unknown, finish: string | null = null) => ({ id: "chatcmpl-s", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] });
  const events: Array<[undefined, unknown]> = [[undefined, chunk({ role: "assistant", content: "" })]];
  for (const piece of turn.text ? pieces(turn.text) : []) events.push([undefined, chunk({ content: piece })]);
  calls.forEach((call, index) => {
    events.push([undefined, chunk({ tool_calls: [{ index, id: `call_${++nextId}`, type: "function", function: { name: call.name, arguments: "" } }] })]);
    for (const piece of pieces(JSON.stringify(call.input))) events.push([undefined, chunk({ tool_calls: [{ index, function: { arguments: piece } }] })]);
  });
  events.push([undefined, chunk({}, calls.length ? "tool_calls" : "stop")]);
  events.push([undefined, { id: "chatcmpl-s", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output } }]);
  events.push([undefined, "[DONE]"]);
  return sse(events);
}

export function wireError(wire: Wire, status: number, message: string, headers: Record<string, string> = {}): { http: HttpReply } {
  const body = wire === "anthropic"
    ? { type: "error", error: { type: status === 429 ? "rate_limit_error" : "api_error", message } }
    : { error: { message, type: "server_error", code: null } };
  return { http: { status, headers, body } };
}

export interface FakeProvider {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeProvider(wire: Wire, script: Step[]): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const expectedPath = wire === "anthropic" ? "/v1/messages" : "/v1/chat/completions";
  let step = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const send = (reply: HttpReply) => {
        res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        res.end(JSON.stringify(reply.body));
      };
      const request: RecordedRequest = { path: req.url ?? "", headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") };
      requests.push(request);
      if (req.url !== expectedPath) return send({ status: 404, body: { error: { message: `no route ${req.url}` } } });
      const current = script[step++];
      // 400, not 500: an unscripted request must fail the run at once, not be retried.
      if (current === undefined) return send({ status: 400, body: { error: { message: `fake provider: unscripted request #${step}` } } });
      const resolved = typeof current === "function" ? await current(request) : current;
      if ("http" in resolved) return send(resolved.http);
      if ("sse" in resolved || request.body.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.end("sse" in resolved ? resolved.sse : wireStream(wire, resolved));
        return;
      }
      send(wireReply(wire, resolved));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: wire === "anthropic" ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The tool results the model received in a recorded request, provider-neutral. */
export function toolResultsIn(wire: Wire, request: RecordedRequest): Array<{ text: string; isError: boolean }> {
  const messages = request.body.messages as any[];
  if (wire === "anthropic") {
    const last = messages[messages.length - 1];
    return (last.content as any[]).filter((b) => b.type === "tool_result").map((b) => ({ text: b.content, isError: b.is_error === true }));
  }
  const out: Array<{ text: string; isError: boolean }> = [];
  for (let i = messages.length - 1; i >= 0 && messages[i].role !== "assistant"; i--) {
    if (messages[i].role === "tool") out.unshift({ text: messages[i].content.replace(/^Error: /, ""), isError: messages[i].content.startsWith("Error: ") });
  }
  return out;
}

/** Tool names offered in a request and the forced tool, if any. */
export function offeredTools(wire: Wire, request: RecordedRequest): { names: string[]; forced?: string } {
  const tools = request.body.tools as any[];
  if (wire === "anthropic") {
    const choice = request.body.tool_choice;
    return { names: tools.map((t) => t.name), ...(choice?.type === "tool" ? { forced: choice.name } : {}) };
  }
  const choice = request.body.tool_choice;
  const names: string[] = tools.map((t) => t.function.name);
  if (choice === "required") return { names, forced: names.length === 1 ? names[0]! : "(any)" };
  return { names, ...(typeof choice === "object" ? { forced: choice.function.name } : {}) };
}

/** The text bgr appended after tool results (repair and wrap-up notes). */
export function lastNote(wire: Wire, request: RecordedRequest): string | undefined {
  const messages = request.body.messages as any[];
  const last = messages[messages.length - 1];
  if (wire === "openai") return last.role === "user" ? last.content : undefined;
  const texts = (last.content as any[]).filter((b) => b.type === "text").map((b) => b.text);
  return texts.length ? texts.join("\n") : undefined;
}
