// Content-hash cache: an unchanged file under unchanged rules is never
// analysed twice. One small JSON file per (content, rules, engine) key.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FileAnalysis } from "./analyze-file.js";

/** Bumped whenever the interpreter or finding format changes meaning. */
export const ENGINE_VERSION = "1";

export function cacheKey(text: string, file: string, rulesHash: string, disabled: readonly string[]): string {
  return createHash("sha256")
    .update(ENGINE_VERSION).update("\0")
    .update(rulesHash).update("\0")
    .update([...disabled].sort().join(",")).update("\0")
    // The path is part of the key: findings carry it, and file-path rules depend on it.
    .update(file).update("\0")
    .update(text)
    .digest("hex");
}

export class AnalysisCache {
  constructor(private readonly dir: string) {}

  private pathFor(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key.slice(2)}.json`);
  }

  get(key: string): FileAnalysis | undefined {
    try {
      const data = JSON.parse(readFileSync(this.pathFor(key), "utf8")) as FileAnalysis;
      return Array.isArray(data.findings) && Array.isArray(data.errors) ? data : undefined;
    } catch {
      return undefined;
    }
  }

  set(key: string, analysis: FileAnalysis): void {
    const target = this.pathFor(key);
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      // Write-then-rename so a concurrent reader never sees half a file.
      const temp = `${target}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(analysis));
      renameSync(temp, target);
    } catch {
      // A cache that cannot be written only costs speed next time.
    }
  }
}
