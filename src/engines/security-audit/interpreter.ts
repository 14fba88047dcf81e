// The taint interpreter: a flow-sensitive abstract interpretation of one
// file's IR. Statements run over a state (variable → abstract value);
// branches fork and join, loops iterate to a fixpoint, constant conditions
// take one side only, calls to functions of the same file are analysed with
// the caller's argument values (memoized summaries), and every call,
// assignment, literal and return is offered to the rules.
import { VUE_V_HTML } from "../../lang/vue.js";
import type { Expr, FunctionIR, Loc, ModuleIR, Stmt, Target } from "../../lang/ir.js";
import type { TraceStep } from "../../protocol/finding.js";
import { binaryOp, evalExpr, evalQuietExpr, lookupName, memberOfValue } from "./expressions.js";
import { analyseStandalone, invokeLocal, isHandler } from "./functions.js";
import { bindImport, type LoadedModule, type ProjectModules, starNames } from "./modules.js";
import { matchesOfKind, type MatchContext, type Site, siteMatchesKind, sinkTaint } from "./matching.js";
import { canRefine, refine } from "./refine.js";
import type { GlobalReads } from "./shared-calls.js";
import { anyPathMatches, indexesFor, PathIndex } from "./rule-paths.js";
import type { Matcher, RuleSpec, TaintConfig } from "./rules.js";
import {
  addStep, anyElement, CLEAN, type ClassInfo, constOf, deepTaint, joinStates, joinTaint, joinValues, LOCAL_INPUT,
  member, sameValue, stepAt, type Taint, truthiness, type Value, withField, withRest,
} from "./values.js";

export type State = Map<string, Value>;
export { joinStates };

export interface RawFinding {
  rule: RuleSpec;
  /** The file the finding is in: the analysed file, or a project module its data flowed into. */
  file: string;
  loc: Loc;
  taint?: Taint;
  sinkPath?: string;
  /** The matcher that matched, for its own confidence and severity. */
  matcher?: Matcher;
  /** A pattern that asks for tainted data met only the command line or environment (reported at Low, like such flows). */
  localOnly?: boolean;
}

export interface Frame {
  state: State | null;
  fn?: FunctionIR;
  route: boolean;
  scope?: State;
  className?: string;
  ret?: Value;
  /** States saved by break/continue, joined at the loop's end. */
  carry?: State | null;
  contextNames: string[];
  depth: number;
  /** Module-level names of the function's own file (another project module's, for its functions). */
  globals?: State;
  /** The fixed URL rule of the route being run, when it has no variables. */
  routePath?: string;
}

interface CompiledMatcher {
  rule: RuleSpec;
  matcher: Matcher;
}

const MAX_LOOP_ROUNDS = 3;

function confidenceRank(c: string): number {
  return c === "High" ? 3 : c === "Medium" ? 2 : 1;
}

const SCALAR_SOURCE = /^\$request\.(query|params|cookies|headers)\.[^.[(]+$/;

interface CompiledRules {
  bySite: Record<Site["kind"], CompiledMatcher[]>;
  /** Callee path → the call matchers that can match it; shared by every file analysed with these rules. */
  callMatchers: PathIndex<CompiledMatcher>;
  /** Assigned path and name → the assignment matchers whose path and name patterns hold; every assignment is offered. */
  assignMatchers: Map<string, CompiledMatcher[]>;
}

const compiledRules = new WeakMap<RuleSpec[], CompiledRules>();

function compileRules(rules: RuleSpec[]): CompiledRules {
  let compiled = compiledRules.get(rules);
  if (compiled) return compiled;
  const bySite: CompiledRules["bySite"] = { call: [], assign: [], dict: [], return: [], string: [] };
  for (const rule of rules) {
    for (const matcher of rule.mode === "taint" ? rule.sinks ?? [] : rule.patterns ?? []) {
      const kind: Site["kind"] = matcher.call ? "call" : matcher.assign || matcher.name ? "assign" : matcher.dict ? "dict" : matcher["route-return"] ? "return" : "string";
      bySite[kind].push({ rule, matcher });
    }
  }
  compiled = { bySite, callMatchers: new PathIndex(bySite.call.map((m) => ({ patterns: m.matcher.call!, item: m }))), assignMatchers: new Map() };
  compiledRules.set(rules, compiled);
  return compiled;
}

export class Interpreter {
  readonly findings = new Map<string, RawFinding>();
  readonly moduleScope: State = new Map();
  readonly classes = new Map<string, ClassInfo>();
  readonly routeFns = new WeakSet<FunctionIR>();
  /** Per enclosing `try` body: request data given to calls whose exceptions quote their input. */
  readonly tryInputs: Array<{ t?: Taint }> = [];
  /** Framework meaning of a callback's parameters, by position ("$request", "$message_event"). */
  readonly paramPaths = new WeakMap<FunctionIR, string[]>();
  readonly pending: Array<{ fn: FunctionIR; scope?: State }> = [];
  readonly analysed = new WeakSet<FunctionIR>();
  readonly summaries = new Map<FunctionIR, Map<string, Value>>();
  readonly inlineStack: FunctionIR[] = [];
  private readonly bySite: Record<Site["kind"], CompiledMatcher[]>;
  private readonly callMatchers: PathIndex<CompiledMatcher>;
  private readonly assignMatchers: Map<string, CompiledMatcher[]>;
  /** Whether any rule looks at string literals (hard-coded secrets), so literals need offering at all. */
  get hasStringRules(): boolean {
    return this.bySite.string.length > 0;
  }
  budget = 20000;
  /** What `resolve(x)` calls inside the promise executor being analysed passed on. */
  resolved: Taint | undefined;
  /** The file whose code is running: the analysed one, or a project module it called into. */
  currentFile: string;
  /** Project modules loaded by imports, by file: their module-level names. */
  readonly moduleScopes = new Map<string, State>();
  /** What this file's analysis read from other files (cache invalidation). */
  readonly dependencies = new Map<string, LoadedModule>();
  /** Module globals of each function value made while another module's top level ran. */
  readonly fnGlobals = new WeakMap<FunctionIR, State>();
  /** Above zero while another module's top level runs: its own findings belong to its own analysis. */
  quiet = 0;
  /**
   * Whether calls into other modules may be shared with the thread's other analyses (shared-calls.ts):
   * off for good once this analysis wrote to another module's names or hit the cap on modules loaded.
   */
  sharing: boolean;
  /** Counts what a call can do besides returning (a finding, a load, a nested call …): a call that changed it is not shared. */
  effects = 0;
  /** Module-level names read by the shared call being run. */
  globalReads: GlobalReads | undefined;
  /** Module states of other project modules (their functions' globals and scopes): writing to one ends sharing. */
  readonly foreignScopes = new WeakSet<State>();

  constructor(
    readonly module: ModuleIR,
    readonly file: string,
    readonly rules: RuleSpec[],
    readonly config: TaintConfig,
    readonly modules?: ProjectModules,
  ) {
    this.currentFile = file;
    this.sharing = modules !== undefined;
    const compiled = compileRules(rules);
    this.bySite = compiled.bySite;
    this.callMatchers = compiled.callMatchers;
    this.assignMatchers = compiled.assignMatchers;
  }

  run(): RawFinding[] {
    const top: Frame = { state: this.moduleScope, route: false, contextNames: [], depth: 0 };
    this.execBlock(this.module.body, top);
    // Fields a class's methods write become visible to its other methods.
    for (const cls of this.classes.values()) {
      // A class another project module defined is analysed, and reported, as part of that module's own analysis.
      for (const fn of cls.methods.values()) if (fn.file === undefined) this.analyseStandalone(fn, undefined);
    }
    while (this.pending.length && this.budget > 0) {
      const { fn, scope } = this.pending.shift()!;
      if (this.analysed.has(fn)) continue;
      this.analysed.add(fn);
      this.analyseStandalone(fn, scope);
    }
    return [...this.findings.values()];
  }

  /** A function value came into being: this file's are analysed on their own too; another module's keep its globals. */
  defined(fn: FunctionIR, scope: State, frame: Frame): void {
    this.effects++;
    if (frame.globals && frame.globals !== this.moduleScope) {
      this.fnGlobals.set(fn, frame.globals);
      this.foreignScopes.add(frame.globals).add(scope);
    }
    if (fn.file === undefined) this.pending.push({ fn, scope });
  }

  // ---- sites and findings -------------------------------------------------


  offer(site: Site, frame: Frame): void {
    const catching = this.tryInputs.at(-1);
    if (catching && site.kind === "call" && anyPathMatches(this.config["raises-with-input"], site.path)) {
      const before = catching.t;
      for (const a of site.args) catching.t = joinTaint(catching.t, deepTaint(a.value));
      if (catching.t !== before) this.effects++;
    }
    let list = this.bySite[site.kind];
    // Most call sites and assignments match no rule at all: decide which matchers' paths and names fit once per path.
    if (site.kind === "call") list = site.path === undefined ? [] : this.callMatchers.lookup(site.path);
    else if (site.kind === "assign") list = this.assignCandidates(site);
    const kindChecked = site.kind === "call" || site.kind === "assign";
    if (list.length === 0) return;
    // A route handler run from another (a GET view calling the POST one) is still a route handler.
    const ctx: MatchContext = { file: this.currentFile, contextNames: frame.contextNames, inRoute: () => frame.route || (frame.fn !== undefined && isHandler(this, frame.fn)) };
    for (const { rule, matcher } of list) {
      if (!(kindChecked || siteMatchesKind(matcher, site)) || !matchesOfKind(matcher, site, ctx)) continue;
      if (rule.mode === "pattern") {
        this.report(rule, site.loc, undefined, undefined, matcher);
        const reported = this.findings.get(`${this.currentFile}:${rule.id}:${site.loc.line}:${site.loc.column}`);
        if (reported && !reported.taint && matcher.where?.some((c) => c.tainted) && onlyLocalTaint(site)) reported.localOnly = true;
      }
      else {
        const t = sinkTaint(matcher, site, rule.class!);
        if (t) this.report(rule, site.loc, t, site.kind === "call" || site.kind === "assign" ? site.path : undefined, matcher);
      }
    }
  }

  private assignCandidates(site: Extract<Site, { kind: "assign" }>): CompiledMatcher[] {
    const key = `${site.path ?? "\u0001"}\0${site.name ?? "\u0001"}`;
    let list = this.assignMatchers.get(key);
    if (!list) {
      list = this.bySite.assign.filter((m) => siteMatchesKind(m.matcher, site));
      if (this.assignMatchers.size > 50000) this.assignMatchers.clear();
      this.assignMatchers.set(key, list);
    }
    return list;
  }

  report(rule: RuleSpec, loc: Loc, taint?: Taint, sinkPath?: string, matcher?: Matcher): void {
    // Another module's own code is reported by that module's analysis; only flows from this file count here.
    if (this.quiet > 0 || (this.currentFile !== this.file && !taint)) return;
    this.effects++;
    const file = this.currentFile;
    const key = `${file}:${rule.id}:${loc.line}:${loc.column}`;
    const existing = this.findings.get(key);
    // Two matchers of one pattern rule at one site: the surer one speaks.
    const surer = existing && !taint && !existing.taint && confidenceRank(matcher?.confidence ?? rule.confidence) > confidenceRank(existing.matcher?.confidence ?? rule.confidence);
    if (existing && !surer && (!taint || (existing.taint && existing.taint.steps.length <= taint.steps.length))) return;
    this.findings.set(key, { rule, file, loc, taint, sinkPath, matcher });
  }

  sourceLabel(path: string | undefined): string | undefined {
    return indexesFor(this.config).sources.lookup(path)[0]?.label;
  }


  withSource(v: Value, loc: Loc): Value {
    // One query, path, cookie or header value is a string: sent back as a response body it is text, not JSON.
    if (v.t && !v.text && v.path !== undefined && SCALAR_SOURCE.test(v.path)) return { ...v, text: true };
    const source = v.t ? undefined : indexesFor(this.config).sources.lookup(v.path)[0];
    if (!source) return v;
    // The local-input marker clears no sink class; joined with request data it drops out (joinTaint keeps common marks only).
    const t: Taint = { steps: [stepAt(this.currentFile, loc, `source: \`${displayPath(v.path!)}\` (${source.label})`)], cleared: source.local ? [LOCAL_INPUT] : [] };
    return SCALAR_SOURCE.test(v.path!) ? { ...v, t, text: true } : { ...v, t };
  }

  step(loc: Loc, note: string): TraceStep {
    return stepAt(this.currentFile, loc, note);
  }

  // ---- functions (functions.ts) -------------------------------------------------

  analyseStandalone(fn: FunctionIR, scope: State | undefined): void {
    analyseStandalone(this, fn, scope);
  }

  // ---- statements ---------------------------------------------------------

  execBlock(stmts: Stmt[], frame: Frame): void {
    for (const s of stmts) {
      if (frame.state === null) return;
      this.exec(s, frame);
    }
  }

  exec(s: Stmt, frame: Frame): void {
    const state = frame.state!;
    switch (s.k) {
      case "assign": {
        const names = targetNames(s.target);
        // `const hashPassword = (pw) => …`: the function is known by the name it is stored under.
        if (s.value.k === "func" && !s.value.fn.name && names[0]) s.value.fn.name = names[0];
        const inner: Frame = { ...frame, contextNames: [...names, ...frame.contextNames] };
        let value = this.eval(s.value, inner);
        const literal = isLiteral(s.value);
        if (s.op) {
          const old = this.eval(targetExpr(s.target) ?? s.value, frame);
          value = this.binary(s.op, old, value, s.loc);
        } else if (s.target.k === "name" && isCheck(s.value)) value = { ...value, test: s.value };
        frame.state = inner.state;
        this.assignTarget(s.target, value, frame, s.loc, literal);
        frame.state = inner.state;
        return;
      }
      case "expr":
        this.eval(s.expr, frame);
        return;
      case "return": {
        const value = s.value ? this.eval(s.value, frame) : CLEAN;
        if (frame.route) this.offer({ kind: "return", value, route: true, loc: s.loc }, frame);
        frame.ret = joinValues(frame.ret, value);
        frame.state = null;
        return;
      }
      case "throw":
        if (s.value) this.eval(s.value, frame);
        frame.state = null;
        return;
      case "if": {
        const test = this.eval(s.test, frame);
        const truth = truthiness(test);
        if (truth === true) return this.execBlock(s.then, frame);
        if (truth === false) return this.execBlock(s.else, frame);
        const before = frame.state!;
        const narrows = canRefine(s.test, frame);
        frame.state = narrows ? refine(this, new Map(before), s.test, true, frame) : new Map(before);
        this.execBlock(s.then, frame);
        const afterThen = frame.state;
        // The else branch may have the original state: nothing else reads it any more.
        frame.state = narrows ? refine(this, before, s.test, false, frame) : before;
        this.execBlock(s.else, frame);
        frame.state = this.joinBranches(afterThen, frame.state, frame);
        return;
      }
      case "loop":
        return this.execLoop(s, frame);
      case "branches": {
        const subject = s.subject ? this.eval(s.subject, frame) : undefined;
        const chosen = this.module.language === "python" ? constantArm(s, subject) : undefined;
        if (chosen !== undefined) return chosen === null ? undefined : this.execBlock(s.arms[chosen]!, frame);
        const before = frame.state!;
        let out: State | null = s.exhaustive ? null : new Map(before);
        for (const [i, arm] of s.arms.entries()) {
          const armFrame: Frame = { ...frame, state: new Map(before), carry: null };
          const tests = s.tests?.[i];
          if (s.subject && tests?.length) {
            // Inside `case 'eu': case 'us':` the subject is one of those constants.
            const choices: Expr = { k: "list", elements: tests, loc: s.loc };
            armFrame.state = refine(this, armFrame.state!, { k: "binary", op: "in", left: s.subject, right: choices, loc: s.loc }, true, armFrame);
          }
          this.execBlock(arm, armFrame);
          out = this.joinBranches(out, this.joinBranches(armFrame.state, armFrame.carry ?? null, frame), frame);
          frame.ret = armFrame.ret ? joinValues(frame.ret, armFrame.ret) : frame.ret;
        }
        frame.state = out;
        return;
      }
      case "try": {
        const before = new Map(state);
        const raised: { t?: Taint } = {};
        this.tryInputs.push(raised);
        try {
          this.execBlock(s.body, frame);
        } finally {
          this.tryInputs.pop();
        }
        this.execBlock(s.orelse, frame);
        let out = frame.state;
        // `except ValueError as e`: the message of a parser's exception quotes the text it was given.
        const caught: Value = raised.t ? { t: addStep(raised.t, this.step(s.loc, "exception message quotes the parsed input")), text: true } : CLEAN;
        for (const h of s.handlers) {
          const hs = joinStates(before, out) ?? new Map(before);
          if (h.name) hs.set(h.name, caught);
          frame.state = hs;
          this.execBlock(h.body, frame);
          out = this.joinBranches(out, frame.state, frame);
        }
        frame.state = out;
        if (s.finally.length) {
          frame.state = frame.state ?? new Map(before);
          this.execBlock(s.finally, frame);
          if (out === null) frame.state = null;
        }
        return;
      }
      case "break":
      case "continue":
        frame.carry = joinStates(frame.carry ?? null, state);
        frame.state = null;
        return;
      case "func": {
        const v: Value = { fn: s.fn, scope: state, path: s.fn.name };
        if (s.fn.name && !s.fn.className) state.set(s.fn.name, v);
        this.defined(s.fn, state, frame);
        this.offerDecorators(s.fn.decorators, v, frame);
        return;
      }
      case "class":
        return this.execClass(s, frame);
      case "import":
        for (const b of s.bindings) {
          if (b.star) for (const [k, v] of starNames(this, b)) state.set(k, v);
          else state.set(b.local, bindImport(this, b, state));
        }
        return;
      case "block":
        return this.execBlock(s.body, frame);
    }
  }

  private execLoop(s: Extract<Stmt, { k: "loop" }>, frame: Frame): void {
    const iter = s.iter ? this.eval(s.iter, frame) : undefined;
    if (s.test && !s.iter && truthiness(this.eval(s.test, frame)) === false) return this.execBlock(s.orelse, frame);
    const before = frame.state!;
    let entry: State = new Map(before);
    let exit: State | null = new Map(before);
    const savedCarry = frame.carry;
    for (let round = 0; round < MAX_LOOP_ROUNDS; round++) {
      frame.state = new Map(entry);
      frame.carry = null;
      if (s.target && iter) this.assignTarget(s.target, { ...anyElement(iter), path: undefined }, frame, s.loc);
      if (s.test && s.iter === undefined) frame.state = refine(this, frame.state!, s.test, true, frame);
      this.execBlock(s.body, frame);
      const end = joinStates(frame.state, frame.carry ?? null);
      exit = joinStates(exit, end);
      const next = joinStates(entry, end) ?? entry;
      if (statesEqual(next, entry)) break;
      entry = next;
    }
    frame.carry = savedCarry;
    frame.state = exit;
    if (frame.state) this.execBlock(s.orelse, frame);
  }

  private execClass(s: Extract<Stmt, { k: "class" }>, frame: Frame): void {
    const bases = s.bases.map((b) => this.evalQuiet(b).path ?? "").filter(Boolean);
    const cls: ClassInfo = { name: s.name, methods: new Map(), bases, fields: new Map() };
    for (const b of bases) {
      const parent = this.classes.get(b);
      if (parent) {
        for (const [k, m] of parent.methods) cls.methods.set(k, m);
        for (const [k, v] of parent.fields) cls.fields.set(k, v);
      }
    }
    this.classes.set(s.name, cls);
    const classFrame: Frame = { state: new Map(), route: false, className: s.name, scope: frame.state!, contextNames: [s.name], depth: frame.depth };
    for (const stmt of s.body) {
      if (stmt.k === "func" && stmt.fn.name) {
        cls.methods.set(stmt.fn.name, stmt.fn);
        this.defined(stmt.fn, frame.state!, frame);
        this.offerDecorators(stmt.fn.decorators, { fn: stmt.fn, path: stmt.fn.name }, frame);
      } else if (classFrame.state) this.exec(stmt, classFrame);
    }
    this.offerDecorators(s.decorators, { cls, path: s.name }, frame);
    for (const [k, v] of classFrame.state ?? []) {
      if (k === "this") for (const [fk, fv] of v.fields ?? []) cls.fields.set(fk, fv);
      else cls.fields.set(k, v);
    }
    frame.state!.set(s.name, { cls, path: s.name });
  }

  /**
   * The state after two branches. A variable only one branch assigned keeps,
   * on the other side, what it held before: for a variable of an enclosing
   * function (a callback's `if (!ok) url = "/"`) that is the captured value,
   * which must join in instead of being overwritten.
   */
  joinBranches(a: State | null, b: State | null, frame: Frame): State | null {
    if (a && b) {
      for (const [x, y] of [[a, b], [b, a]] as const) {
        for (const k of x.keys()) {
          if (y.has(k)) continue;
          const outer = frame.scope?.get(k) ?? (frame.globals ?? this.moduleScope).get(k);
          if (outer && y !== (frame.globals ?? this.moduleScope)) y.set(k, outer);
        }
      }
    }
    return joinStates(a, b);
  }

  // ---- assignment -----------------------------------------------------------

  /**
   * `literal`: the value is written literally in the source (not read from a variable).
   * A parameter, not a frame field: a frame copied to carry it cost more than the whole assignment (measured).
   */
  assignTarget(t: Target, value: Value, frame: Frame, loc: Loc, literal = false): void {
    const state = frame.state;
    if (!state) return;
    switch (t.k) {
      case "name": {
        this.offer({ kind: "assign", path: t.name, name: t.name, value, loc, literal }, frame);
        const v = value.t ? { ...value, t: addStep(value.t, this.step(loc, `assigned to \`${t.name}\``)) } : value;
        state.set(t.name, v);
        return;
      }
      case "attr": {
        const obj = this.eval(t.object, frame);
        const path = `${obj.path ?? "?"}.${t.name}`;
        this.offer({ kind: "assign", path, name: t.name, value, loc, literal }, frame);
        this.updateLvalue(t.object, frame, (o) => withField(o, t.name, value));
        return;
      }
      case "index": {
        const obj = this.eval(t.object, frame);
        const key = this.eval(t.index, frame);
        const k = constOf(key);
        const name = k === undefined || k === null ? undefined : String(k);
        this.offer({ kind: "assign", path: `${obj.path ?? "?"}[]`, name, value, loc, literal }, frame);
        // The key is written too: `store[key] = v` with an attacker-chosen key (session entries).
        if (key.t) this.offer({ kind: "assign", path: `${obj.path ?? "?"}[key]`, name, value: key, loc }, frame);
        if (this.module.language !== "python" && t.object.k === "index") {
          // obj[a][b] = v with attacker-chosen keys reaches Object.prototype when a is "__proto__".
          const outerKey = this.eval(t.object.index, frame);
          const keyTaint = joinTaint(key.t, outerKey.t);
          if (keyTaint) this.offer({ kind: "assign", path: "$computed-key", name, value: { t: keyTaint }, loc }, frame);
        }
        this.updateLvalue(t.object, frame, (o) => (name !== undefined ? withField(o, name, value) : withRest(o, value)));
        return;
      }
      case "pattern": {
        for (const el of t.elements) {
          let v = el.rest ? value : typeof el.key === "number" && value.len === undefined && !value.fields ? anyElement(value) : el.key !== undefined ? member(value, String(el.key)) : value;
          if (typeof el.key === "number" && !el.rest) v = { ...v, path: value.path ? `${value.path}[]` : undefined };
          if (el.default) v = joinValues(v, this.eval(el.default, frame));
          this.assignTarget(el.target, this.withSource(v, loc), frame, loc, literal);
        }
        return;
      }
      case "ignore":
        return;
    }
  }

  /** Read-modify-write through a chain of names, attributes and constant indexes. */
  updateLvalue(e: Expr, frame: Frame, update: (old: Value) => Value): void {
    if (!frame.state) return;
    if (e.k === "name") {
      // Mutating a captured variable (`chunks.push(c)` in a callback) changes the enclosing function's object.
      const owner = !frame.state.has(e.name) && frame.scope?.has(e.name) && frame.scope !== this.moduleScope ? frame.scope : frame.state;
      // A module's own top level building its names (`__all__ += …`, `registry.append(…)`) is how every analysis builds them alike.
      if (this.foreignScopes.has(owner) && !(this.quiet > 0 && frame.fn === undefined)) this.sharing = false;
      owner.set(e.name, update(this.lookup(e.name, frame)));
    } else if (e.k === "attr") {
      this.updateLvalue(e.object, frame, (o) => withField(o, e.name, update(member(o, e.name))));
    } else if (e.k === "index") {
      const k = constOf(this.evalQuiet(e.index, frame));
      if (k !== undefined && k !== null) this.updateLvalue(e.object, frame, (o) => withField(o, String(k), update(member(o, String(k)))));
      else this.updateLvalue(e.object, frame, (o) => withRest(o, update(anyElement(o))));
    }
  }

  // ---- expressions (expressions.ts) ------------------------------------------

  lookup(name: string, frame: Frame): Value {
    return lookupName(this, name, frame);
  }

  /**
   * A decorator is a call made when the function or class is defined: `@csrf_exempt` calls
   * csrf_exempt(view), `@cross_origin(origins="*")` calls cross_origin(...) and applies its result.
   * Rules see those calls; nothing else of the decorator is run.
   */
  private offerDecorators(decorators: Expr[], target: Value, frame: Frame): void {
    for (const d of decorators) {
      if (d.k === "call") {
        const args = d.args.map((a) => ({ value: this.evalQuiet(a.value, frame), name: a.name, spread: a.spread }));
        this.offer({ kind: "call", path: this.evalQuiet(d.callee, frame).path, args, loc: d.loc }, frame);
      } else this.offer({ kind: "call", path: this.evalQuiet(d, frame).path, args: [{ value: target }], loc: d.loc }, frame);
    }
  }

  /** Evaluates without offering sites to the rules (decorators, bases, guard keys). */
  evalQuiet(e: Expr, frame?: Frame): Value {
    return evalQuietExpr(this, e, frame);
  }

  eval(e: Expr, frame: Frame): Value {
    return evalExpr(this, e, frame);
  }

  memberOf(o: Value, name: string, loc: Loc, frame: Frame): Value {
    return memberOfValue(this, o, name, loc, frame);
  }

  binary(op: string, l: Value, r: Value, loc: Loc): Value {
    return binaryOp(this, op, l, r, loc);
  }

  // ---- calls to functions of this file (functions.ts) ----------------------------

  /** Runs a local function with the given argument values; returns its result and final receiver. */
  invoke(fn: FunctionIR, scope: State | undefined, args: Array<{ value: Value; name?: string }>, frame: Frame, self?: Value, fresh = false): { ret: Value; self?: Value } {
    return invokeLocal(this, fn, scope, args, frame, self, fresh);
  }
}

/**
 * `match` on a constant runs the one arm whose literals include it (or the
 * final `case _`); null when none can run, undefined when it cannot be told.
 */
function constantArm(s: Extract<Stmt, { k: "branches" }>, subject: Value | undefined): number | null | undefined {
  if (!subject?.c || !s.tests) return undefined;
  for (const [i, tests] of s.tests.entries()) {
    if (tests === undefined) return s.exhaustive && i === s.arms.length - 1 ? i : undefined;
    if (tests.some((t) => t.k === "const" && t.value === subject.c!.v)) return i;
  }
  return s.exhaustive ? undefined : null;
}


/** Whether every tainted value at a site came from the command line or environment only. */
function onlyLocalTaint(site: Site): boolean {
  const values = site.kind === "call" ? site.args.map((a) => a.value) : "value" in site ? [site.value] : [];
  const taints = values.map((v) => deepTaint(v)).filter((t): t is Taint => t !== undefined);
  return taints.length > 0 && taints.every((t) => t.cleared.includes(LOCAL_INPUT));
}

function statesEqual(a: State, b: State): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (!sameValue(v, b.get(k))) return false;
  return true;
}

function targetNames(t: Target): string[] {
  if (t.k === "name" || t.k === "attr") return [t.name];
  if (t.k === "index" && t.index.k === "const" && typeof t.index.value === "string") return [t.index.value];
  return [];
}

function targetExpr(t: Target): Expr | undefined {
  if (t.k === "name") return { k: "name", name: t.name, loc: t.loc };
  if (t.k === "attr") return { k: "attr", object: t.object, name: t.name, loc: t.loc };
  if (t.k === "index") return { k: "index", object: t.object, index: t.index, loc: t.loc };
  return undefined;
}

/** A condition worth remembering under the name it is stored in: a call (a guard) or a comparison. */
function isCheck(e: Expr): boolean {
  if (e.k === "unary") return e.op === "not" && isCheck(e.operand);
  return e.k === "call" || (e.k === "binary" && canRefine(e)) || (e.k === "logical" && (isCheck(e.left) || isCheck(e.right)));
}

export function isLiteral(e: Expr): boolean {
  if (e.k === "const") return true;
  if (e.k === "unary") return isLiteral(e.operand);
  return false;
}

export function displayPath(path: string): string {
  if (path === VUE_V_HTML) return "v-html";
  return path.replace(/^\$/, "");
}

