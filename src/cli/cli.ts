// Every command but the bundled `spawn` (see main.ts). A command named on the
// command line loads only its own module, so `bgr status` never pays for the
// engines and `bgr audit` not for the dashboard or the MCP server; `bgr --help`,
// `bgr help …` and an unknown command load every registered command.
import type { Command } from "commander";
import { runEntry } from "./program.js";

type Loader = () => Promise<{ register(program: Command): void }>;

const FAST_PATH: Record<string, Loader> = {
  run: () => import("./commands/run.js"),
  status: () => import("./commands/status.js"),
  list: () => import("./commands/list.js"),
  wait: () => import("./commands/wait.js"),
  cancel: () => import("./commands/cancel.js"),
  logs: () => import("./commands/logs.js"),
  reports: () => import("./commands/reports.js"),
  ack: () => import("./commands/ack.js"),
  check: () => import("./commands/check.js"),
  agents: () => import("./commands/agents.js"),
  config: () => import("./commands/config.js"),
  audit: () => import("./commands/audit.js"),
  review: () => import("./commands/review.js"),
  coverage: () => import("./commands/coverage.js"),
  mcp: () => import("./commands/mcp.js"),
  ui: () => import("./commands/ui.js"),
};

/** Commands whose work is over when their action returns (see exitWhenFlushed). */
const EXITS_WHEN_DONE = new Set(["audit", "review", "coverage"]);

runEntry(async (program) => {
  const first = process.argv[2];
  const fast = first !== undefined ? FAST_PATH[first] : undefined;
  if (fast) {
    (await fast()).register(program);
  } else {
    const { registerCommands } = await import("./commands/index.js");
    await registerCommands(program);
  }
}, EXITS_WHEN_DONE.has(process.argv[2] ?? ""));
