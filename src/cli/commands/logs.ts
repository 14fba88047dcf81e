// `bgr logs ID [--follow]`: the run's log; --follow tails it until the run ends.
import { open } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { runnerLiveness } from "../../runtime/process.js";
import { getStatus } from "../../runtime/status.js";
import { requireRunRecord } from "../../runtime/store.js";
import { action, rootOf, withCommonOptions } from "./common.js";

/** The line the runner logs last, once the run is settled (execute.ts), whole. */
const SETTLED_LINE = /^\S+Z settled: (?:completed|failed), report [^\n]*\n/m;

/** How much of the log is on stdout, and whether the runner's last line was in it. */
interface Tail {
  offset: number;
  settled: boolean;
}

/** Copies what the log gained since `tail.offset` to stdout. */
async function pump(file: string, tail: Tail): Promise<void> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return;
  }
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, tail.offset);
      if (bytesRead === 0) return;
      const chunk = buffer.subarray(0, bytesRead);
      if (SETTLED_LINE.test(chunk.toString("utf8"))) tail.settled = true;
      process.stdout.write(chunk);
      tail.offset += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** How long the log is tailed after the run is settled, for its runner's last lines. */
const RUNNER_EXIT_GRACE_MS = 10_000;

/**
 * The runner settles the run first and logs "settled: …" after, so a run
 * seen ended may still have lines to come: they end with that line, or
 * when the runner's process does (a runner killed and settled by `status`).
 */
async function pumpUntilRunnerExits(root: string, id: string, file: string, tail: Tail): Promise<void> {
  const record = await requireRunRecord(root, id);
  const deadline = Date.now() + RUNNER_EXIT_GRACE_MS;
  while (!tail.settled && record.pid !== null && Date.now() < deadline && (await runnerLiveness(record.pid, record.pidStart)) === "alive") {
    await sleep(50);
    await pump(file, tail);
  }
  await pump(file, tail);
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command("logs")
      .description("print a run's log")
      .argument("<id>", "run id")
      .option("-f, --follow", "keep printing until the run ends"),
  ).action(
    action(async (id: string, opts: Record<string, unknown>) => {
      const root = rootOf(opts);
      const run = await getStatus(root, id);
      const file = path.join(root, run.log);
      if (opts.json) {
        const { readFile } = await import("node:fs/promises");
        const text = await readFile(file, "utf8").catch(() => "");
        process.stdout.write(`${JSON.stringify({ id: run.id, status: run.status, log: run.log, lines: text.split("\n").filter(Boolean) }, null, 2)}\n`);
        return;
      }
      const tail: Tail = { offset: 0, settled: false };
      await pump(file, tail);
      if (!opts.follow) return;
      for (;;) {
        const status = (await getStatus(root, id)).status;
        await pump(file, tail);
        if (status !== "running") break;
        await sleep(200);
      }
      await pumpUntilRunnerExits(root, id, file, tail);
    }),
  );
}
