// Rule files are data (rules/security/<language>/*.yaml). This module
// validates them with zod and compiles path patterns once, so the
// interpreter only ever sees checked, ready-to-match rules.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const constValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Which argument (position, keyword name, or both) and optionally which property inside it. */
const selector = z.object({
  arg: z.union([z.number(), z.string(), z.tuple([z.number(), z.string()])]).optional(),
  /** Dotted property path inside the selected value ("options.verify_signature"). */
  prop: z.string().optional(),
  /** Find `prop` at any depth of nested dicts. */
  deep: z.boolean().optional(),
  /** Select the receiver of a method call. */
  receiver: z.boolean().optional(),
  /** Select the assigned value (assign matchers). */
  value: z.boolean().optional(),
});

export type Selector = z.infer<typeof selector>;

const baseCondition = selector.extend({
  missing: z.boolean().optional(),
  present: z.boolean().optional(),
  is: z.array(constValue).optional(),
  "is-not": z.array(constValue).optional(),
  path: z.array(z.string()).optional(),
  "not-path": z.array(z.string()).optional(),
  matches: z.string().optional(),
  "not-matches": z.string().optional(),
  contains: z.array(constValue).optional(),
  lt: z.number().optional(),
  /** A number (or an octal string like "777") with any of these bits set: file modes. */
  bits: z.number().int().optional(),
  tainted: z.boolean().optional(),
  /** The value is not a compile-time constant. */
  dynamic: z.boolean().optional(),
});

export type Condition = z.infer<typeof baseCondition> & { any?: Condition[]; all?: Condition[]; not?: Condition };
const condition: z.ZodType<Condition> = z.lazy(() =>
  baseCondition.extend({
    any: z.array(condition).optional(),
    all: z.array(condition).optional(),
    not: condition.optional(),
  }),
) as z.ZodType<Condition>;

const stringList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

const matcher = z
  .object({
    /** Callee paths ("os.system", "*.execute"). */
    call: stringList.optional(),
    /** Assignment target paths ("*.innerHTML", "flask.session[]") or, with `name`, a regex on the target name. */
    assign: stringList.optional(),
    name: z.string().optional(),
    /** Any dict / object literal. */
    dict: z.boolean().optional(),
    /** Values returned from route handlers (framework views). */
    "route-return": z.boolean().optional(),
    /** Any string literal (secret formats). */
    string: z.boolean().optional(),
    where: z.array(condition).default([]),
    /** Regex on the nearest context name: assigned variable, keyword, dict key or enclosing function. */
    context: z.string().optional(),
    "not-context": z.string().optional(),
    /** File path regex the match is limited to. */
    file: z.string().optional(),
    /** Taint sinks: which arguments must not be tainted (default: the first). */
    args: z.array(z.union([selector, z.number(), z.string(), z.tuple([z.number(), z.string()])])).optional(),
    /** Only the value's own taint counts (not its elements): a dict literal of tainted strings is fine. */
    shallow: z.boolean().optional(),
    /** How deep into the value's elements taint counts (0 = the value itself, 1 = its direct fields). */
    depth: z.number().int().min(0).optional(),
    /** For list arguments, only this element counts (the program of an argv list). */
    element: z.number().optional(),
    /** The assigned value must be written literally (hard-coded), not read from a variable. */
    literal: z.boolean().optional(),
    /** The tainted value must contain HTML markup built around it. */
    html: z.boolean().optional(),
    /** The tainted value must be markup or text built by concatenation (not an object sent as JSON). */
    text: z.boolean().optional(),
    /** This matcher's own confidence and severity, when they differ from the rule's (a context-free site is Low). */
    confidence: z.enum(["High", "Medium", "Low"]).optional(),
    severity: z.enum(["High", "Medium", "Low", "Info"]).optional(),
    /** Raised to this confidence and severity when the value is followed, in its function, into a cookie, a session or a secret-named field. */
    /**
     * Only when the object passed as `arg` was configured, in the same function, by `method(first, value)`:
     * `parser.setFeature(feature_external_ges, True)` before `parseString(doc, parser)`.
     */
    configured: z
      .object({
        arg: z.union([z.number(), z.string(), z.tuple([z.number(), z.string()])]),
        method: z.string(),
        /** Regex on the first argument's name or string value. */
        first: z.string(),
        value: constValue,
      })
      .optional(),
    /** Lowered to this when the value only fills in a parameter the caller left out (`if ctx is None: ctx = weak()`). */
    "param-default": z.object({ confidence: z.enum(["High", "Medium", "Low"]), severity: z.enum(["High", "Medium", "Low", "Info"]) }).optional(),
    "secret-use": z.object({ confidence: z.enum(["High", "Medium", "Low"]), severity: z.enum(["High", "Medium", "Low", "Info"]) }).optional(),
  })
  .refine((m) => m.call || m.assign || m.name || m.dict || m["route-return"] || m.string, {
    message: "a matcher needs one of call, assign, name, dict, route-return, string",
  });

export type Matcher = z.infer<typeof matcher>;

const example = z
  .object({
    code: z.string(),
    file: z.string().optional(),
    /** Positive examples: the confidence the finding must carry. */
    confidence: z.enum(["High", "Medium", "Low"]).optional(),
  })
  .or(z.string().transform((code) => ({ code, file: undefined, confidence: undefined })));

const ruleSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "rule ids are lower-case words joined by . or -"),
  title: z.string(),
  languages: z.array(z.enum(["python", "javascript"])).min(1),
  cwe: z.number().int().positive(),
  /** Further CWEs the same weakness is also an instance of (md5 of a password: CWE-916 and CWE-328). */
  "also-cwe": z.array(z.number().int().positive()).optional(),
  owasp: z.string().regex(/^A\d\d:2021$/, 'OWASP ids look like "A03:2021"'),
  severity: z.enum(["High", "Medium", "Low", "Info"]),
  confidence: z.enum(["High", "Medium", "Low"]),
  message: z.string(),
  remediation: z.string(),
  mode: z.enum(["pattern", "taint"]),
  /** Pattern mode: any matcher matching reports. */
  patterns: z.array(matcher).optional(),
  /** Taint mode: the sink class sanitizers name ("sql", "xss"…). */
  class: z.string().optional(),
  sinks: z.array(matcher).optional(),
  examples: z.object({ positive: z.array(example).min(1), negative: z.array(example).min(1) }),
});

export type RuleSpec = z.infer<typeof ruleSchema>;

const sourceSpec = z.object({ path: stringList, label: z.string(), call: z.boolean().optional() });
const sanitizerSpec = z.object({
  call: stringList,
  /** Sink classes made safe; "all" for everything. */
  clears: stringList,
  /** Only when these conditions hold at the call (e.g. the replaced text is a quote). */
  where: z.array(condition).default([]),
});
const guardSpec = z.object({
  call: stringList,
  /** Which operand is validated: the receiver or an argument position. */
  checks: z.union([z.literal("receiver"), z.number()]),
  clears: stringList,
  /** Only values that went through a normalizer (marker class) are cleared. */
  requires: z.string().optional(),
  where: z.array(condition).default([]),
});

const taintConfigSchema = z.object({
  language: z.enum(["python", "javascript"]),
  sources: z.array(sourceSpec),
  sanitizers: z.array(sanitizerSpec).default([]),
  guards: z.array(guardSpec).default([]),
  /** Calls that never return (abort, exit): the path after them is dead. */
  noreturn: z.array(z.string()).default([]),
  /** Decorator / registration callee paths that make a function a route handler. */
  routes: z.array(z.string()).default([]),
  /** Parameter names that hold the framework request / response objects. */
  "request-params": z.array(z.string()).default([]),
  "response-params": z.array(z.string()).default([]),
  /** Files holding views: there a function whose first parameter is the request takes its other parameters from the URL. */
  "view-files": z.string().optional(),
  /** Calls that return their first argument unchanged (Object.freeze). */
  passthrough: z.array(z.string()).default([]),
});

export type TaintConfig = z.infer<typeof taintConfigSchema>;
export type SanitizerSpec = TaintConfig["sanitizers"][number];

interface ConfigIndexes {
  sanitizers: PathIndex<SanitizerSpec>;
  sources: PathIndex<string>;
}

const configIndexes = new WeakMap<TaintConfig, ConfigIndexes>();

/** Sanitizers and sources of a taint configuration, indexed once per configuration. */
export function indexesFor(config: TaintConfig): ConfigIndexes {
  let indexes = configIndexes.get(config);
  if (!indexes) {
    indexes = {
      sanitizers: new PathIndex(config.sanitizers.map((s) => ({ patterns: s.call, item: s }))),
      sources: new PathIndex(config.sources.map((s) => ({ patterns: s.path, item: s.label }))),
    };
    configIndexes.set(config, indexes);
  }
  return indexes;
}

export interface RuleSet {
  rules: RuleSpec[];
  taint: Record<"python" | "javascript", TaintConfig>;
  /** Stable hash of every rule file: part of the cache key. */
  hash: string;
}

export class RuleError extends Error {
  constructor(file: string, detail: string) {
    super(`rule file ${file}: ${detail}`);
    this.name = "RuleError";
  }
}

/** The packaged rules folder: <package>/rules/security, found from dist/src/engines/security-audit or src/…. */
export function defaultRulesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, "rules", "security");
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error("bgr rules folder rules/security not found next to the package; reinstall bgr");
}

function formatZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

function ruleFiles(dir: string): Array<{ rel: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((rel) => ({ rel, text: readFileSync(path.join(dir, rel), "utf8") }));
}

function hashOf(files: Array<{ rel: string; text: string }>): string {
  const hash = createHash("sha256");
  for (const { rel, text } of files) hash.update(rel).update("\0").update(text);
  return hash.digest("hex").slice(0, 16);
}

/** The rule set's identity for cache keys, without parsing or validating anything. */
export function rulesHash(dir = defaultRulesDir()): string {
  return hashOf(ruleFiles(dir));
}

export function loadRuleSet(dir = defaultRulesDir()): RuleSet {
  const rules: RuleSpec[] = [];
  const taint: Partial<Record<"python" | "javascript", TaintConfig>> = {};
  const files = ruleFiles(dir);
  const seen = new Set<string>();
  for (const { rel, text } of files) {
    let data: unknown;
    try {
      data = parseYaml(text);
    } catch (error) {
      throw new RuleError(rel, `invalid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    if (data && typeof data === "object" && "sources" in data) {
      const parsed = taintConfigSchema.safeParse(data);
      if (!parsed.success) throw new RuleError(rel, formatZodError(parsed.error));
      taint[parsed.data.language] = parsed.data;
      continue;
    }
    const parsed = ruleSchema.safeParse(data);
    if (!parsed.success) throw new RuleError(rel, formatZodError(parsed.error));
    const rule = parsed.data;
    if (seen.has(rule.id)) throw new RuleError(rel, `duplicate rule id ${rule.id}`);
    seen.add(rule.id);
    if (rule.mode === "taint" && (!rule.sinks?.length || !rule.class)) throw new RuleError(rel, "taint rules need `class` and `sinks`");
    if (rule.mode === "pattern" && !rule.patterns?.length) throw new RuleError(rel, "pattern rules need `patterns`");
    rules.push(rule);
  }
  for (const lang of ["python", "javascript"] as const) {
    if (!taint[lang]) throw new RuleError(dir, `no taint configuration (sources) for ${lang}`);
  }
  return { rules, taint: taint as Record<"python" | "javascript", TaintConfig>, hash: hashOf(files) };
}

const patternCache = new Map<string, RegExp>();

/**
 * Callee / member paths: "os.system" matches exactly; a leading "*." matches
 * any receiver ("*.execute" ⇒ "db.cursor().execute"); "*" elsewhere matches
 * one segment and "**" any number ("requests.**" ⇒ "requests.Session().get").
 */
export function pathMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  let re = patternCache.get(pattern);
  if (!re) {
    let body = "";
    let rest = pattern;
    if (rest.startsWith("*.")) {
      body = "(?:.+\\.)?";
      rest = rest.slice(2);
    }
    body += rest
      .split(".")
      .map((seg) => (seg === "**" ? ".+" : seg === "*" ? "[^.]+" : seg.replace(/[\\^$+?()[\]{}|]/g, "\\$&").replace(/\*/g, "[^.]*")))
      .join("\\.");
    re = new RegExp(`^${body}$`);
    patternCache.set(pattern, re);
  }
  return re.test(value);
}

interface CompiledList {
  /** Patterns by their last segment ("*.execute" under "execute"): a path only meets the few that can match it. */
  byLast: Map<string, RegExp>;
  /** Patterns whose last segment is a wildcard. */
  wild?: RegExp;
  memo: Map<string, boolean>;
}

function alternation(patterns: string[]): RegExp {
  for (const p of patterns) pathMatches(p, "");
  return new RegExp(`^(?:${patterns.map((p) => patternCache.get(p)!.source.slice(1, -1)).join("|")})$`);
}

// Rule lists are matched against every call site: an index by last
// segment, one alternation per bucket, and a memo per distinct path.
const compiledLists = new WeakMap<readonly string[], CompiledList>();

function compileList(patterns: readonly string[]): CompiledList {
  const buckets = new Map<string, string[]>();
  const wild: string[] = [];
  for (const p of patterns) {
    const last = p.slice(p.lastIndexOf(".") + 1);
    if (last.includes("*") || last.includes("(") || last.includes("[")) wild.push(p);
    else buckets.set(last, [...(buckets.get(last) ?? []), p]);
  }
  const byLast = new Map<string, RegExp>();
  for (const [last, list] of buckets) byLast.set(last, alternation(list));
  return { byLast, wild: wild.length ? alternation(wild) : undefined, memo: new Map() };
}

export function anyPathMatches(patterns: readonly string[], value: string | undefined): boolean {
  if (value === undefined || patterns.length === 0) return false;
  let compiled = compiledLists.get(patterns);
  if (!compiled) {
    compiled = compileList(patterns);
    compiledLists.set(patterns, compiled);
  }
  let hit = compiled.memo.get(value);
  if (hit === undefined) {
    const bucket = compiled.byLast.get(value.slice(value.lastIndexOf(".") + 1));
    hit = (bucket?.test(value) ?? false) || (compiled.wild?.test(value) ?? false);
    if (compiled.memo.size > 20000) compiled.memo.clear();
    compiled.memo.set(value, hit);
  }
  return hit;
}

/**
 * Which of many (patterns, item) entries match a path, answered from an index
 * by last segment so a path meets only the entries that could match it; used
 * for sink matchers, sanitizers and sources, which every call site consults.
 */
export class PathIndex<T> {
  private readonly byLast = new Map<string, Array<{ patterns: readonly string[]; item: T; order: number }>>();
  private readonly wild: Array<{ patterns: readonly string[]; item: T; order: number }> = [];
  private readonly memo = new Map<string, T[]>();

  constructor(entries: ReadonlyArray<{ patterns: readonly string[]; item: T }>) {
    for (const [order, { patterns, item }] of entries.entries()) {
      const entry = { patterns, item, order };
      const lasts = new Set<string>();
      let isWild = false;
      for (const p of entry.patterns) {
        const last = p.slice(p.lastIndexOf(".") + 1);
        if (last.includes("*") || last.includes("(") || last.includes("[")) isWild = true;
        else lasts.add(last);
      }
      if (isWild) this.wild.push(entry);
      else for (const last of lasts) this.byLast.set(last, [...(this.byLast.get(last) ?? []), entry]);
    }
  }

  /** Matching items, in the order the entries were given. */
  lookup(path: string | undefined): T[] {
    if (path === undefined) return [];
    let hit = this.memo.get(path);
    if (!hit) {
      const candidates = [...(this.byLast.get(path.slice(path.lastIndexOf(".") + 1)) ?? []), ...this.wild];
      hit = candidates
        .filter((c) => anyPathMatches(c.patterns, path))
        .sort((a, b) => a.order - b.order)
        .map((c) => c.item);
      if (this.memo.size > 50000) this.memo.clear();
      this.memo.set(path, hit);
    }
    return hit;
  }
}
