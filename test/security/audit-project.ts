// Temporary projects for whole-audit tests: write the files, audit them the
// way `bgr audit` does, and list one rule's findings as file:line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after } from "node:test";
import { runAudit } from "../../src/engines/security-audit/index.js";
import type { EngineContext, EngineResult } from "../../src/engines/types.js";

const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

export function writeProjectFile(root: string, rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
}

/** A fresh temporary project holding these files; removed when the test file ends. */
export function project(files: Record<string, string>, prefix = "bgr-audit-"): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(root);
  for (const [rel, text] of Object.entries(files)) writeProjectFile(root, rel, text);
  return root;
}

export async function audit(root: string, noCache = true): Promise<EngineResult> {
  const ctx: EngineContext = {
    root,
    scope: [],
    task: "Security audit",
    instructions: "",
    options: { noCache },
    signal: new AbortController().signal,
    log: () => {},
    progress: () => {},
    cacheDir: path.join(root, ".agents", "cache", "security-audit"),
  };
  return runAudit(ctx);
}

export function hits(result: EngineResult, ruleId: string): string[] {
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.file}:${f.line}`).sort();
}
