// `bgr mcp`: the runtime API as an MCP server on stdio, bound to one
// workspace. Built on the SDK's low-level Server so that argument checking
// is ours: failures come back as tool results with isError set and a
// one-line message the orchestrating model can act on, and the protocol
// stream never sees a stack trace or a validator's dump.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { VERSION } from "../version.js";
import { didYouMean } from "../protocol/did-you-mean.js";
import { listReportResources, readReportResource, REPORT_URI_TEMPLATE } from "./resources.js";
import { MCP_TOOLS, SPAWN_REQUIREMENT, textOf } from "./tools.js";
import { LineTransport } from "./transport.js";
import { jsonSchemaOf, parseToolInput } from "./validate.js";

function toError(error: unknown): CallToolResult {
  const message = error instanceof Error ? error.message : String(error);
  return { isError: true, content: [{ type: "text", text: message.split("\n")[0] ?? message }] };
}

function listedTools() {
  return MCP_TOOLS.map((tool) => {
    const inputSchema = jsonSchemaOf(z.object(tool.shape), "input");
    if (tool.name === "spawn_background_agent") inputSchema.description = SPAWN_REQUIREMENT;
    return {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema,
      outputSchema: jsonSchemaOf(tool.output, "output"),
      annotations: { title: tool.title, ...tool.annotations },
    };
  });
}

export function createBgrMcpServer(root: string): Server {
  const server = new Server(
    { name: "bgr", version: VERSION },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        "bgr runs slow, non-interactive work (security audits, coverage analysis, code reviews, model-driven tasks) in the background. " +
        "spawn_background_agent returns at once; wait_background_agent (repeat on timeout); read_report (or the resource bgr://reports/<id>); act on it; mark_report_processed.",
    },
  );
  const tools = listedTools();
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const tool = MCP_TOOLS.find((t) => t.name === request.params.name);
    if (!tool) {
      return toError(`no tool ${request.params.name}${didYouMean(request.params.name, MCP_TOOLS.map((t) => t.name))}`);
    }
    try {
      const answer = await tool.handler(root, parseToolInput(tool.shape, request.params.arguments));
      return { content: [{ type: "text", text: textOf(answer) }], structuredContent: answer.structured };
    } catch (error) {
      return toError(error);
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: await listReportResources(root) }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [{
      uriTemplate: REPORT_URI_TEMPLATE,
      name: "report",
      description: "A report by the run id that wrote it (or its file name without .md).",
      mimeType: "text/markdown",
    }],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    try {
      return { contents: [await readReportResource(root, request.params.uri)] };
    } catch (error) {
      throw new McpError(ErrorCode.InvalidParams, (error as Error).message.split("\n")[0]!);
    }
  });
  return server;
}

/** Serves until stdin closes (the client went away). */
export async function serveStdio(root: string): Promise<void> {
  const server = createBgrMcpServer(root);
  const transport = new LineTransport({
    stdin: process.stdin,
    stdout: process.stdout,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  // Server.connect chains its own onclose onto ours, so `closed` still resolves.
  await server.connect(transport);
  await closed;
  await server.close();
}
