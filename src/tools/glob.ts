// Glob: file discovery through the same walker every engine uses, so the
// model sees the project the way the engines do (.gitignore honored, never
// .git, node_modules or bgr's own .agents).
import { stat } from "node:fs/promises";
import picomatch from "picomatch";
import { z } from "zod";
import { resolveInside, toWorkspacePath } from "./sandbox.js";
import { listFiles } from "./walk.js";
import type { ToolContext, ToolDefinition } from "./index.js";

export const GLOB_MAX_RESULTS = 1000;

export const globInput = z
  .object({
    pattern: z
      .string()
      .min(1)
      .describe('Glob pattern relative to `path`, e.g. "**/*.py", "src/**/*.{ts,tsx}", "*.md".'),
    path: z.string().min(1).optional().describe("Directory to search in, relative to the workspace root (default: the root)."),
  })
  .strict();

export type GlobInput = z.infer<typeof globInput>;

/** Resolves an optional search directory; "" stands for the workspace root. */
export async function resolveSearchDir(root: string, dir: string | undefined): Promise<{ relative: string; isFile: boolean }> {
  if (dir === undefined) return { relative: "", isFile: false };
  const absolute = resolveInside(root, dir);
  const relative = toWorkspacePath(root, absolute);
  try {
    const info = await stat(absolute);
    return { relative, isFile: info.isFile() };
  } catch {
    throw new Error(`${relative || "."} does not exist: give a directory inside the workspace`);
  }
}

/** A matcher for globs written relative to `base` and applied to workspace paths. */
export function globMatcher(
  patterns: string[],
  base: string,
  options: { matchBasename?: boolean } = {},
): (workspacePath: string) => boolean {
  for (const pattern of patterns) {
    if (pattern.startsWith("/") || pattern.split("/").includes("..")) {
      throw new Error(`glob ${JSON.stringify(pattern)} must be relative and stay inside the search path: drop the leading "/" or ".."`);
    }
  }
  // matchBasename: "*.py" as an include filter means any .py below the base, as with grep --include.
  // Done by hand because picomatch's own `basename` option stops slash patterns from matching.
  const byName = options.matchBasename ? patterns.filter((p) => !p.includes("/")) : [];
  const byPath = patterns.filter((p) => !byName.includes(p));
  const matchName = byName.length > 0 ? picomatch(byName, { dot: true }) : () => false;
  const matchPath = byPath.length > 0 ? picomatch(byPath, { dot: true }) : () => false;
  const prefix = base === "" ? "" : `${base}/`;
  return (workspacePath) => {
    if (!workspacePath.startsWith(prefix)) return false;
    const relative = workspacePath.slice(prefix.length);
    return matchPath(relative) || matchName(relative.slice(relative.lastIndexOf("/") + 1));
  };
}

async function executeGlob(input: GlobInput, ctx: ToolContext): Promise<string> {
  const base = await resolveSearchDir(ctx.root, input.path);
  if (base.isFile) throw new Error(`${base.relative} is a file, not a directory: pass its folder as path`);
  const matches = globMatcher([input.pattern], base.relative);
  const files = await listFiles(ctx.root, {
    scope: base.relative === "" ? [] : [base.relative],
    skipGenerated: false,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const found = files.filter(matches);
  if (found.length === 0) return `No files match ${input.pattern}${base.relative ? ` in ${base.relative}` : ""}`;
  const shown = found.slice(0, GLOB_MAX_RESULTS);
  if (found.length > shown.length) {
    shown.push(`(${found.length - shown.length} more not shown: narrow the pattern or the path)`);
  }
  return shown.join("\n");
}

export const globTool: ToolDefinition<typeof globInput> = {
  name: "Glob",
  description:
    "List workspace files matching a glob pattern (picomatch syntax: *, **, {a,b}, [abc]). Paths are relative to the " +
    "workspace root, sorted. Files ignored by .gitignore, and .git, node_modules and .agents, are not listed. " +
    `At most ${GLOB_MAX_RESULTS} results.`,
  inputSchema: globInput,
  readonly: true,
  execute: executeGlob,
};
