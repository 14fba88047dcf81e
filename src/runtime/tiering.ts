// Which of V8's compilers run during an audit. A cold audit is short next to
// TurboFan's warm-up: every analysis thread compiles the large evaluator
// functions afresh, they deoptimise on the many shapes of values and frames
// and compile again, and those compiles (and their garbage) take the second
// core that the other thread wanted. Measured on 2 cores, 2026-12-02,
// alternating runs: the OWASP Python audit took 2.12 s wall / 3.85 s CPU
// with baseline code only (Sparkplug, no TurboFan) against 2.62 s / 4.86 s;
// the 877-file JS corpus 4.08 s against 4.53 s when TurboFan came back after
// 1.5 s, and three copies of it (2,631 files, 11 s) were no faster with
// TurboFan back after 3 or 6 s than without it. A file over 512 KB is
// different: its one analysis runs for seconds and optimised code pays
// (three 1.4 MB sql.js builds: 16.6 s on baseline code, 9.2 s optimised).
//
// The flags must be set when the process starts: set when the pool starts,
// the same flags saved only a tenth of that (the main thread's code and the
// threads' start-up were already compiled the other way). So `bgr audit`
// and `bgr run` (a spawned run) start in baseline, and TurboFan comes back
// (process-wide, later compiles only) for a large file, after an audit has
// run for OPTIMIZE_AFTER_MS, or as soon as a run turns out to be another
// kind of work. Long-lived hosts (`bgr mcp`, `bgr ui`) keep the defaults.
import { setFlagsFromString } from "node:v8";

/** How long an audit's threads run on baseline code before TurboFan comes back: past the lengths measured above, where steady-state speed starts to count. */
export const OPTIMIZE_AFTER_MS = 10_000;

const BASELINE_COMMANDS = new Set(["audit", "run"]);
const BASELINE_FLAGS = ["--no-turbofan", "--always-sparkplug"];
const DEFAULT_FLAGS = ["--turbofan", "--no-always-sparkplug"];

/** Whether a process started as `bgr <command>` runs baseline code until told otherwise. */
export function startsInBaseline(command: string | undefined): boolean {
  return command !== undefined && BASELINE_COMMANDS.has(command);
}

/** Baseline code only; main.ts calls it before anything else is compiled. */
export function useBaseline(): void {
  for (const flag of BASELINE_FLAGS) setFlagsFromString(flag);
}

/** TurboFan back on; functions compiled to baseline so far tier up as they get hot. */
export function optimize(): void {
  for (const flag of DEFAULT_FLAGS) setFlagsFromString(flag);
}

/**
 * For the analysis threads once TurboFan is on: inlining the large evaluator
 * functions into each other made every (re)compile cost hundreds of
 * milliseconds; without it a cold audit took 13-20% less CPU (OWASP Python,
 * 2 threads) and a long-running thread's steady state is within noise.
 */
export function limitInlining(): void {
  setFlagsFromString("--no-turbo-inlining");
}

/**
 * The flags the process started with. V8 takes cached code only under the
 * flags it was made with, and the code cache is written as the command ends,
 * after any of the changes above.
 */
export function restoreStartFlags(command: string | undefined): void {
  setFlagsFromString("--turbo-inlining");
  if (startsInBaseline(command)) useBaseline();
  else optimize();
}
