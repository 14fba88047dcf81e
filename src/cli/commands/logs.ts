// `bgr logs ID [--follow]`: the run's log; --follow tails it until the run ends.
import { open } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import { getStatus } from "../../runtime/status.js";
import { action, rootOf, withCommonOptions } from "./common.js";

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
      process.stdout.write(buffer.subarray(0, bytesRead));
      offset += bytesRead;
    }
  } finally {
    await handle.close();
  }
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
        if (status !== "running") return;
        await sleep(200);
      }
    }),
  );
}
