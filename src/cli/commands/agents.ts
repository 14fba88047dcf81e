// `bgr agents`: the agent definitions found, validated, in resolution order.
import type { Command } from "commander";
import { scanAgents } from "../../protocol/agent.js";
import { action, printJson, rootOf, withCommonOptions } from "./common.js";

export function register(program: Command): void {
  withCommonOptions(program.command("agents").description("list agent definitions (.agents/agents, .claude/agents, .cursor/agents, built-in)")).action(
    action(async (opts: Record<string, unknown>) => {
      const scan = await scanAgents(rootOf(opts));
      const invalid = scan.invalid.map((e) => ({ source: e.source, message: e.message }));
      if (opts.json) {
        printJson({ agents: scan.agents, shadowed: scan.shadowed.map((a) => ({ name: a.name, source: a.source })), invalid });
      } else {
        for (const a of scan.agents) {
          process.stdout.write(`${a.name}  (${a.source})  model: ${a.model}  tools: ${a.tools.join(", ") || "none"}${a.background ? "  background" : ""}${a.readonly ? "  readonly" : ""}\n`);
          if (a.description) process.stdout.write(`  ${a.description.replace(/\s+/g, " ").trim()}\n`);
        }
        for (const a of scan.shadowed) process.stdout.write(`shadowed: ${a.name} (${a.source})\n`);
        for (const e of invalid) process.stdout.write(`invalid: ${e.message}\n`);
      }
    }),
  );
}
