// Rule files are data (rules/security/<language>/*.yaml). This module
// validates them with zod, so the interpreter only ever sees checked rules.
// The build runs loadRuleSet once into dist (scripts/compile-rules.mjs);
// audits read that (compiled-rules.ts) and load this module only when the
// compiled file is missing or stale. Path matching lives in rule-paths.ts.
import { existsSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { defaultRulesDir, hashOf, modelsDirFor, ruleFiles } from "./rule-files.js";

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
  /** SQL text assembled at run time: a literal statement joined with values not known here. */
  "built-sql": z.boolean().optional(),
  /** The value is text built by concatenation or a template from a part that is not a literal. */
  built: z.boolean().optional(),
  /** The value holds literal text that reads as a SQL statement. */
  sql: z.boolean().optional(),
  /** The (positional) argument is written as a literal at the call, not read from a variable. */
  written: z.boolean().optional(),
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
    /**
     * Not in a route handler's own body: there the taint rules follow every value from the request,
     * so a shape-only finding ("a value built at run time") would only repeat or second-guess them.
     */
    "outside-routes": z.boolean().optional(),
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
        /** An argument, or "receiver" for a parser that parses itself (`p.setFeature(...)` then `p.parse(src)`). */
        arg: z.union([z.literal("receiver"), z.number(), z.string(), z.tuple([z.number(), z.string()])]),
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

const sourceSpec = z.object({
  path: stringList,
  label: z.string(),
  call: z.boolean().optional(),
  /** Written by the program's own user (command line, environment, terminal): its flows are reported at Low severity only. */
  local: z.boolean().optional(),
});
export type SourceSpec = z.infer<typeof sourceSpec>;
const sanitizerSpec = z.object({
  call: stringList,
  /** Sink classes made safe; "all" for everything. */
  clears: stringList,
  /** Only when these conditions hold at the call (e.g. the replaced text is a quote). */
  where: z.array(condition).default([]),
});
const propagatorSpec = z.object({
  call: stringList,
  /** Where the data comes from: the receiver, an argument position, or every argument. */
  from: z.union([z.literal("receiver"), z.literal("args"), z.number()]),
  /**
   * Where it goes: into the receiver (it holds the data from now on), the call's result, or the
   * parameters after the first (err) of the function arguments (Node-style callbacks: parseString(xml, (err, doc) => …)).
   */
  to: z.enum(["receiver", "return", "callback"]),
});
export type PropagatorSpec = z.infer<typeof propagatorSpec>;

const guardSpec = z.object({
  call: stringList,
  /** Which operand is validated: the receiver or an argument position. */
  checks: z.union([z.literal("receiver"), z.number()]),
  /** The keyword the checked argument may be passed by instead (`is_safe(url=x)`). */
  keyword: z.string().optional(),
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
  /** HTTP client calls shaped like route registrations (`https.get(url, (res) => …)`): their callback gets a response from elsewhere. */
  "not-routes": z.array(z.string()).default([]),
  /** Parameter names that hold the framework request / response objects. */
  "request-params": z.array(z.string()).default([]),
  /** Type annotations that make a parameter the request / response object (`req: Request`, `({ body }: Request)`). */
  "request-types": z.array(z.string()).default([]),
  "response-types": z.array(z.string()).default([]),
  /** Parameter decorators that fill the parameter from the request (NestJS `@Query()`), or with the request itself. */
  "param-decorators": z.array(z.object({ call: stringList, label: z.string(), request: z.boolean().optional() })).default([]),
  "response-params": z.array(z.string()).default([]),
  /** Files holding views: there a function whose first parameter is the request takes its other parameters from the URL. */
  "view-files": z.string().optional(),
  /** Attributes that hold a class's metadata, never request data, whatever object they are read from (Django's `Model._meta`). */
  "inert-members": z.array(z.string()).default([]),
  /** Calls that return their first argument unchanged (Object.freeze). */
  passthrough: z.array(z.string()).default([]),
  /** Calls that move data between their receiver, arguments and result (buffer.write, buffer.getvalue). */
  propagators: z.array(propagatorSpec).default([]),
  /**
   * Calls whose exception message quotes their input (`int("x")` raises "invalid literal for int()
   * with base 10: 'x'"): the exception caught around them carries that input as text.
   */
  "raises-with-input": z.array(z.string()).default([]),
  /** Library constants by path, as their documentation defines them (stat.S_IWOTH: 2). */
  constants: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
});

export type TaintConfig = z.infer<typeof taintConfigSchema>;
export type SanitizerSpec = TaintConfig["sanitizers"][number];

export interface RuleSet {
  rules: RuleSpec[];
  taint: Record<"python" | "javascript", TaintConfig>;
  /** The library model catalog (rules/models/<language>/<package>.yaml), merged into rules and taint above; kept for its examples. */
  models?: LibraryModel[];
  /** Stable hash of every rule file: part of the cache key. */
  hash: string;
}

export class RuleError extends Error {
  constructor(file: string, detail: string) {
    super(`rule file ${file}: ${detail}`);
    this.name = "RuleError";
  }
}

export { defaultRulesDir, rulesHash } from "./rule-files.js";

function formatZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
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
  const modelFiles = existsSync(modelsDirFor(dir)) ? ruleFiles(modelsDirFor(dir)) : [];
  const models = mergeModels(modelFiles, rules, taint as Record<"python" | "javascript", TaintConfig>);
  return { rules, taint: taint as Record<"python" | "javascript", TaintConfig>, models, hash: hashOf([...files, ...modelFiles.map((f) => ({ ...f, rel: `models/${f.rel}` }))]) };
}

// ---- the library model catalog ----------------------------------------------------

const modelExample = z.object({ code: z.string(), file: z.string().optional() }).or(z.string().transform((code) => ({ code, file: undefined })));

const librarySchema = z.object({
  language: z.enum(["python", "javascript"]),
  package: z.string(),
  /** Where the behaviour modelled here is documented. */
  docs: z.string(),
  models: z.array(
    z.object({
      name: z.string(),
      sources: z.array(sourceSpec).default([]),
      /** Sink matchers added to the named taint rule. */
      sinks: z.array(z.object({ rule: z.string() }).and(matcher)).default([]),
      /** Matchers added to the named pattern rule: dangerous wherever written (a keyword flag, an unsafe loader). */
      patterns: z.array(z.object({ rule: z.string() }).and(matcher)).default([]),
      sanitizers: z.array(sanitizerSpec).default([]),
      guards: z.array(guardSpec).default([]),
      propagators: z.array(propagatorSpec).default([]),
      /** The rule the examples are about: positive ones raise it, negative ones do not. */
      examples: z.object({ rule: z.string(), positive: z.array(modelExample).min(1), negative: z.array(modelExample).min(1) }),
    }),
  ).min(1),
});

export interface LibraryModel {
  file: string;
  language: "python" | "javascript";
  package: string;
  name: string;
  rule: string;
  positive: Array<{ code: string; file?: string }>;
  negative: Array<{ code: string; file?: string }>;
}

function mergeModels(files: Array<{ rel: string; text: string }>, rules: RuleSpec[], taint: Record<"python" | "javascript", TaintConfig>): LibraryModel[] {
  const out: LibraryModel[] = [];
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const { rel, text } of files) {
    const where = `models/${rel}`;
    let data: unknown;
    try {
      data = parseYaml(text);
    } catch (error) {
      throw new RuleError(where, `invalid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    const parsed = librarySchema.safeParse(data);
    if (!parsed.success) throw new RuleError(where, formatZodError(parsed.error));
    const lib = parsed.data;
    const config = taint[lib.language];
    for (const model of lib.models) {
      for (const { rule: id, ...sink } of model.sinks) {
        const rule = byId.get(id);
        if (!rule || rule.mode !== "taint") throw new RuleError(where, `model "${model.name}": sink names ${id}, which is not a taint rule`);
        if (!rule.languages.includes(lib.language)) throw new RuleError(where, `model "${model.name}": rule ${id} is not a ${lib.language} rule`);
        rule.sinks = [...(rule.sinks ?? []), sink as Matcher];
      }
      for (const { rule: id, ...pattern } of model.patterns) {
        const rule = byId.get(id);
        if (!rule || rule.mode !== "pattern") throw new RuleError(where, `model "${model.name}": pattern names ${id}, which is not a pattern rule`);
        if (!rule.languages.includes(lib.language)) throw new RuleError(where, `model "${model.name}": rule ${id} is not a ${lib.language} rule`);
        rule.patterns = [...(rule.patterns ?? []), pattern as Matcher];
      }
      if (!byId.has(model.examples.rule)) throw new RuleError(where, `model "${model.name}": examples name ${model.examples.rule}, which is no rule`);
      config.sources.push(...model.sources);
      config.sanitizers.push(...model.sanitizers);
      config.guards.push(...model.guards);
      config.propagators.push(...model.propagators);
      out.push({ file: where, language: lib.language, package: lib.package, name: model.name, rule: model.examples.rule, positive: model.examples.positive, negative: model.examples.negative });
    }
  }
  return out;
}
