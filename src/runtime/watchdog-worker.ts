// The watchdog's thread (see watchdog.ts). It shares no JavaScript state with
// the run; it reads the run record from disk and settles through the same
// locked path as everyone else.
import { workerData } from "node:worker_threads";
import { setLongTimeout } from "./timing.js";

interface Data {
  root: string;
  id: string;
  timeoutMs: number;
  graceMs: number;
  message: string;
  state: Int32Array;
}

const data = workerData as Data;
const SETTLING = 1;
const DONE = 2;

function kill(): void {
  try {
    process.kill(process.pid, "SIGKILL");
  } catch {
    // nothing left to kill
  }
}

async function hardStop(): Promise<void> {
  const seen = Atomics.load(data.state, 0);
  if (seen === DONE) return;
  if (seen === SETTLING) {
    // The main thread is writing the report: give it a moment, then end the process whatever it is doing.
    setTimeout(() => {
      if (Atomics.load(data.state, 0) !== DONE) kill();
    }, 800);
    return;
  }
  try {
    const { settleRun, emptyResult } = await import("./settle.js");
    const reason = `${data.message}; the run did not stop within ${Math.round(data.graceMs / 1000)}s of its timeout and its process was ended`;
    if (Atomics.load(data.state, 0) !== 0) return hardStop();
    await settleRun(data.root, data.id, { status: "failed", result: emptyResult(`The run was stopped before it finished: ${reason}.`, [reason]), reason });
  } finally {
    if (Atomics.load(data.state, 0) !== DONE) kill();
  }
}

setLongTimeout(() => {
  void hardStop();
}, data.timeoutMs + data.graceMs);
// setLongTimeout unrefs its timer; this keeps the worker alive until it fires or is terminated.
setInterval(() => undefined, 1 << 30);
