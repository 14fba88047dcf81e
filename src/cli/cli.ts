// Every command but the bundled `spawn` (see main.ts). The runtime's own
// commands load only their module, so `bgr status` never pays for the
// engines; anything else, and `bgr --help`, loads every registered command.
import type { Command } from "commander";
import { createProgram, runProgram } from "./program.js";

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
};

async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  const first = argv.slice(2)[0];
  const fast = first !== undefined ? FAST_PATH[first] : undefined;
  if (fast) {
    (await fast()).register(program);
  } else {
    const { registerCommands } = await import("./commands/index.js");
    await registerCommands(program);
  }
  return runProgram(program, argv);
}

process.exitCode = await main(process.argv).catch((error: unknown) => {
  process.stderr.write(`bgr: ${(error as Error)?.message ?? String(error)}\n`);
  return 1;
});
