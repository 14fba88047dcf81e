// Runs one of the build's classic-script bundles (dist/src/bundle/*.cjs)
// with V8's code cache, so a command does not parse and compile the same
// bundle again on every start. Node 20 has no module compile cache, and
// V8 takes cached code only for classic scripts (vm.Script's cachedData),
// not for ES modules; `module.enableCompileCache` (Node >= 22.1) does not
// see code run through vm either, so this is the one mechanism on every Node.
//
// The cache lives in bgr's own folder outside every workspace
// ($XDG_CACHE_HOME/bgr/code-cache or ~/.cache/bgr/code-cache, 0700, files
// 0600), is keyed by the bundle's path, size and mtime, the Node version and
// the command, and is used only when the folder and the file belong to this
// user and nobody else can write them: cached code is code that runs.
// Anything wrong with the cache only costs the compile it would have saved.
import { isAscii } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { restoreStartFlags } from "../runtime/tiering.js";

export type CodeCacheUse = "hit" | "miss" | "off";

const STALE_AFTER_MS = 14 * 24 * 3600 * 1000;

/** $XDG_CACHE_HOME/bgr (when absolute), else ~/.cache/bgr: where bgr keeps its per-machine files. */
export function bgrCacheBase(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache"), "bgr");
}

export function codeCacheDir(): string {
  return path.join(bgrCacheBase(), "code-cache");
}

/** Off when asked (BGR_CODE_CACHE=off) or when bgr's cache folder would sit inside the folder bgr works in. */
export function cachingAllowed(dir: string): boolean {
  return process.env.BGR_CODE_CACHE !== "off" && !isInside(path.resolve(dir), process.cwd());
}

/** Node's own module compile cache (Node >= 22.1), in bgr's folder rather than one shared under the system's temp folder. */
export function nodeCompileCacheDir(): string | undefined {
  const dir = path.join(bgrCacheBase(), "node-compile-cache");
  return cachingAllowed(dir) ? dir : undefined;
}

const ownedByMe = (uid: number): boolean => typeof process.getuid !== "function" || uid === process.getuid();

/** Files under a folder only this user can write (not a link, not group/world-writable), or undefined. */
function trustedDir(dir: string, create: boolean): string | undefined {
  try {
    if (create) mkdirSync(dir, { recursive: true, mode: 0o700 });
    const info = lstatSync(dir);
    return info.isDirectory() && ownedByMe(info.uid) && (info.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

function readTrusted(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const info = fstatSync(fd);
    if (!info.isFile() || !ownedByMe(info.uid) || (info.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `<path hash>-<name>-`: every cache of this bundle and command starts so, whatever its version. */
function cachePrefix(script: string, name: string): string {
  return `${createHash("sha256").update(script).digest("hex").slice(0, 12)}-${name.replace(/[^a-z0-9-]/gi, "_")}-`;
}

function cacheFileName(script: string, name: string): string {
  const info = statSync(script);
  const version = createHash("sha256").update(`${info.size}\0${info.mtimeMs}\0${process.version}\0${process.arch}`).digest("hex").slice(0, 16);
  return `${cachePrefix(script, name)}${version}.bin`;
}

/** Written once the command is done, so the functions it compiled while running are in it too. */
function saveCache(dir: string, fileName: string, prefix: string, data: Buffer): void {
  if (!trustedDir(dir, true)) return;
  const temp = path.join(dir, `.${fileName}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, data, { flag: "wx", mode: 0o600 });
    renameSync(temp, path.join(dir, fileName));
    // The caches of earlier builds of this bundle for this command can never match again, and
    // those of copies that were removed (a test's temporary install) are never asked for:
    // anything not rewritten for two weeks goes too (a cache still in use is rewritten on its next run).
    const stale = Date.now() - STALE_AFTER_MS;
    for (const old of readdirSync(dir)) {
      if (old === fileName || !old.endsWith(".bin")) continue;
      const oldPath = path.join(dir, old);
      if (old.startsWith(prefix) || (statSync(oldPath, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < stale) rmSync(oldPath, { force: true });
    }
  } catch {
    rmSync(temp, { force: true });
  }
}

/**
 * The bundle's text. The build makes it ASCII (scripts/ascii-bundle.mjs), and ASCII read as
 * latin1 is the same text as a one-byte string, three times faster to make than UTF-8 decoding
 * (measured on the 2.3 MB cli bundle); any other file is decoded as UTF-8.
 */
function readSource(script: string): string {
  const bytes = readFileSync(script);
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

/**
 * Runs the CommonJS-style script at `scriptUrl` (a bundle with no dynamic
 * import left: a vm script has no module loader behind it) in this context,
 * from the code cache named `name` when there is a usable one, and returns
 * whether the cache was used. Errors of the script itself propagate.
 */
export function runCachedScript(scriptUrl: URL, name: string): CodeCacheUse {
  const script = fileURLToPath(scriptUrl);
  const source = readSource(script);
  const dir = codeCacheDir();
  const enabled = cachingAllowed(dir);
  let fileName: string | undefined;
  let cachedData: Buffer | undefined;
  if (enabled) {
    try {
      fileName = cacheFileName(script, name);
      cachedData = trustedDir(dir, false) ? readTrusted(path.join(dir, fileName)) : undefined;
    } catch {
      fileName = undefined;
    }
  }
  const compiled = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: script,
    ...(cachedData ? { cachedData } : {}),
  });
  const use: CodeCacheUse = !fileName ? "off" : cachedData && !compiled.cachedDataRejected ? "hit" : "miss";
  // A cache holds what its first run compiled: help text or a usage error (exit 2) would leave one without the command's work.
  const representative = !process.argv.slice(2).some((arg) => ["--help", "-h", "--version", "-V", "help"].includes(arg));
  if (use === "miss" && representative) {
    const prefix = cachePrefix(script, name);
    process.once("exit", (code) => {
      if (code !== 0 && code !== 1) return;
      try {
        restoreStartFlags(process.argv[2]);
        saveCache(dir, fileName!, prefix, compiled.createCachedData());
      } catch {
        // no cache this time
      }
    });
  }
  const module = { exports: {} };
  const run = compiled.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(script), module, script, path.dirname(script));
  return use;
}
