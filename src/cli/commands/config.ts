// `bgr config`: the effective project configuration, each value with where it
// came from (default, the environment, or file:line), after the same checks
// every run applies; a broken file is its one-line error and exit 2.
import type { Command } from "commander";
import { effectiveConfig, loadConfig } from "../../runtime/config.js";
import { action, printJson, rootOf, withCommonOptions } from "./common.js";

export function register(program: Command): void {
  withCommonOptions(
    program
      .command("config")
      .description("print the effective configuration (.agents/config.yaml or bgr.config.yaml|json) and where each value came from"),
  ).action(
    action(async (opts: Record<string, unknown>) => {
      const config = await loadConfig(rootOf(opts));
      const entries = effectiveConfig(config);
      if (opts.json) {
        printJson({ source: config.source ?? null, settings: entries });
        return;
      }
      process.stdout.write(`# ${config.source ? `from ${config.source}` : "no config file (looked for .agents/config.yaml, bgr.config.yaml|yml|json): defaults"}\n`);
      const width = Math.max(...entries.map((e) => e.key.length));
      for (const entry of entries) {
        const value = typeof entry.value === "string" ? entry.value : JSON.stringify(entry.value);
        process.stdout.write(`${entry.key.padEnd(width)}  ${value}  (${entry.from})\n`);
      }
    }),
  );
}
