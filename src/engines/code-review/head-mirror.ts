// External analysers (the security engine, ESLint, ruff, flake8) read files
// from disk, but the reviewed side of a change is not always what is on disk:
// a commit range with uncommitted edits on top, the index with unstaged
// edits, or a branch that is not checked out. Then the reviewed versions of
// the changed files, with the lint configs of that same side and bgr's own
// config from the workspace, are written to a temporary directory laid out
// like the repository; everything else in the folders on the way to them is
// linked from the workspace (packages, local lint plugins, modules a typed
// lint rule imports). The tools run there; their workspace-relative paths
// are the repository's.
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CONFIG_FILES } from "../../runtime/config.js";
import { resolveInside } from "../../tools/sandbox.js";
import type { ReviewContext, ReviewFile } from "./context.js";

/** Configuration the tools look for next to (or above) the files they check. */
const TOOL_CONFIG_NAMES = [
  "eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", "eslint.config.mts", "eslint.config.cts",
  ".eslintrc", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml", ".eslintrc.yaml", ".eslintignore",
  // package.json carries "type" (how a .js config loads) and eslintConfig; tsconfig feeds typed lint rules.
  "package.json", "tsconfig.json",
  "ruff.toml", ".ruff.toml", "pyproject.toml", ".flake8", "setup.cfg", "tox.ini",
  ".gitignore",
];

export interface AnalysisRoot {
  /** Absolute real path the tools run in: the workspace, or the temporary mirror. */
  dir: string;
  /** True when dir is a mirror of the reviewed side, not the workspace. */
  mirrored: boolean;
  /** Files whose reviewed text differs from the working tree (why a mirror was needed). */
  differing: number;
  dispose(): Promise<void>;
}

function workingTreeText(root: string, relative: string): string | undefined {
  try {
    return readFileSync(resolveInside(root, relative), "utf8");
  } catch {
    return undefined;
  }
}

/** Every directory from the root down to each file's folder, "" being the root. */
function ancestorDirs(paths: string[]): string[] {
  const dirs = new Set<string>([""]);
  for (const file of paths) {
    const parts = file.split("/").slice(0, -1);
    for (let depth = 1; depth <= parts.length; depth++) dirs.add(parts.slice(0, depth).join("/"));
  }
  return [...dirs];
}

function toolConfigPaths(dirs: string[]): string[] {
  return dirs.flatMap((dir) => TOOL_CONFIG_NAMES.map((name) => (dir ? `${dir}/${name}` : name)));
}

/** Never linked into a mirror: git's own data, and bgr's reports and caches. */
const NOT_LINKED = new Set([".git", ".agents"]);
const TOOL_CONFIGS = new Set(TOOL_CONFIG_NAMES);

/**
 * Links the workspace entries beside the written ones in every folder on the
 * way to them. Tool configs are left out: the reviewed side's (written) apply,
 * not a working-tree config the reviewed side does not have.
 */
async function linkSiblings(root: string, mirror: string, dirs: string[], written: Set<string>): Promise<void> {
  const onTheWay = new Set(dirs);
  for (const dir of dirs) {
    let entries;
    try {
      entries = await readdir(resolveInside(root, dir || "."), { withFileTypes: true });
    } catch {
      continue; // a folder only the reviewed side has
    }
    for (const entry of entries) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (written.has(relative) || onTheWay.has(relative) || TOOL_CONFIGS.has(entry.name) || (dir === "" && NOT_LINKED.has(entry.name))) continue;
      await symlink(path.join(root, relative), path.join(mirror, relative), entry.isDirectory() ? "junction" : "file");
    }
  }
}

async function writeInside(mirror: string, relative: string, text: string): Promise<void> {
  const target = resolveInside(mirror, relative);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, text);
}

/**
 * Where the external tools should run for these files: the workspace when
 * every file there is exactly the reviewed text, else a fresh mirror of the
 * reviewed side (the caller disposes of it).
 */
export async function analysisRoot(ctx: ReviewContext, files: ReviewFile[]): Promise<AnalysisRoot> {
  const differing = files.filter((file) => workingTreeText(ctx.root, file.path) !== file.newText).length;
  if (differing === 0) return { dir: ctx.root, mirrored: false, differing, dispose: async () => undefined };

  const mirror = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-review-head-")));
  const dispose = () => rm(mirror, { recursive: true, force: true });
  try {
    const written = new Set<string>();
    const write = async (relative: string, text: string) => {
      await writeInside(mirror, relative, text);
      written.add(relative);
    };
    for (const file of files) await write(file.path, file.newText ?? "");
    const dirs = ancestorDirs(files.map((file) => file.path));
    const configs = await ctx.change.readNewSide(toolConfigPaths(dirs).filter((relative) => !written.has(relative)));
    for (const [relative, text] of configs) await write(relative, text);
    // bgr's own settings (exclude, rules.disable) are the ones this review loaded: the workspace's.
    for (const relative of CONFIG_FILES) {
      const text = workingTreeText(ctx.root, relative);
      if (text !== undefined) await write(relative, text);
    }
    await linkSiblings(ctx.root, mirror, dirs, written);
  } catch (error) {
    await dispose();
    throw error;
  }
  ctx.log(`external analysers run on a mirror of ${ctx.change.headLabel} (${differing} file(s) differ from the working tree): ${mirror}`);
  return { dir: mirror, mirrored: true, differing, dispose };
}
