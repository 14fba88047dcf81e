// The project's own coverage gate, from wherever its tool keeps it: c8/nyc
// check-coverage, jest coverageThreshold, coverage.py fail_under. A finding
// that quotes the team's own number is one they already agreed to.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { Metric } from "./model.js";
import { loadCoveragePyConfig } from "./readers/coveragepy-config.js";

export type ThresholdMetric = Metric | "combined";

export interface Thresholds {
  /** Workspace-relative file the numbers come from, or "defaults". */
  source: string;
  /** Minimum pct for the totals. "combined" is coverage.py's statements+branches. */
  global: Partial<Record<ThresholdMetric, number>>;
  /** When set, every file must meet these too (c8/nyc per-file). */
  perFile?: Partial<Record<Metric, number>>;
  /** jest's coverageThreshold entries other than `global`: a directory or file path, or a glob. */
  groups?: ThresholdGroup[];
  isDefault: boolean;
  /** coverage.py [report] precision, which also sets how its percentages round. */
  precision?: number;
}

export interface ThresholdGroup {
  /** The key as the config writes it: "./src/api/", "./src/util.js", "**\/*.ts". */
  pattern: string;
  /** A positive number is a minimum percentage; a negative one the most uncovered items allowed (jest's rule). */
  limits: Partial<Record<Metric, number>>;
}

export const DEFAULT_TOTAL_LINES = 80;
export const DEFAULT_FILE_LINES = 50;

function defaults(): Thresholds {
  return { source: "defaults", global: { lines: DEFAULT_TOTAL_LINES }, perFile: { lines: DEFAULT_FILE_LINES }, isDefault: true };
}

function readText(root: string, rel: string): string | undefined {
  const file = path.join(root, rel);
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

function num(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** c8 and nyc share option names, in kebab or camel case; check-coverage without numbers means lines 90. */
function fromIstanbulOptions(options: Record<string, unknown>, source: string): Thresholds | undefined {
  const check = options["check-coverage"] ?? options.checkCoverage;
  if (check !== true && check !== "true") return undefined;
  const limits: Partial<Record<Metric, number>> = {};
  for (const metric of ["lines", "statements", "branches", "functions"] as const) {
    const value = num(options[metric]);
    if (value !== undefined && value > 0) limits[metric] = value;
  }
  if (limits.lines === undefined && num(options.lines) === undefined) limits.lines = 90;
  const perFile = options["per-file"] ?? options.perFile;
  return { source, global: limits, perFile: perFile === true ? { ...limits } : undefined, isDefault: false };
}

function fromRcFiles(root: string): Thresholds | undefined {
  for (const name of [".c8rc", ".c8rc.json", ".c8rc.yml", ".c8rc.yaml", ".nycrc", ".nycrc.json", ".nycrc.yml", ".nycrc.yaml"]) {
    const text = readText(root, name);
    if (text === undefined) continue;
    let parsed: unknown;
    try {
      parsed = parseYaml(text); // YAML is a superset of JSON: one parser for both spellings.
    } catch {
      continue;
    }
    if (parsed && typeof parsed === "object") {
      const found = fromIstanbulOptions(parsed as Record<string, unknown>, name);
      if (found) return found;
    }
  }
  return undefined;
}

function jestLimits(value: unknown, allowNegative: boolean): Partial<Record<Metric, number>> {
  const limits: Partial<Record<Metric, number>> = {};
  if (!value || typeof value !== "object") return limits;
  for (const metric of ["lines", "statements", "branches", "functions"] as const) {
    const n = num((value as Record<string, unknown>)[metric]);
    if (n !== undefined && (n > 0 || (allowNegative && n < 0))) limits[metric] = n;
  }
  return limits;
}

function fromJestObject(threshold: unknown, source: string): Thresholds | undefined {
  if (!threshold || typeof threshold !== "object") return undefined;
  const entries = Object.entries(threshold as Record<string, unknown>);
  // Negative global numbers are jest's "at most N uncovered", which the totals gate (percentages) does not express.
  const global = jestLimits((threshold as Record<string, unknown>).global, false);
  const groups: ThresholdGroup[] = [];
  for (const [pattern, value] of entries) {
    if (pattern === "global") continue;
    const limits = jestLimits(value, true);
    if (Object.keys(limits).length > 0) groups.push({ pattern, limits });
  }
  if (Object.keys(global).length === 0 && groups.length === 0) return undefined;
  return { source, global, isDefault: false, ...(groups.length > 0 ? { groups } : {}) };
}

/**
 * The text of the object literal after `coverageThreshold:` in a JS/TS
 * config, braces matched outside strings (glob keys such as '*.{js,ts}' hold braces).
 */
function thresholdLiteral(text: string): string | undefined {
  const head = /coverageThreshold\s*:\s*\{/.exec(text);
  if (!head) return undefined;
  const start = head.index + head[0].length - 1;
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return text.slice(start + 1, i);
  }
  return undefined;
}

/** `key: { lines: 80, … }` pairs of the literal, keys quoted or bare. */
function literalEntries(body: string): Record<string, Record<string, number>> {
  const entries: Record<string, Record<string, number>> = {};
  const entry = /(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([A-Za-z_$][\w$]*))\s*:\s*\{([^}]*)\}/g;
  for (const m of body.matchAll(entry)) {
    const limits: Record<string, number> = {};
    for (const pair of m[4]!.matchAll(/(lines|statements|branches|functions)\s*:\s*(-?\d+(?:\.\d+)?)/g)) limits[pair[1]!] = Number(pair[2]);
    entries[m[1] ?? m[2] ?? m[3]!] = limits;
  }
  return entries;
}

function fromPackageJson(root: string): Thresholds | undefined {
  const text = readText(root, "package.json");
  if (text === undefined) return undefined;
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  for (const tool of ["c8", "nyc"]) {
    const options = pkg[tool];
    if (options && typeof options === "object") {
      const found = fromIstanbulOptions(options as Record<string, unknown>, "package.json");
      if (found) return found;
    }
  }
  const jest = pkg.jest as Record<string, unknown> | undefined;
  return jest ? fromJestObject(jest.coverageThreshold, "package.json") : undefined;
}

/** jest.config.js/ts cannot be evaluated safely; the coverageThreshold object literal is read as text. */
function fromJestConfig(root: string): Thresholds | undefined {
  for (const name of ["jest.config.json", "jest.config.js", "jest.config.ts", "jest.config.mjs", "jest.config.cjs"]) {
    const text = readText(root, name);
    if (text === undefined) continue;
    if (name.endsWith(".json")) {
      try {
        return fromJestObject((JSON.parse(text) as Record<string, unknown>).coverageThreshold, name);
      } catch {
        continue;
      }
    }
    const body = thresholdLiteral(text);
    const found = body === undefined ? undefined : fromJestObject(literalEntries(body), name);
    if (found) return found;
  }
  return undefined;
}

/** coverage.py's [report] options, from the config file coverage.py itself would read. */
export function coveragePyReportOptions(root: string): { source: string; options: Record<string, string> } | undefined {
  const config = loadCoveragePyConfig(root);
  if (!config.file) return undefined;
  const options: Record<string, string> = {};
  if (config.precision !== undefined) options.precision = String(config.precision);
  if (config.failUnder !== undefined) options.fail_under = String(config.failUnder);
  return { source: config.file, options };
}

function fromCoveragePy(root: string): Thresholds | undefined {
  const found = coveragePyReportOptions(root);
  const failUnder = num(found?.options.fail_under);
  if (!found || failUnder === undefined || failUnder <= 0) return undefined;
  return { source: found.source, global: { combined: failUnder }, isDefault: false, precision: num(found.options.precision) };
}

/** bgr's own config (`coverage.thresholds`) wins, then the tools' configs, then defaults. */
export function loadThresholds(root: string, fromBgrConfig?: Record<string, unknown>): Thresholds {
  const own = fromBgrConfig?.thresholds;
  if (own && typeof own === "object") {
    const limits: Partial<Record<Metric, number>> = {};
    for (const metric of ["lines", "statements", "branches", "functions"] as const) {
      const value = num((own as Record<string, unknown>)[metric]);
      if (value !== undefined) limits[metric] = value;
    }
    const perFile = num((own as Record<string, unknown>).perFile);
    return { source: "bgr config (coverage.thresholds)", global: limits, perFile: perFile ? { lines: perFile } : undefined, isDefault: false };
  }
  return fromRcFiles(root) ?? fromPackageJson(root) ?? fromJestConfig(root) ?? fromCoveragePy(root) ?? defaults();
}
