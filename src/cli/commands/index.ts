// Every command module registers itself here, one line each, so that main.ts
// stays a few lines and adding a command never touches another's file.
import type { Command } from "commander";

type Register = (program: Command) => void;

const modules: Array<() => Promise<{ register: Register }>> = [
  // e.g. () => import("./audit.js"),
  () => import("./spawn.js"),
  () => import("./run.js"),
  () => import("./status.js"),
  () => import("./list.js"),
  () => import("./wait.js"),
  () => import("./cancel.js"),
  () => import("./logs.js"),
  () => import("./reports.js"),
  () => import("./ack.js"),
  () => import("./check.js"),
  () => import("./agents.js"),
  () => import("./review.js"),
  () => import("./coverage.js"),
  () => import("./audit.js"),
  () => import("./mcp.js"),
  () => import("./ui.js"),
];

export async function registerCommands(program: Command): Promise<void> {
  for (const load of modules) (await load()).register(program);
}
