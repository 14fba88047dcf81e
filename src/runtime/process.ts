// Is a run's recorded pid still that runner? A pid alone can be reused after
// the runner dies (or after a reboot); on Linux the process start time from
// /proc tells the original from an impostor.
import { readFile } from "node:fs/promises";

async function procStat(pid: number): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat (clock ticks since boot), or undefined where /proc is unavailable. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  return (await procStat(pid))?.[19];
}

export type Liveness = "alive" | "dead" | "unknown";

export async function runnerLiveness(pid: number, startTime: string | undefined): Promise<Liveness> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return "dead";
  }
  const fields = await procStat(pid);
  if (!fields) return "unknown";
  if (fields[0] === "Z" || fields[0] === "X") return "dead";
  if (startTime === undefined) return "unknown";
  return fields[19] === startTime ? "alive" : "dead";
}
