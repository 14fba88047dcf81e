// Diff coverage: of the lines added or changed since a base revision, how many
// ran under test. Uses `git diff -U0 BASE`, i.e. the working tree against the
// base, so uncommitted edits count as changed too.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export class DiffError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DiffError";
  }
}

/** Changed line numbers (new side) per workspace-relative file. */
export type ChangedLines = Map<string, number[]>;

export function parseUnifiedDiff(diff: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let current: number[] | undefined;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++ ")) {
      const target = line.slice(4).trim();
      if (target === "/dev/null") {
        current = undefined;
        continue;
      }
      const file = unquote(target).replace(/^b\//, "");
      current = changed.get(file) ?? [];
      changed.set(file, current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) current.push(n);
    }
  }
  for (const [file, lines] of changed) if (lines.length === 0) changed.delete(file);
  return changed;
}

/** git quotes paths with unusual bytes as C strings: "b/caf\303\251.js". */
function unquote(target: string): string {
  if (!target.startsWith('"')) return target;
  const body = target.slice(1, -1).replace(/\\([0-7]{3})|\\(.)/g, (_, octal: string | undefined, ch: string | undefined) =>
    octal ? String.fromCharCode(parseInt(octal, 8)) : ch === "n" ? "\n" : ch === "t" ? "\t" : (ch ?? ""),
  );
  return Buffer.from(body, "latin1").toString("utf8");
}

export async function changedLinesSince(root: string, base: string, signal: AbortSignal): Promise<ChangedLines> {
  if (base.startsWith("-")) throw new DiffError(`--base ${base}: not a revision: give a branch, tag or commit`);
  try {
    await run("git", ["rev-parse", "--verify", "--quiet", `${base}^{commit}`], { cwd: root, signal });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DiffError("diff coverage needs git, which is not installed: install git or drop --base");
    if (signal.aborted) throw error;
    throw new DiffError(`--base ${base}: unknown revision in ${root}: give a branch, tag or commit that exists (is this a git repository?)`);
  }
  const { stdout } = await run(
    "git",
    ["-c", "core.quotePath=true", "diff", "-U0", "--relative", "--no-color", "--no-ext-diff", "--no-renames", base, "--"],
    { cwd: root, signal, maxBuffer: 256 * 1024 * 1024 },
  );
  return parseUnifiedDiff(stdout);
}
