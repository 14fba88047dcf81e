// Content-hash cache: an unchanged file under unchanged rules is never
// analysed twice. One small JSON file per (content, rules, engine) key.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FileAnalysis } from "./analyze-file.js";

/** Bumped whenever the interpreter or finding format changes meaning. */
export const ENGINE_VERSION = "2";

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

interface StatEntry {
  size: number;
  mtimeMs: number;
  key: string;
}

/**
 * path → (size, mtime, content key) from the last run, so an unchanged file
 * is matched to its cached analysis without being read. A changed rule set or
 * disabled list starts a fresh index.
 */
export class StatIndex {
  private readonly file: string;
  private readonly previous = new Map<string, StatEntry>();
  private readonly next: Record<string, StatEntry> = {};
  private readonly scope: string;

  constructor(dir: string, rulesHash: string, disabled: readonly string[]) {
    this.file = path.join(dir, "stat-index.json");
    this.scope = `${ENGINE_VERSION}:${rulesHash}:${[...disabled].sort().join(",")}`;
    try {
      const data = JSON.parse(readFileSync(this.file, "utf8")) as { scope?: string; files?: Record<string, StatEntry> };
      if (data.scope === this.scope && data.files) for (const [k, v] of Object.entries(data.files)) this.previous.set(k, v);
    } catch {
      // No index yet, or an unreadable one: every file is read and hashed this time.
    }
  }

  get(file: string, size: number, mtimeMs: number): string | undefined {
    const entry = this.previous.get(file);
    return entry && entry.size === size && entry.mtimeMs === mtimeMs ? entry.key : undefined;
  }

  keep(file: string, size: number, mtimeMs: number, key: string): void {
    this.next[file] = { size, mtimeMs, key };
  }

  save(): void {
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const temp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ scope: this.scope, files: this.next }));
      renameSync(temp, this.file);
    } catch {
      // Only costs speed next time.
    }
  }
}
