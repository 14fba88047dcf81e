// The folder engines cache into (.agents/cache/<kind>): created on demand,
// refused when it resolves outside the workspace (a symlinked .agents/cache
// must not carry writes elsewhere), and given a `.gitignore` of `*` so a cache
// is never committed by accident.
import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CACHE_DIR } from "../protocol/ids.js";

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** Creates `dir`; false when it (after every symlink) is not inside the workspace `root`. */
export function ensureCacheDir(dir: string, root: string): boolean {
  const realRoot = realpathSync(root);
  // The deepest folder that exists decides where mkdir would land: a symlink out of the workspace stops it first.
  let existing = path.resolve(dir);
  while (!existsSync(existing)) existing = path.dirname(existing);
  if (!inside(realpathSync(existing), realRoot)) return false;
  mkdirSync(dir, { recursive: true });
  if (!inside(realpathSync(dir), realRoot)) return false;
  const cacheRoot = path.join(root, CACHE_DIR);
  if (inside(path.resolve(dir), path.resolve(cacheRoot))) {
    try {
      writeFileSync(path.join(cacheRoot, ".gitignore"), "# Written by bgr: caches are per machine and never committed.\n*\n", { flag: "wx" });
    } catch {
      // Already there (or not writable): either way nothing of anyone's is replaced.
    }
  }
  return true;
}
