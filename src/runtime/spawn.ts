// `bgr spawn`: register the run, start `bgr run` detached in its own process
// group (stdin ignored, output to the run log), return at once. Kept free of
// engine imports: its start-up time is what an orchestrator waits for.
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../protocol/ids.js";
import { registerRun, workspaceRoot } from "./register.js";
import type { RunRequest } from "./request.js";
import { processStartTime } from "./process.js";
import { updateRunRecord } from "./store.js";

/** Set in a runner's environment; the seed forbids a background agent from spawning agents. */
export const INSIDE_RUN_ENV = "BGR_RUN_ID";

export interface SpawnResult {
  id: string;
  /** Where the report will be written when the run completes (the -partial variant if it fails). */
  report: string;
  session: string | null;
  pid: number;
  log: string;
}

/** The bin the build makes (main.cjs, which starts without the ES module loader), else the compiled main.js. */
function cliMain(): string {
  const bin = fileURLToPath(new URL("../cli/main.cjs", import.meta.url));
  return existsSync(bin) ? bin : fileURLToPath(new URL("../cli/main.js", import.meta.url));
}

export async function spawnRun(request: RunRequest, opts: { cwd: string }): Promise<SpawnResult> {
  const inside = process.env[INSIDE_RUN_ENV];
  if (inside) throw new InputError(`cannot spawn from inside run ${inside}: a background agent works alone (no spawning agents)`);
  const root = await workspaceRoot(opts.cwd);
  const record = await registerRun(root, request, null, true);
  const logFd = openSync(path.join(root, record.log), "a");
  let pid: number | undefined;
  let failure: unknown;
  const main = cliMain();
  try {
    const child = spawn(process.execPath, [main, "run", "--run-record", record.id, "--cwd", root], {
      cwd: root,
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: { ...process.env, [INSIDE_RUN_ENV]: record.id },
    });
    pid = child.pid;
    child.once("error", () => undefined);
    child.unref();
  } catch (error) {
    failure = error;
  } finally {
    closeSync(logFd);
  }
  if (pid === undefined) {
    const reason = `could not start the runner (${process.execPath} ${main}): ${(failure as Error)?.message ?? "no pid"}`;
    // Settled at once so the session never shows a run that nobody is running.
    const { settleRun, emptyResult } = await import("./settle.js");
    await settleRun(root, record.id, { status: "failed", result: emptyResult(`The run could not start: ${reason}.`, [reason]), reason });
    throw new Error(`${record.id}: ${reason}`);
  }
  // Recorded here as well as by the runner: a runner that dies before it gets going (a broken install) is then seen dead at once.
  const started = pid;
  const pidStart = await processStartTime(started);
  await updateRunRecord(root, record.id, (r) =>
    r.status !== "running" || (r.pid === started && r.pidStart === pidStart) ? undefined : { ...r, pid: started, ...(pidStart ? { pidStart } : {}) },
  );
  return { id: record.id, report: record.report, session: record.session, pid, log: record.log };
}
