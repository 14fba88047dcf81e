// MCP over stdio, one JSON-RPC message per line. The SDK's own stdio
// transport closes itself (and so ends `bgr mcp` without a word) when one
// message outgrows its buffer; a client that sends one oversized request
// must get an error back and the server must go on serving the next one.
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { JSONRPCMessageSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** Larger than any sensible tool call (prompts are text); a line beyond it is answered with an error and skipped. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

interface Streams {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** Where reasons for dropped messages go; stdout belongs to the protocol. */
  log(line: string): void;
}

/** The `id` of an oversized request, read from its first bytes so the error can answer it. */
function leadingId(head: string): string | number | null {
  const match = /"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,15})/.exec(head);
  if (!match) return null;
  try {
    return JSON.parse(match[1]!) as string | number;
  } catch {
    return null;
  }
}

export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private chunks: Buffer[] = [];
  private size = 0;
  /** Set while skipping the rest of an oversized line: its first bytes, and how many were dropped. */
  private skipping: { head: string; bytes: number } | undefined;
  private closed = false;

  constructor(private readonly streams: Streams, private readonly maxBytes = MAX_MESSAGE_BYTES) {}

  private readonly onData = (chunk: Buffer | string) => {
    let data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    while (data.length > 0) {
      const newline = data.indexOf(0x0a);
      const part = newline === -1 ? data : data.subarray(0, newline);
      if (this.skipping) this.skipping.bytes += part.length;
      else if (this.size + part.length > this.maxBytes) this.startSkipping(part);
      else {
        this.chunks.push(part);
        this.size += part.length;
      }
      if (newline === -1) break;
      this.endLine();
      data = data.subarray(newline + 1);
    }
  };

  private readonly onEnd = () => void this.close();
  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  private startSkipping(part: Buffer): void {
    const head = Buffer.concat([...this.chunks, part]).subarray(0, 4096).toString("utf8");
    this.skipping = { head, bytes: this.size + part.length };
    this.chunks = [];
    this.size = 0;
  }

  private endLine(): void {
    if (this.skipping) {
      const { head, bytes } = this.skipping;
      this.skipping = undefined;
      const message = `message of ${bytes} bytes exceeds bgr's limit of ${this.maxBytes} bytes: send smaller requests (pass files by path, not content)`;
      this.streams.log(`bgr mcp: dropped a ${message}`);
      void this.send({ jsonrpc: "2.0", id: leadingId(head) as string | number, error: { code: INVALID_REQUEST, message } } as JSONRPCMessage);
      return;
    }
    const line = Buffer.concat(this.chunks).toString("utf8").replace(/\r$/, "");
    this.chunks = [];
    this.size = 0;
    if (line.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      const message = `not JSON: ${(error as Error).message.split("\n")[0]}`;
      this.streams.log(`bgr mcp: dropped a message that is ${message}`);
      void this.send({ jsonrpc: "2.0", id: null, error: { code: PARSE_ERROR, message } } as unknown as JSONRPCMessage);
      return;
    }
    const checked = JSONRPCMessageSchema.safeParse(parsed);
    if (!checked.success) {
      const id = typeof parsed === "object" && parsed !== null ? (parsed as { id?: unknown }).id : undefined;
      const message = "not a JSON-RPC 2.0 message (needs jsonrpc: \"2.0\" and a method, or a result/error for an id)";
      this.streams.log(`bgr mcp: dropped a message that is ${message}`);
      const answerable = typeof id === "string" || typeof id === "number";
      void this.send({ jsonrpc: "2.0", id: answerable ? id : null, error: { code: INVALID_REQUEST, message } } as unknown as JSONRPCMessage);
      return;
    }
    this.onmessage?.(checked.data);
  }

  async start(): Promise<void> {
    this.streams.stdin.on("data", this.onData);
    this.streams.stdin.on("end", this.onEnd);
    this.streams.stdin.on("error", this.onStreamError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return;
    const text = `${JSON.stringify(message)}\n`;
    await new Promise<void>((resolve) => {
      if (this.streams.stdout.write(text)) resolve();
      else this.streams.stdout.once("drain", resolve);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.streams.stdin.off("data", this.onData);
    this.streams.stdin.off("end", this.onEnd);
    this.streams.stdin.off("error", this.onStreamError);
    this.onclose?.();
  }
}
