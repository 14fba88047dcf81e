// Reports name files the way their producer saw them: absolute paths from a
// CI machine, paths relative to a Cobertura <source>, Java package paths, Go
// import paths. This maps each to a workspace file, or says it could not.
import { statSync } from "node:fs";
import path from "node:path";
import { ownString } from "./own-string.js";

export interface PathHints {
  /** Absolute or workspace-relative directories the report says its paths are relative to. */
  sourceRoots?: string[];
  /** Go module path from go.mod, stripped from import paths. */
  goModule?: string;
  /** Directory of the report file, workspace-relative. */
  reportDir?: string;
}

export class PathMapper {
  private readonly cache = new Map<string, string | null>();

  constructor(private readonly root: string) {}

  // Not cached: candidates are almost never tried twice (map() caches each
  // report path's answer), and a cache of misses held several strings per
  // file of a large report.
  private isWorkspaceFile(rel: string): boolean {
    if (rel === "" || rel.startsWith("../") || rel === ".." || path.isAbsolute(rel)) return false;
    try {
      // throwIfNoEntry: a miss is the common case for suffix guesses, and an exception per miss is slow.
      return statSync(path.join(this.root, rel), { throwIfNoEntry: false })?.isFile() ?? false;
    } catch {
      return false;
    }
  }

  /** Workspace-relative posix path, or undefined when no workspace file matches. */
  map(reportPath: string, hints: PathHints = {}): string | undefined {
    // Owned, not a concatenation: a kept key would otherwise pin the reader's text chunk.
    const key = ownString(`${reportPath}\0${hints.sourceRoots?.join("\0") ?? ""}\0${hints.goModule ?? ""}\0${hints.reportDir ?? ""}`);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.resolve(reportPath, hints);
    this.cache.set(key, found ?? null);
    return found;
  }

  private resolve(reportPath: string, hints: PathHints): string | undefined {
    const normalized = reportPath.replace(/\\/g, "/").replace(/^file:\/\//, "");
    const candidates: string[] = [];
    const isAbsolute = normalized.startsWith("/") || /^[A-Za-z]:\//.test(normalized);
    if (isAbsolute) {
      candidates.push(toPosix(path.relative(this.root, normalized)));
    } else {
      for (const source of hints.sourceRoots ?? []) {
        const base = source.replace(/\\/g, "/");
        const joined = base.startsWith("/") ? toPosix(path.relative(this.root, path.posix.join(base, normalized))) : path.posix.join(base, normalized);
        candidates.push(joined);
      }
      if (hints.goModule && normalized.startsWith(`${hints.goModule}/`)) {
        candidates.push(normalized.slice(hints.goModule.length + 1));
      }
      // A package's own coverage/ folder names files relative to the package: try the report's folder and its parents.
      for (let dir = hints.reportDir; dir && dir !== "." && dir !== "/"; dir = path.posix.dirname(dir)) {
        candidates.push(path.posix.join(dir, normalized));
      }
      candidates.push(path.posix.normalize(normalized));
    }
    for (const candidate of candidates) if (this.isWorkspaceFile(candidate)) return candidate;
    // A report from another machine or checkout: the longest trailing part of
    // its path that names a workspace file is the file.
    const parts = normalized.split("/").filter((p) => p !== "" && p !== ".");
    // A bare file name is only trusted from an absolute path: for a relative
    // one it more likely names another file of the same name.
    const shortest = isAbsolute ? 1 : 2;
    for (let start = 1; parts.length - start >= shortest; start++) {
      const suffix = parts.slice(start).join("/");
      if (this.isWorkspaceFile(suffix)) return suffix;
    }
    return undefined;
  }
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
