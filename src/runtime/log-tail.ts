// The last lines of a run's log, read from the end of the file so a run that
// logged gigabytes costs one bounded read, wherever a tail is shown (a dead
// run's report, the dashboard's log view).
import { open } from "node:fs/promises";
import { resolveInside } from "../tools/sandbox.js";

const TAIL_BYTES = 64 * 1024;

async function readEnd(absolute: string, bytes: number): Promise<string> {
  const handle = await open(absolute, "r");
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString("utf8");
    // A cut through the middle of a line shows half a line: drop it.
    return start > 0 ? text.slice(text.indexOf("\n") + 1) : text;
  } finally {
    await handle.close();
  }
}

/** Up to `lines` last lines of the workspace-relative log; "" when it cannot be read. */
export async function logTail(root: string, log: string, lines: number): Promise<string> {
  try {
    const text = await readEnd(resolveInside(root, log), TAIL_BYTES);
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
