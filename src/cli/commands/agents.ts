// `bgr agents`: the agent definitions found, validated, in resolution order.
// What bgr will not honour in a definition (a tool it does not offer, a key it
// ignores, a broken file) is a warning here and an error when the agent is used.
import type { Command } from "commander";
import { scanAgents } from "../../protocol/agent.js";
import { action, printJson, rootOf, withCommonOptions } from "./common.js";

export function register(program: Command): void {
  withCommonOptions(program.command("agents").description("list agent definitions (.agents/agents, .claude/agents, .cursor/agents, built-in), with warnings for what bgr will not honour")).action(
    action(async (opts: Record<string, unknown>) => {
      const scan = await scanAgents(rootOf(opts));
      const invalid = scan.invalid.map((e) => ({ source: e.source, message: e.message }));
      if (opts.json) {
        printJson({ agents: scan.agents, shadowed: scan.shadowed.map((a) => ({ name: a.name, source: a.source })), invalid });
        return;
      }
      for (const a of scan.agents) {
        process.stdout.write(`${a.name}  (${a.source})  model: ${a.model}  tools: ${a.offeredTools.join(", ") || "none"}${a.background ? "  background" : ""}${a.readonly ? "  readonly" : ""}\n`);
        if (a.description) process.stdout.write(`  ${a.description.replace(/\s+/g, " ").trim()}\n`);
        for (const warning of a.warnings) process.stdout.write(`  warning: ${warning}\n`);
      }
      for (const a of scan.shadowed) process.stdout.write(`shadowed: ${a.name} (${a.source})\n`);
      // A broken file is a warning here (the listing still works) and exit 2 when a run names it.
      for (const e of invalid) process.stdout.write(`warning: invalid: ${e.message}\n`);
    }),
  );
}
