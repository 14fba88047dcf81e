// A run's --timeout is kept by the run's own event loop (execute.ts) and,
// as a backstop, by a watchdog on a worker thread. The event loop can be
// stuck — a synchronous read that never returns, a pathological regex in an
// engine — and then no timer of its fires; the worker's still does. When the
// run has not begun settling HARD_STOP_AFTER_MS after its timeout, the worker
// settles it as failed and kills the process, so a timeout always ends the
// run within 5 seconds.
import { Worker } from "node:worker_threads";

// The build's bundle (scripts/bundle-commands.mjs) defines this as true.
declare const BGR_BUNDLED: boolean | undefined;

/**
 * The worker's file is tsc's output next to this module; bundled, this code
 * runs from dist/src/bundle/, where a sibling ./watchdog-worker.js does not
 * exist and the worker would fail to start with nobody noticing.
 */
function workerScript(): URL {
  return typeof BGR_BUNDLED !== "undefined" && BGR_BUNDLED ? new URL("../runtime/watchdog-worker.js", import.meta.url) : new URL("./watchdog-worker.js", import.meta.url);
}

/** After the timeout: the engine gets BGR_STOP_GRACE_MS (2 s) to return, settling takes the rest, the watchdog acts at 4 s. */
export const HARD_STOP_AFTER_MS = 4_000;

/** Shared with the worker: 0 running, 1 settling (the main thread got there), 2 done. */
export const STATE_RUNNING = 0;
export const STATE_SETTLING = 1;
export const STATE_DONE = 2;

export interface WatchdogOptions {
  root: string;
  id: string;
  timeoutMs: number;
  graceMs: number;
  message: string;
}

export interface Watchdog {
  /** The main thread is settling the run itself. */
  settling(): void;
  stop(): Promise<void>;
}

export function startWatchdog(opts: WatchdogOptions): Watchdog {
  const state = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker | undefined;
  try {
    worker = new Worker(workerScript(), {
      workerData: { ...opts, state },
      // The worker needs no stdin and must never hold the process open on its own.
      stdin: false,
    });
    worker.unref();
    worker.on("error", () => undefined);
  } catch {
    worker = undefined; // without threads the event-loop timer still stands
  }
  return {
    settling: () => {
      Atomics.store(state, 0, STATE_SETTLING);
    },
    stop: async () => {
      Atomics.store(state, 0, STATE_DONE);
      await worker?.terminate().catch(() => undefined);
    },
  };
}
