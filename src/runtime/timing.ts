// Intervals and grace periods, overridable through the environment so that
// tests and slow machines can tune them without new flags.
export function envMs(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`environment variable ${name}=${JSON.stringify(raw)}: give a positive number of milliseconds`);
  }
  return value;
}

/** Node fires a setTimeout over 2^31-1 ms at once; longer waits are chained under that bound. */
export const MAX_TIMER_MS = 2_147_483_647;

export interface LongTimer {
  clear(): void;
}

/** setTimeout for any duration (`--timeout 597h` is 25 days); unref'd like the timers it replaces. */
export function setLongTimeout(fn: () => void, ms: number): LongTimer {
  let timer: NodeJS.Timeout;
  const deadline = Date.now() + ms;
  const arm = () => {
    const left = deadline - Date.now();
    timer = setTimeout(left > MAX_TIMER_MS ? arm : fn, Math.max(0, Math.min(left, MAX_TIMER_MS)));
    timer.unref();
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
