// `bgr mcp`: serve the runtime over MCP on stdio for orchestrators (Claude
// Code, Cursor, any MCP client). stdout belongs to the protocol, so nothing
// else may print there; errors before the server starts go to stderr.
import type { Command } from "commander";
import { action, rootOf } from "./common.js";

export function register(program: Command): void {
  program
    .command("mcp")
    .description("MCP server on stdio: spawn/get/list/wait/cancel background agents, list/read/mark/check reports")
    .option("--cwd <dir>", "workspace root the server works in (default: the current directory)")
    .action(
      action(async (opts: { cwd?: string }) => {
        const root = rootOf(opts);
        const { serveStdio } = await import("../../mcp/server.js");
        await serveStdio(root);
      }),
    );
}
