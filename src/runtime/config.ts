// Project configuration: `.agents/config.yaml`, else `bgr.config.{yaml,yml,json}`.
// Checked key by key against what bgr reads, so a typo (`exclde`), a rule id
// that names no rule, or a threshold of 101 is an error naming the file and
// line, never silently ignored: an ignored `exclude` would quietly widen an
// audit. No zod here: `bgr spawn` validates the config on its fast path, and
// yaml is the only parser its bundle carries already.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from "yaml";
import { didYouMean } from "../protocol/did-you-mean.js";

export interface BgrConfig {
  exclude: string[];
  rules: { disable: string[] };
  audit?: { exclude?: string[]; tests?: string; "min-confidence"?: string; severity?: string };
  coverage?: { thresholds?: Partial<Record<"lines" | "statements" | "branches" | "functions" | "perFile", number>> };
  review?: Record<string, number | boolean>;
  model?: string;
  provider?: string;
  baseUrl?: string;
  /** Let engines run the project's own tooling (tests under coverage) without --allow-exec. */
  allowExec?: boolean;
  /** Workspace-relative path of the file read, absent when none exists. */
  source?: string;
  /** `file:line` of every value the file sets, by dotted key ("coverage.thresholds.lines"). */
  origins?: Record<string, string>;
}

export const CONFIG_FILES = [
  ".agents/config.yaml",
  ".agents/config.yml",
  "bgr.config.yaml",
  "bgr.config.yml",
  "bgr.config.json",
] as const;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Check = (value: unknown) => string | undefined;

const isStringList: Check = (v) =>
  typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "string")) ? undefined : "expected a path or a list of them";
const percent: Check = (v) =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 && v <= 100 ? undefined : `expected a percentage from 0 to 100, got ${JSON.stringify(v)}`;
const positiveInt: Check = (v) =>
  typeof v === "number" && Number.isInteger(v) && v > 0 ? undefined : `expected a positive whole number, got ${JSON.stringify(v)}`;
const bool: Check = (v) => (typeof v === "boolean" ? undefined : `expected true or false, got ${JSON.stringify(v)}`);
const oneOf = (...words: string[]): Check => (v) =>
  typeof v === "string" && words.some((w) => w.toLowerCase() === v.trim().toLowerCase()) ? undefined : `use one of ${words.join(", ")}, got ${JSON.stringify(v)}`;
/** "High", "high,medium" or "Medium+": the audit's own parser gives the details, this catches the obvious. */
const severityFilter: Check = (v) =>
  typeof v === "string" && v.split(",").every((part) => /^\s*(high|medium|low|info)\+?\s*$/i.test(part))
    ? undefined
    : `use High, Medium, Low or Info, a comma list, or e.g. Medium+; got ${JSON.stringify(v)}`;
const nonEmptyString: Check = (v) => (typeof v === "string" && v.trim() !== "" ? undefined : `expected a string, got ${JSON.stringify(v)}`);
const provider: Check = (v) => (v === "anthropic" || v === "openai" ? undefined : `use anthropic or openai (openai covers any OpenAI-compatible server), got ${JSON.stringify(v)}`);
const httpUrl: Check = (v) => {
  try {
    if (typeof v === "string" && /^https?:$/.test(new URL(v).protocol)) return undefined;
  } catch {
    // reported below
  }
  return `expected an http(s) URL such as http://127.0.0.1:11434/v1, got ${JSON.stringify(v)}`;
};

/** The reviewer's thresholds and their defaults (engines/code-review/context.ts applies them). */
export const REVIEW_DEFAULTS: Record<string, number | boolean> = {
  maxCognitive: 15, maxCyclomatic: 10, complexityRaise: 5, maxFunctionLines: 60, maxFileLines: 500, maxNesting: 4,
  maxParams: 5, minCloneTokens: 50, minCloneLines: 5, maxUntestedExportFindings: 3, linters: true, security: true,
};

type Schema = { [key: string]: Check | Schema };

const SCHEMA: Schema = {
  exclude: isStringList,
  rules: { disable: (v) => (isStringList(v) ? "expected a rule id or CWE-N, or a list of them" : undefined) },
  audit: { exclude: isStringList, tests: oneOf("include", "demote", "skip"), "min-confidence": oneOf("High", "Medium", "Low"), severity: severityFilter },
  coverage: { thresholds: { lines: percent, statements: percent, branches: percent, functions: percent, perFile: percent } },
  review: Object.fromEntries(Object.entries(REVIEW_DEFAULTS).map(([key, value]) => [key, typeof value === "boolean" ? bool : positiveInt])),
  model: nonEmptyString,
  provider,
  baseUrl: httpUrl,
  allowExec: bool,
};

/** Ids of the reviewer's own checks; a test keeps this list in step with the engine. */
export const REVIEW_RULE_IDS = [
  "bare-except", "binary-file", "commented-out-code", "complex-function", "complexity-increase", "conflict-marker", "deep-nesting",
  "deprecation-retired", "duplicate-code", "empty-catch", "export-removed", "exported-signature-changed", "focused-test", "generated-file",
  "ignored-error", "leftover-debug", "lockfile-without-manifest", "long-file", "long-function", "long-parameter-list",
  "no-tests", "secret", "skipped-test", "submodule-changed", "swallowed-rejection", "test-deleted", "todo-added",
  "untested-export",
].map((id) => `review/${id}`);

/** Ids of other tools' rules, which bgr passes through under a prefix. */
const FOREIGN_RULE_PREFIX = /^(?:eslint|ruff|flake8)\/\S+$|^secretlint(?:\.\S+)?$/;

function rulesFolder(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, "rules", "security");
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

/** The security rule ids, read from each rule file's `id:` line (no YAML parse: this runs on spawn's path). */
export function securityRuleIds(dir = rulesFolder()): string[] {
  if (!dir) return [];
  const ids: string[] = [];
  for (const rel of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (!/\.ya?ml$/.test(rel)) continue;
    const match = /^id:\s*["']?([\w.-]+)["']?\s*$/m.exec(readFileSync(path.join(dir, rel), "utf8"));
    if (match) ids.push(match[1]!);
  }
  return ids.sort();
}

function checkRuleIds(ids: string[], at: (index: number) => string): void {
  let known: string[] | undefined;
  ids.forEach((id, index) => {
    if (/^CWE-\d+$/i.test(id) || FOREIGN_RULE_PREFIX.test(id) || REVIEW_RULE_IDS.includes(id)) return;
    known ??= [...securityRuleIds(), ...REVIEW_RULE_IDS];
    if (known.includes(id)) return;
    const tails = known.filter((k) => k.endsWith(`.${id}`) || k.endsWith(`/${id}`));
    const hint = (tails.length > 1 ? `: did you mean ${tails.join(" or ")}?` : didYouMean(id, known)) || ": rule ids look like py.sql-injection, js.xss, review/long-function or CWE-89 (see rules/security/)";
    throw new ConfigError(`${at(index)}: rules.disable: ${id} is not a rule${hint}`);
  });
}

/** Walks the document against SCHEMA; every error names the file and line of the offending key or value. */
function validate(doc: Document, lines: LineCounter, source: string, origins: Record<string, string>): void {
  const lineOf = (node: YamlNode | null | undefined) => `${source}:${node?.range ? lines.linePos(node.range[0]).line : 1}`;
  const walk = (node: YamlNode, schema: Schema, prefix: string) => {
    if (!isMap(node)) throw new ConfigError(`${lineOf(node)}: ${prefix || "(top level)"}: expected a mapping of keys: fix or remove that key`);
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const dotted = prefix ? `${prefix}.${key}` : key;
      const expected = schema[key];
      if (expected === undefined) {
        const known = Object.keys(schema);
        const hint = didYouMean(key, known) || `: known keys${prefix ? ` under ${prefix}` : ""} are ${known.join(", ")}`;
        throw new ConfigError(`${lineOf(keyNode)}: ${dotted}: unknown key${hint}`);
      }
      const valueNode = pair.value as YamlNode | null;
      if (typeof expected === "function") {
        const value = valueNode ? (valueNode as YamlNode & { toJSON(): unknown }).toJSON() : null;
        const problem = expected(value);
        if (problem) throw new ConfigError(`${lineOf(valueNode ?? keyNode)}: ${dotted}: ${problem}: fix or remove that key`);
        origins[dotted] = lineOf(keyNode);
        if (dotted === "rules.disable") {
          const items = isSeq(valueNode) ? valueNode.items as YamlNode[] : [valueNode];
          const list = typeof value === "string" ? [value] : (value as string[]);
          checkRuleIds(list, (index) => lineOf(items[index] ?? valueNode));
        }
      } else if (valueNode === null || (isScalar(valueNode) && valueNode.value === null)) {
        origins[dotted] = lineOf(keyNode);
      } else {
        walk(valueNode, expected, dotted);
      }
    }
  };
  if (doc.contents && !(isScalar(doc.contents) && doc.contents.value === null)) walk(doc.contents as YamlNode, SCHEMA, "");
}

const asList = (value: unknown): string[] => (value === undefined || value === null ? [] : typeof value === "string" ? [value] : (value as string[]));

export function parseConfig(text: string, source: string): BgrConfig {
  if (source.endsWith(".json")) {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${source}: cannot parse, ${(error as Error).message.split("\n")[0]}: fix the syntax`);
    }
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const at = syntax.pos ? lines.linePos(syntax.pos[0]) : undefined;
    const where = at ? `${source}:${at.line}` : source;
    throw new ConfigError(`${where}: cannot parse, ${syntax.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "").replace(/:$/, "")}: fix the syntax`);
  }
  const origins: Record<string, string> = {};
  validate(doc, lines, source, origins);
  const raw = (doc.toJS() ?? {}) as Record<string, any>;
  const config: BgrConfig = { exclude: asList(raw.exclude), rules: { disable: asList(raw.rules?.disable) }, source, origins };
  if (raw.audit) config.audit = { ...raw.audit, ...(raw.audit.exclude !== undefined ? { exclude: asList(raw.audit.exclude) } : {}) };
  if (raw.coverage) config.coverage = { ...(raw.coverage.thresholds ? { thresholds: raw.coverage.thresholds } : {}) };
  if (raw.review) config.review = raw.review;
  for (const key of ["model", "provider", "baseUrl"] as const) if (typeof raw[key] === "string") config[key] = raw[key];
  if (typeof raw.allowExec === "boolean") config.allowExec = raw.allowExec;
  return config;
}

const cache = new Map<string, Promise<BgrConfig>>();

async function readConfig(root: string): Promise<BgrConfig> {
  for (const name of CONFIG_FILES) {
    let text: string;
    try {
      text = await readFile(path.join(root, name), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new ConfigError(`${name}: cannot read (${(error as Error).message})`);
    }
    return parseConfig(text, name);
  }
  return { exclude: [], rules: { disable: [] } };
}

/** Read once per process and root; engines and the runtime share the result. */
export function loadConfig(root: string): Promise<BgrConfig> {
  const key = path.resolve(root);
  let pending = cache.get(key);
  if (!pending) {
    pending = readConfig(key);
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

export interface ConfigEntry {
  key: string;
  value: unknown;
  /** "default", "env NAME", or "file:line". */
  from: string;
}

/** Every setting bgr reads, its effective value and where that came from: what `bgr config` prints. */
export function effectiveConfig(config: BgrConfig, env: NodeJS.ProcessEnv = process.env): ConfigEntry[] {
  const origin = (key: string) => config.origins?.[key] ?? "default";
  const entries: ConfigEntry[] = [
    { key: "exclude", value: config.exclude, from: origin("exclude") },
    { key: "rules.disable", value: config.rules.disable, from: origin("rules.disable") },
    { key: "audit.exclude", value: config.audit?.exclude ?? [], from: origin("audit.exclude") },
    { key: "audit.tests", value: config.audit?.tests ?? "demote", from: origin("audit.tests") },
    { key: "audit.min-confidence", value: config.audit?.["min-confidence"] ?? "(all)", from: origin("audit.min-confidence") },
    { key: "audit.severity", value: config.audit?.severity ?? "(all)", from: origin("audit.severity") },
    { key: "allowExec", value: config.allowExec ?? false, from: origin("allowExec") },
  ];
  const thresholds = config.coverage?.thresholds;
  if (thresholds && Object.keys(thresholds).length > 0) {
    for (const [metric, value] of Object.entries(thresholds)) entries.push({ key: `coverage.thresholds.${metric}`, value, from: origin(`coverage.thresholds.${metric}`) });
  } else {
    entries.push({ key: "coverage.thresholds", value: "the project's nyc/c8, jest or coverage.py limits, else lines 80 overall and 50 per file", from: "default" });
  }
  for (const [key, value] of Object.entries(REVIEW_DEFAULTS)) {
    const set = config.review?.[key];
    entries.push({ key: `review.${key}`, value: set ?? value, from: set === undefined ? "default" : origin(`review.${key}`) });
  }
  const ambient: Array<[keyof BgrConfig & string, string, unknown]> = [
    ["model", "BGR_MODEL", "(none: model runs need one)"],
    ["provider", "BGR_PROVIDER", "inferred from the model (claude* → anthropic, else openai)"],
    ["baseUrl", "BGR_BASE_URL", "the provider's public endpoint"],
  ];
  for (const [key, envName, fallback] of ambient) {
    // The environment outranks the file for model runs (engines/llm/settings.ts).
    const fromEnv = env[envName]?.trim();
    if (fromEnv) entries.push({ key, value: fromEnv, from: `env ${envName}` });
    else if (config[key] !== undefined) entries.push({ key, value: config[key], from: origin(key) });
    else entries.push({ key, value: fallback, from: "default" });
  }
  return entries;
}
