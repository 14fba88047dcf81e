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

export type Step = Turn | { http: HttpReply } | ((request: RecordedRequest) => Turn | { http: HttpReply } | Promise<Turn | { http: HttpReply }>);

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
      send("http" in resolved ? resolved.http : wireReply(wire, resolved));
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
