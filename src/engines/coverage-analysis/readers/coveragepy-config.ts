// coverage.py's configuration, found and read the way coverage.py does it:
// the first of .coveragerc, setup.cfg, tox.ini, pyproject.toml that holds
// coverage settings. `coverage report` applies these to the data file, so a
// reader of `.coverage` must too: what counts as code (exclude_lines,
// exclude_also), which branches may stay partial, which files are reported.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";

export interface CoveragePyConfig {
  /** Workspace-relative config file, absent when coverage.py would use its defaults. */
  file?: string;
  /** Folder patterns are relative to (where `coverage report` runs). */
  dir: string;
  runSource: string[];
  runInclude: string[];
  runOmit: string[];
  reportInclude: string[];
  reportOmit: string[];
  /** exclude_lines (replacing the default when set). */
  excludeLines: string[];
  /** exclude_also: added to exclude_lines, coverage.py 7.2 and later. */
  excludeAlso: string[];
  partialBranches: string[];
  partialAlways: string[];
  plugins: string[];
  precision?: number;
  failUnder?: number;
  /** Options coverage.py would refuse or ignore (a bad regex), one line each. */
  problems: string[];
}

export const DEFAULT_EXCLUDE = [String.raw`#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)`];
export const DEFAULT_PARTIAL = [String.raw`#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(branch|BRANCH)`];
export const DEFAULT_PARTIAL_ALWAYS = ["while (True|1|False|0):", "if (True|1|False|0):"];

type Raw = Map<string, string | string[] | number | boolean>;

/** configparser semantics: `key = value` or `key: value`, indented continuation lines, full-line `#`/`;` comments, lower-cased keys. */
export function parseIni(text: string): Map<string, Raw> {
  const sections = new Map<string, Raw>();
  let section: Raw | undefined;
  let key: string | undefined;
  let keyIndent = 0;
  for (const line of text.split(/\r?\n/)) {
    const stripped = line.trim();
    if (stripped === "" || stripped.startsWith("#") || stripped.startsWith(";")) continue;
    const indent = line.length - line.trimStart().length;
    if (section && key !== undefined && indent > keyIndent) {
      section.set(key, `${String(section.get(key) ?? "")}\n${stripped}`);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(stripped);
    if (header && indent === 0) {
      const name = header[1]!.trim();
      section = sections.get(name) ?? new Map();
      sections.set(name, section);
      key = undefined;
      continue;
    }
    const pair = /^(.*?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!section || !pair) continue;
    key = pair[1]!.toLowerCase();
    keyIndent = indent;
    section.set(key, pair[2]!);
  }
  return sections;
}

function tomlSections(text: string): Map<string, Raw> {
  const sections = new Map<string, Raw>();
  const coverage = (parseToml(text) as { tool?: { coverage?: Record<string, unknown> } }).tool?.coverage;
  if (!coverage || typeof coverage !== "object") return sections;
  for (const [name, table] of Object.entries(coverage)) {
    if (!table || typeof table !== "object" || Array.isArray(table)) continue;
    const raw: Raw = new Map();
    for (const [k, v] of Object.entries(table as Record<string, unknown>)) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") raw.set(k, v);
      else if (Array.isArray(v)) raw.set(k, v.map(String));
    }
    sections.set(name, raw);
  }
  return sections;
}

/** coverage.py's getlist: commas and newlines separate; getregexlist: only newlines. */
function list(value: Raw extends Map<string, infer V> ? V | undefined : never, regex: boolean): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = Array.isArray(value) ? value : String(value).split("\n").flatMap((line) => (regex ? [line] : line.split(",")));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

function number(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

const CANDIDATES: Array<{ name: string; ours: boolean }> = [
  { name: ".coveragerc", ours: true },
  { name: "setup.cfg", ours: false },
  { name: "tox.ini", ours: false },
  { name: "pyproject.toml", ours: false },
];

/** Section lookup as coverage.py does it: `[coverage:run]` everywhere, plain `[run]` in its own .coveragerc. */
function sectionOf(sections: Map<string, Raw>, name: string, ours: boolean, toml: boolean): Raw | undefined {
  if (toml) return sections.get(name);
  return sections.get(`coverage:${name}`) ?? (ours ? sections.get(name) : undefined);
}

export function loadCoveragePyConfig(dir: string, root: string = dir): CoveragePyConfig {
  const config: CoveragePyConfig = {
    dir,
    runSource: [],
    runInclude: [],
    runOmit: [],
    reportInclude: [],
    reportOmit: [],
    excludeLines: [...DEFAULT_EXCLUDE],
    excludeAlso: [],
    partialBranches: [...DEFAULT_PARTIAL],
    partialAlways: [...DEFAULT_PARTIAL_ALWAYS],
    plugins: [],
    problems: [],
  };
  const envFile = process.env.COVERAGE_RCFILE;
  const candidates = envFile ? [{ name: envFile, ours: true }, ...CANDIDATES.slice(1)] : CANDIDATES;
  for (const { name, ours } of candidates) {
    const file = path.resolve(dir, name);
    if (!existsSync(file)) continue;
    const toml = name.endsWith(".toml");
    let sections: Map<string, Raw>;
    try {
      sections = toml ? tomlSections(readFileSync(file, "utf8")) : parseIni(readFileSync(file, "utf8"));
    } catch (error) {
      config.problems.push(`${path.relative(root, file)}: cannot parse (${(error as Error).message.split("\n")[0]}): coverage.py would refuse it too`);
      continue;
    }
    const run = sectionOf(sections, "run", ours, toml);
    const report = sectionOf(sections, "report", ours, toml);
    // A file coverage.py merely shares (setup.cfg, tox.ini, pyproject.toml) is its config only when it sets something.
    if (!ours && !run && !report && ![...sections.keys()].some((s) => s.startsWith(toml ? "" : "coverage:"))) continue;
    config.file = path.relative(root, file).split(path.sep).join("/");
    config.runSource = list(run?.get("source"), false) ?? [];
    config.runInclude = list(run?.get("include"), false) ?? [];
    config.runOmit = list(run?.get("omit"), false) ?? [];
    config.plugins = list(run?.get("plugins"), false) ?? [];
    config.reportInclude = list(report?.get("include"), false) ?? [];
    config.reportOmit = list(report?.get("omit"), false) ?? [];
    config.excludeLines = list(report?.get("exclude_lines"), true) ?? config.excludeLines;
    config.excludeAlso = list(report?.get("exclude_also"), true) ?? [];
    config.partialBranches = list(report?.get("partial_branches"), true) ?? config.partialBranches;
    config.partialAlways = list(report?.get("partial_branches_always"), true) ?? config.partialAlways;
    config.precision = number(report?.get("precision"));
    config.failUnder = number(report?.get("fail_under"));
    break;
  }
  return config;
}

/** A Python regex as JavaScript reads it (named groups, inline flags, \A \Z); undefined when JavaScript cannot express it. */
export function pythonRegex(source: string): RegExp | undefined {
  let flags = "";
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    if (inline[1]!.includes("i")) flags += "i";
    if (inline[1]!.includes("s")) flags += "s";
    if (inline[1]!.includes("m")) flags += "m";
  }
  body = body.replace(/\(\?P<(\w+)>/g, "(?<$1>").replace(/\(\?P=(\w+)\)/g, "\\k<$1>").replace(/\\A/g, "^").replace(/\\Z/g, "$");
  try {
    return new RegExp(body, flags);
  } catch {
    return undefined;
  }
}

/** coverage.py (through 7.x) matches include/omit with fnmatch: `*` crosses `/`. */
function fnmatchRegex(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) out += "\\[";
      else {
        let set = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
        if (set.startsWith("!")) set = `^${set.slice(1)}`;
        out += `[${set}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** coverage.py's prep_patterns + FnmatchMatcher: patterns not starting with a wildcard are made absolute from the config's folder. */
export function pathMatcher(patterns: string[], dir: string): (absolutePaths: string[]) => boolean {
  const regexes = patterns.map((p) => fnmatchRegex(/^[*?]/.test(p) ? p : path.resolve(dir, p)));
  return (paths) => paths.some((p) => regexes.some((r) => r.test(p)));
}

/**
 * Which files coverage.py would measure and report under this config: [run] source
 * (folders, or importable package names, relative to the config's folder) or else
 * [run] include, minus [run] omit, then [report] include/omit. Files it would never
 * measure are not "files without coverage data".
 */
export function measuredByConfig(config: CoveragePyConfig): (absolutePath: string) => boolean {
  const sources = config.runSource.map((s) => {
    const dir = path.resolve(config.dir, s);
    return existsSync(dir) ? dir : path.resolve(config.dir, ...s.split("."));
  });
  const runIncluded = config.runInclude.length > 0 ? pathMatcher(config.runInclude, config.dir) : () => true;
  const runOmitted = config.runOmit.length > 0 ? pathMatcher(config.runOmit, config.dir) : () => false;
  const reportIncluded = config.reportInclude.length > 0 ? pathMatcher(config.reportInclude, config.dir) : () => true;
  const reportOmitted = config.reportOmit.length > 0 ? pathMatcher(config.reportOmit, config.dir) : () => false;
  return (file) => {
    const inSource = sources.length > 0 ? sources.some((dir) => file === dir || file.startsWith(dir + path.sep) || file === `${dir}.py`) : runIncluded([file]);
    return inSource && !runOmitted([file]) && reportIncluded([file]) && !reportOmitted([file]);
  };
}
