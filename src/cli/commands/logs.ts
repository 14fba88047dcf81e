// `bgr logs ID [--follow]`: the run's log; --follow tails it until the run ends.
import { open } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { runnerLiveness } from "../../runtime/process.js";
import { getStatus } from "../../runtime/status.js";
import { requireRunRecord } from "../../runtime/store.js";
import { action, rootOf, withCommonOptions } from "./common.js";

/** The line the runner logs last, once the run is settled (execute.ts). */
const SETTLED_LINE = /^\S+Z settled: (?:completed|failed), report /m;

let sawSettledLine = false;

/** Copies bytes from `offset` to stdout; returns the new offset. */
async function pump(file: string, offset: number): Promise<number> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return offset;
  }
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) return offset;
      const chunk = buffer.subarray(0, bytesRead);
      if (SETTLED_LINE.test(chunk.toString("utf8"))) sawSettledLine = true;
      process.stdout.write(chunk);
      offset += bytesRead;
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
async function pumpUntilRunnerExits(root: string, id: string, file: string, offset: number): Promise<void> {
  const record = await requireRunRecord(root, id);
  const deadline = Date.now() + RUNNER_EXIT_GRACE_MS;
  while (!sawSettledLine && record.pid !== null && Date.now() < deadline && (await runnerLiveness(record.pid, record.pidStart)) === "alive") {
    await sleep(50);
    offset = await pump(file, offset);
  }
  await pump(file, offset);
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
      let offset = await pump(file, 0);
      if (!opts.follow) return;
      for (;;) {
        const status = (await getStatus(root, id)).status;
        offset = await pump(file, offset);
        if (status !== "running") break;
        await sleep(200);
      }
      await pumpUntilRunnerExits(root, id, file, offset);
    }),
  );
}
