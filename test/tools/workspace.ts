// Temp workspaces for the tool tests: real files, real symlinks, a real
// sibling directory outside the root to escape to.
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ToolContext } from "../../src/tools/index.js";

export interface TempWorkspace {
  /** Real path of the workspace root. */
  root: string;
  /** A directory next to the root, outside the workspace. */
  outside: string;
  write(relative: string, content: string | Uint8Array): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeWorkspace(files: Record<string, string> = {}): Promise<TempWorkspace> {
  const parent = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-tools-")));
  const root = path.join(parent, "ws");
  const outside = path.join(parent, "outside");
  await mkdir(root);
  await mkdir(outside);
  const write = async (relative: string, content: string | Uint8Array) => {
    const absolute = path.join(root, relative);
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, content);
    return absolute;
  };
  for (const [relative, content] of Object.entries(files)) await write(relative, content);
  return { root, outside, write, cleanup: () => rm(parent, { recursive: true, force: true }) };
}

export function readOnlyContext(root: string): ToolContext {
  return { root, canWrite: () => false };
}

export function writableContext(root: string, allowed: (relative: string) => boolean = () => true): ToolContext {
  return { root, canWrite: allowed };
}
