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
