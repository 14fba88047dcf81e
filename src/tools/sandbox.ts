// The workspace is the only place a run may read, and every path a task,
// prompt or model hands us passes through here first. Refusing is cheaper
// than explaining later why an audit read ~/.ssh.
import { realpathSync } from "node:fs";
import path from "node:path";

export class SandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxError";
  }
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The deepest existing ancestor's real path, plus the not-yet-existing rest. */
export function realpathAllowingMissing(absolute: string): string {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ELOOP") throw new SandboxError(`path ${JSON.stringify(absolute)} is a symbolic link loop (a link that leads back to itself): remove the link or name its target`);
      if (code === "EACCES") throw new SandboxError(`path ${JSON.stringify(absolute)} cannot be resolved: permission denied on a folder on the way`);
      if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Resolves a user-given path (relative to the workspace, or absolute inside
 * it) to an absolute path that is guaranteed to stay inside the workspace,
 * symlinks included. Paths that do not exist yet are allowed (for writes).
 */
export function resolveInside(root: string, userPath: string): string {
  if (typeof userPath !== "string" || userPath.trim() === "") {
    throw new SandboxError("empty path: give a file path inside the workspace");
  }
  if (userPath.includes("\0")) {
    throw new SandboxError(`path ${JSON.stringify(userPath)} contains a NUL byte`);
  }
  const realRoot = realpathSync(root);
  const lexical = path.resolve(realRoot, userPath);
  if (!isInside(realRoot, lexical) && !isInside(path.resolve(root), path.resolve(root, userPath))) {
    throw new SandboxError(
      `path ${JSON.stringify(userPath)} is outside the workspace ${realRoot}: use a path inside it`,
    );
  }
  // A path given against the unresolved root (e.g. /tmp vs /private/tmp) is re-based.
  const rebased = isInside(realRoot, lexical)
    ? lexical
    : path.join(realRoot, path.relative(path.resolve(root), path.resolve(root, userPath)));
  let real: string;
  try {
    real = realpathAllowingMissing(rebased);
  } catch (error) {
    if (error instanceof SandboxError && /symbolic link loop/.test(error.message)) {
      throw new SandboxError(`path ${JSON.stringify(userPath)} is a symbolic link loop (a link that leads back to itself): remove the link or name its target`);
    }
    throw error;
  }
  if (!isInside(realRoot, real)) {
    throw new SandboxError(
      `path ${JSON.stringify(userPath)} leads outside the workspace through a symbolic link (to ${real}): refused`,
    );
  }
  return rebased;
}

/** Workspace-relative, forward slashes: the form every finding and report uses. */
export function toWorkspacePath(root: string, absolute: string): string {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = path.resolve(root);
  }
  const base = isInside(realRoot, absolute) ? realRoot : path.resolve(root);
  return path.relative(base, absolute).split(path.sep).join("/");
}
