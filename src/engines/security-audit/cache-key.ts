// The per-machine key that signs audit caches. It lives outside every
// workspace ($XDG_CACHE_HOME/bgr or ~/.cache/bgr, mode 0600), so a cache
// committed to a repository or edited in place cannot carry a valid MAC.
import { randomBytes } from "node:crypto";
import { fstatSync, linkSync, mkdirSync, openSync, closeSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** Where the key is kept: an absolute $XDG_CACHE_HOME, else ~/.cache. */
export function machineKeyPath(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
  return path.join(base, "bgr", "cache-key");
}

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function readKey(file: string): Buffer | undefined {
  const fd = openSync(file, "r");
  try {
    const info = fstatSync(fd);
    // A key others can read or write could sign a forged cache.
    if (!info.isFile() || (info.mode & 0o077) !== 0) return undefined;
    if (typeof process.getuid === "function" && info.uid !== process.getuid()) return undefined;
    const hex = readFileSync(fd, "utf8").trim();
    return /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, "hex") : undefined;
  } finally {
    closeSync(fd);
  }
}

function createKey(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, `${randomBytes(32).toString("hex")}\n`, { flag: "wx", mode: 0o600 });
  try {
    // link() fails if another process made the key first; then theirs is used, and no reader ever sees half a key.
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * The machine key, created on first use; undefined (no cache) when it cannot
 * be created or read safely, or when it would sit inside the workspace. Read
 * on every open (one small file): a key whose mode changed is caught at once.
 */
export function machineCacheKey(root: string): Buffer | undefined {
  const file = machineKeyPath();
  if (isInside(realOrResolved(file), realOrResolved(root)) || isInside(path.resolve(file), path.resolve(root))) return undefined;
  try {
    let key: Buffer | undefined;
    try {
      key = readKey(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") return undefined;
      createKey(file);
      key = readKey(file);
    }
    return key;
  } catch {
    return undefined;
  }
}
