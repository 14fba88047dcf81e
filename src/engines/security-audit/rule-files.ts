// Where the rule files are and what they hash to, without parsing them: a
// warm audit needs only the hash, and the compiled rule set (compiled-rules.ts)
// is trusted only while its recorded hash matches the files on disk.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
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

/** The YAML files under `dir`, relative, in the order they are hashed. */
function ruleFileNames(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

export function ruleFiles(dir: string): RuleFile[] {
  return ruleFileNames(dir).map((rel) => ({ rel, text: readFileSync(path.join(dir, rel), "utf8") }));
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
  const stamped = stampedHash(dir);
  if (stamped) return stamped;
  const models = existsSync(modelsDirFor(dir)) ? ruleFiles(modelsDirFor(dir)).map((f) => ({ ...f, rel: `models/${f.rel}` })) : [];
  return hashOf([...ruleFiles(dir), ...models]);
}

/**
 * The build records the hash with every rule file's path, size and
 * modification time (<package>/dist/src/rules-stamp.json): while those stat
 * the same, the hash stands without reading and hashing ~140 files (10 ms
 * of every audit and run). Any edit changes a file's mtime, so it falls back
 * to hashing; so does an installed package, whose files npm re-dates.
 */
export function rulesStampPath(dir: string): string {
  return path.join(dir, "..", "..", "dist", "src", "rules-stamp.json");
}

export function rulesStatKey(dir: string): string {
  const hash = createHash("sha256");
  for (const [base, prefix] of [[dir, ""], [modelsDirFor(dir), "models/"]] as const) {
    if (!existsSync(base)) continue;
    for (const rel of ruleFileNames(base)) {
      const info = statSync(path.join(base, rel));
      hash.update(`${prefix}${rel}\0${info.size}\0${info.mtimeMs}\0`);
    }
  }
  return hash.digest("hex");
}

function stampedHash(dir: string): string | undefined {
  try {
    const stamp = JSON.parse(readFileSync(rulesStampPath(dir), "utf8")) as { statKey?: unknown; hash?: unknown };
    return typeof stamp.hash === "string" && stamp.statKey === rulesStatKey(dir) ? stamp.hash : undefined;
  } catch {
    return undefined;
  }
}
