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
 * The build records the hash with the rule and model folders' listing and
 * every entry's stats (<package>/dist/src/rules-stamp.json): while those stat
 * the same, the hash stands without reading and hashing ~140 files (10 ms
 * of every audit and run). An edit changes a file's mtime, and adding,
 * removing or renaming a file changes its folder's, so the recorded listing
 * needs no readdir (the recursive readdirs were most of the check: ~2.5 ms);
 * then it falls back to hashing, as it does for an installed package, whose
 * files npm re-dates.
 */
export function rulesStampPath(dir: string): string {
  return path.join(dir, "..", "..", "dist", "src", "rules-stamp.json");
}

/** The rule and model folders' entries: every folder (prefix "" or "models/", ending in "/") and every YAML file. */
export interface RulesListing {
  dirs: string[];
  files: string[];
}

function ruleBases(dir: string): Array<[base: string, prefix: string]> {
  return [[dir, ""], [modelsDirFor(dir), "models/"]];
}

export function rulesListing(dir: string): RulesListing {
  const listing: RulesListing = { dirs: [], files: [] };
  for (const [base, prefix] of ruleBases(dir)) {
    if (!existsSync(base)) continue;
    listing.dirs.push(prefix);
    for (const rel of readdirSync(base, { recursive: true, encoding: "utf8" }).sort()) {
      const posix = rel.split(path.sep).join("/");
      if (statSync(path.join(base, rel)).isDirectory()) listing.dirs.push(`${prefix}${posix}/`);
      else if (/\.ya?ml$/.test(rel)) listing.files.push(`${prefix}${posix}`);
    }
  }
  return listing;
}

/** The stats of everything in `listing`, as one key; throws when an entry is gone. */
function rulesStatKey(dir: string, listing: RulesListing): string {
  // Plain concatenation and one hash update: a path.join and an update per entry were half the check.
  const rules = dir + path.sep;
  const models = modelsDirFor(dir) + path.sep;
  const resolve = (entry: string) => (entry.startsWith("models/") ? models + entry.slice(7) : rules + entry);
  let text = "";
  for (const entry of listing.dirs) text += `${entry}\0${statSync(resolve(entry)).mtimeMs}\0`;
  for (const entry of listing.files) {
    const info = statSync(resolve(entry));
    text += `${entry}\0${info.size}\0${info.mtimeMs}\0`;
  }
  return createHash("sha256").update(text).digest("hex");
}

/** What the build writes to rulesStampPath. */
export function rulesStamp(dir: string, hash: string): { listing: RulesListing; statKey: string; hash: string } {
  const listing = rulesListing(dir);
  return { listing, statKey: rulesStatKey(dir, listing), hash };
}

function stampedHash(dir: string): string | undefined {
  try {
    const stamp = JSON.parse(readFileSync(rulesStampPath(dir), "utf8")) as { listing?: RulesListing; statKey?: unknown; hash?: unknown };
    const listing = stamp.listing;
    if (typeof stamp.hash !== "string" || !Array.isArray(listing?.dirs) || !Array.isArray(listing.files)) return undefined;
    return stamp.statKey === rulesStatKey(dir, listing) ? stamp.hash : undefined;
  } catch {
    return undefined;
  }
}
