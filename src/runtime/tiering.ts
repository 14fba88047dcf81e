// Which of V8's compilers run during an audit. A cold audit is short next to
// TurboFan's warm-up: every analysis thread compiles the large evaluator
// functions afresh, they deoptimise on the many shapes of values and frames
// and compile again, and those compiles (and their garbage) take the second
// core that the other thread wanted. Measured on 2 cores, 2026-12-02,
// alternating runs, code cache off: the OWASP Python audit took 2.12 s wall /
// 3.85 s CPU with baseline code only (Sparkplug, no TurboFan) against
// 2.62 s / 4.86 s, and the 877-file JS corpus 4.6 s against 4.9 s.
//
// The flags must be set when the process starts: set when the pool starts,
// the same flags saved only a tenth of that (the main thread's code and the
// threads' start-up were already compiled the other way). So `bgr audit`
// and `bgr run` (a spawned run) start in baseline, and TurboFan comes back
// (process-wide, later compiles only) once an audit's threads have analysed
// enough source for its warm-up to pay, or as soon as a run turns out to
// be another kind of work. Long-lived hosts (`bgr mcp`, `bgr ui`) never
// change the defaults.
import { setFlagsFromString } from "node:v8";

/** Source analysed per thread after which optimised code pays for its compiles (see above). */
export const OPTIMIZE_AFTER_BYTES_PER_THREAD = 4 * 1024 * 1024;

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
  for (const flag of startsInBaseline(command) ? BASELINE_FLAGS : DEFAULT_FLAGS) setFlagsFromString(flag);
}
