#!/usr/bin/env node
// bgr's entry point. The runtime's own commands load only their module (an
// orchestrator waits on `bgr spawn`, so it must not pay for the engines);
// anything else, and `bgr --help`, loads every registered command.
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";

type Loader = () => Promise<{ register(program: Command): void }>;

const FAST_PATH: Record<string, Loader> = {
  spawn: () => import("./commands/spawn.js"),
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
};

async function main(argv: string[]): Promise<number> {
  const program = new Command("bgr")
    .description("the background runner: hands slow, non-interactive work to a runner that writes a structured report and settles the session")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`bgr: ${text.replace(/^error: /, "")}`) });
  const first = argv.slice(2)[0];
  const fast = first !== undefined ? FAST_PATH[first] : undefined;
  if (fast) {
    (await fast()).register(program);
  } else {
    const { registerCommands } = await import("./commands/index.js");
    await registerCommands(program);
  }
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bgr: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
