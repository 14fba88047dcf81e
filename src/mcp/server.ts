// `bgr mcp`: the runtime API as an MCP server on stdio, bound to one
// workspace. Failures come back as tool results with isError set and a
// one-line message, so the orchestrating model can read and correct them;
// the protocol stream itself never sees a stack trace.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { VERSION } from "../version.js";
import { MCP_TOOLS } from "./tools.js";

function toResult(value: unknown): CallToolResult {
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return { content: [{ type: "text", text }] };
}

function toError(error: unknown): CallToolResult {
  const message = error instanceof Error ? error.message : String(error);
  return { isError: true, content: [{ type: "text", text: message.split("\n")[0] ?? message }] };
}

export function createBgrMcpServer(root: string): McpServer {
  const server = new McpServer(
    { name: "bgr", version: VERSION },
    {
      instructions:
        "bgr runs slow, non-interactive work (security audits, coverage analysis, code reviews, model-driven tasks) in the background. " +
        "spawn_background_agent returns at once; wait_background_agent (repeat on timeout); read_report; act on it; mark_report_processed.",
    },
  );
  for (const tool of MCP_TOOLS) {
    server.registerTool(tool.name, { title: tool.title, description: tool.description, inputSchema: tool.shape }, async (input: unknown) => {
      try {
        return toResult(await tool.handler(root, input));
      } catch (error) {
        return toError(error);
      }
    });
  }
  return server;
}

/** Serves until stdin closes (the client went away). */
export async function serveStdio(root: string): Promise<void> {
  const server = createBgrMcpServer(root);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
