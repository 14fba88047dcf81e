// Ignore files other tools already keep in the repository, so a project that
// told Semgrep or Bandit "not tests/, not vendor/" need not say it again.
// They become gitignore-style lines ahead of the config's `exclude`, in this
// order (a later `!pattern` re-includes what an earlier line excluded, as
// within one .gitignore): .semgrepignore, Bandit's exclude_dirs (.bandit,
// then pyproject.toml [tool.bandit]), .bgrignore, then the config's exclude.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";

export class IgnoreFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface IgnoreSource {
  /** Workspace-relative file the patterns came from. */
  file: string;
  patterns: string[];
}

async function readOptional(root: string, rel: string): Promise<string | undefined> {
  try {
    return await readFile(path.join(root, rel), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
    throw new IgnoreFileError(`${rel}: cannot read (${(error as Error).message})`);
  }
}

function gitignoreLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(?<!\\)\s+$/, ""))
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** .semgrepignore is gitignore syntax plus `:include FILE` (usually `:include .gitignore`). */
async function semgrepIgnore(root: string, rel: string, seen = new Set<string>()): Promise<string[] | undefined> {
  const text = await readOptional(root, rel);
  if (text === undefined) return undefined;
  seen.add(rel);
  const patterns: string[] = [];
  for (const line of gitignoreLines(text)) {
    const include = /^:include\s+(.+)$/.exec(line);
    if (!include) {
      patterns.push(line);
      continue;
    }
    const target = path.posix.normalize(include[1]!.trim());
    if (target.startsWith("../") || path.isAbsolute(target)) throw new IgnoreFileError(`${rel}: ":include ${target}" names a file outside the workspace: include files inside it`);
    if (seen.has(target)) continue;
    patterns.push(...((await semgrepIgnore(root, target, seen)) ?? []));
  }
  return patterns;
}

/**
 * Bandit's exclusions are paths or globs: "tests" (any directory so named),
 * "./tests" (the one at the root), "*\/migrations/*". As gitignore lines:
 * "./x" anchors at the root, everything else matches at any depth.
 */
export function banditToGitignore(entry: string, root: string): string | undefined {
  const trimmed = entry.trim();
  let value = trimmed.replace(/\\/g, "/");
  if (!value) return undefined;
  // "\\static" is a Windows user's root-relative folder, not a path from this machine's root.
  if (trimmed.startsWith("\\")) return value.length > 1 ? value : undefined;
  if (path.isAbsolute(value)) {
    const rel = path.relative(root, value);
    if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
    value = `/${rel.split(path.sep).join("/")}`;
  } else if (value.startsWith("./")) {
    value = `/${value.slice(2)}`;
  }
  return value === "/" || value === "" ? undefined : value;
}

function listOf(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value.split(/[,\n]/);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  throw new IgnoreFileError(`${where}: expected a list of paths, e.g. exclude_dirs = ["tests", "docs"]`);
}

/** `.bandit` is INI with a [bandit] section (`exclude = a,b`); older projects keep Bandit's YAML there instead. */
export function banditIniExcludes(text: string): string[] {
  if (!/^\s*\[bandit\]\s*$/m.test(text)) {
    let data: unknown;
    try {
      data = parseYaml(text);
    } catch {
      throw new IgnoreFileError(`.bandit: neither an INI file with a [bandit] section nor Bandit's YAML: fix its syntax`);
    }
    const record = (data ?? {}) as Record<string, unknown>;
    return listOf(record.exclude_dirs ?? record.exclude, ".bandit exclude_dirs");
  }
  const values: string[] = [];
  let inSection = false;
  let current: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === "") continue;
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (section) {
      inSection = section[1]!.trim() === "bandit";
      current = undefined;
      continue;
    }
    if (!inSection) continue;
    // An indented line continues the previous key's value (INI multi-line values).
    if (/^\s/.test(raw) && current !== undefined) {
      if (current === "exclude" || current === "exclude_dirs") values.push(...raw.split(","));
      continue;
    }
    const pair = /^([^=:]+)[=:](.*)$/.exec(raw);
    if (!pair) continue;
    current = pair[1]!.trim();
    if (current === "exclude" || current === "exclude_dirs") values.push(...pair[2]!.split(","));
  }
  return values;
}

function pyprojectBanditExcludes(text: string): string[] {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new IgnoreFileError(`pyproject.toml: cannot parse, ${(error as Error).message.split("\n")[0]}: fix the syntax`);
  }
  const bandit = ((data.tool ?? {}) as Record<string, unknown>).bandit as Record<string, unknown> | undefined;
  return bandit ? listOf(bandit.exclude_dirs, "pyproject.toml [tool.bandit] exclude_dirs") : [];
}

/** Every ignore file present at the root, in the order their lines apply. */
export async function readIgnoreFiles(root: string): Promise<IgnoreSource[]> {
  const sources: IgnoreSource[] = [];
  const semgrep = await semgrepIgnore(root, ".semgrepignore");
  if (semgrep) sources.push({ file: ".semgrepignore", patterns: semgrep });
  const banditIni = await readOptional(root, ".bandit");
  if (banditIni !== undefined) {
    const patterns = banditIniExcludes(banditIni).flatMap((entry) => banditToGitignore(entry, root) ?? []);
    sources.push({ file: ".bandit", patterns });
  }
  const pyproject = await readOptional(root, "pyproject.toml");
  if (pyproject !== undefined && /^\s*\[tool\.bandit\]/m.test(pyproject)) {
    const patterns = pyprojectBanditExcludes(pyproject).flatMap((entry) => banditToGitignore(entry, root) ?? []);
    sources.push({ file: "pyproject.toml", patterns });
  }
  const bgr = await readOptional(root, ".bgrignore");
  if (bgr !== undefined) sources.push({ file: ".bgrignore", patterns: gitignoreLines(bgr) });
  return sources;
}

/** The files bgr copies into a baseline checkout so both sides are read with the same settings. */
export const IGNORE_FILES = [".semgrepignore", ".bandit", ".bgrignore"] as const;
