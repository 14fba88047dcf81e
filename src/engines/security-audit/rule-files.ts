// Where the rule files are and what they hash to, without parsing them: a
// warm audit needs only the hash, and the compiled rule set (compiled-rules.ts)
// is trusted only while its recorded hash matches the files on disk.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The packaged rules folder: <package>/rules/security, found from dist/src/…, src/… or a bundle in dist/src/cli. */
export function defaultRulesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, "rules", "security");
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error("bgr rules folder rules/security not found next to the package; reinstall bgr");
}

export interface RuleFile {
  rel: string;
  text: string;
}

export function ruleFiles(dir: string): RuleFile[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((rel) => ({ rel, text: readFileSync(path.join(dir, rel), "utf8") }));
}

export function hashOf(files: readonly RuleFile[]): string {
  const hash = createHash("sha256");
  for (const { rel, text } of files) hash.update(rel).update("\0").update(text);
  return hash.digest("hex").slice(0, 16);
}

/** rules/models (the library model catalog) sits next to rules/security. */
export function modelsDirFor(rulesDir: string): string {
  return path.join(path.dirname(rulesDir), "models");
}

/** The rule set's identity for cache keys, without parsing or validating anything: the rules and the library models. */
export function rulesHash(dir = defaultRulesDir()): string {
  const models = existsSync(modelsDirFor(dir)) ? ruleFiles(modelsDirFor(dir)).map((f) => ({ ...f, rel: `models/${f.rel}` })) : [];
  return hashOf([...ruleFiles(dir), ...models]);
}
