// The SDK's own MCP client over stdio, talking to the built `bgr mcp`.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const CLI_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.js");

export interface BgrClient {
  client: Client;
  /** Calls a tool; returns its text and whether it is an MCP tool error. */
  call(name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean; structured?: Record<string, unknown> }>;
  json<T = any>(name: string, args: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export async function connectBgr(root: string, env: Record<string, string> = {}): Promise<BgrClient> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI_MAIN, "mcp", "--cwd", root],
    cwd: root,
    // PATH and HOME only (plus what the test adds): no model keys or BGR_* leak in from the machine.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? root, BGR_CANCEL_GRACE_MS: "3000", ...env },
    stderr: "pipe",
  });
  const client = new Client({ name: "bgr-test", version: "1.0.0" });
  await client.connect(transport);
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 180_000 });
    const content = result.content as Array<{ type: string; text?: string }>;
    const structured = result.structuredContent as Record<string, unknown> | undefined;
    return { text: content.map((c) => c.text ?? "").join(""), isError: result.isError === true, ...(structured ? { structured } : {}) };
  };
  return {
    client,
    call,
    async json(name, args) {
      const { text, isError } = await call(name, args);
      if (isError) throw new Error(`${name} failed: ${text}`);
      return JSON.parse(text);
    },
    close: () => client.close(),
  };
}
