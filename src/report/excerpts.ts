// The lines of source around each finding and each step of its trace, for
// renderers that show code (the dashboard, the self-contained HTML file).
// Read through the sandbox: only regular files inside the workspace, under a
// size cap, so a finding that names a FIFO or a huge file costs nothing.
import { readFileSync, statSync } from "node:fs";
import { resolveInside } from "../tools/sandbox.js";

const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

export type Excerpts = Record<string, Record<number, string>>;

interface Located {
  file?: unknown;
  line?: unknown;
  trace?: unknown;
}

/** A regular file inside the workspace, under the size cap; anything else is undefined. */
export function readWorkspaceText(root: string, file: string): string | undefined {
  try {
    const absolute = resolveInside(root, file);
    const info = statSync(absolute);
    if (!info.isFile() || info.size > MAX_SOURCE_BYTES) return undefined;
    return readFileSync(absolute, "utf8");
  } catch {
    return undefined;
  }
}

export function sourceExcerpts(root: string, findings: readonly Located[], context = 3): Excerpts {
  const wanted = new Map<string, Set<number>>();
  const want = (file: unknown, line: unknown): void => {
    if (typeof file !== "string" || typeof line !== "number" || line < 1) return;
    const set = wanted.get(file) ?? new Set<number>();
    for (let l = Math.max(1, line - context); l <= line + context; l++) set.add(l);
    wanted.set(file, set);
  };
  for (const finding of findings) {
    want(finding.file, finding.line);
    if (Array.isArray(finding.trace)) for (const step of finding.trace as Located[]) want(step.file, step.line);
  }
  const excerpts: Excerpts = {};
  for (const [file, lines] of wanted) {
    const text = readWorkspaceText(root, file);
    if (text === undefined) continue;
    const all = text.split("\n");
    const out: Record<number, string> = {};
    for (const line of lines) if (line <= all.length) out[line] = all[line - 1]!;
    excerpts[file] = out;
  }
  return excerpts;
}
