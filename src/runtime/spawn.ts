// `bgr spawn`: register the run, start `bgr run` detached in its own process
// group (stdin ignored, output to the run log), return at once. Kept free of
// engine imports: its start-up time is what an orchestrator waits for.
import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../protocol/ids.js";
import { registerRun, workspaceRoot } from "./register.js";
import type { RunRequest } from "./request.js";
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

const CLI_MAIN = fileURLToPath(new URL("../cli/main.js", import.meta.url));

export async function spawnRun(request: RunRequest, opts: { cwd: string }): Promise<SpawnResult> {
  const inside = process.env[INSIDE_RUN_ENV];
  if (inside) throw new InputError(`cannot spawn from inside run ${inside}: a background agent works alone (no spawning agents)`);
  const root = await workspaceRoot(opts.cwd);
  const record = await registerRun(root, request, null, true);
  const logFd = openSync(path.join(root, record.log), "a");
  let pid: number | undefined;
  try {
    const child = spawn(process.execPath, [CLI_MAIN, "run", "--run-record", record.id, "--cwd", root], {
      cwd: root,
      detached: true,
      stdio: ["ignore", logFd, logFd],
      env: { ...process.env, [INSIDE_RUN_ENV]: record.id },
    });
    pid = child.pid;
    child.unref();
  } finally {
    closeSync(logFd);
  }
  if (pid === undefined) throw new Error(`could not start the runner for ${record.id} (${process.execPath} ${CLI_MAIN})`);
  const started = pid;
  // The runner also records its pid when it starts; whichever write lands first, the value is the same.
  await updateRunRecord(root, record.id, (r) => (r.pid === started ? undefined : { ...r, pid: started }));
  return { id: record.id, report: record.report, session: record.session, pid: started, log: record.log };
}
