// The taint interpreter: a flow-sensitive abstract interpretation of one
// file's IR. Statements run over a state (variable → abstract value);
// branches fork and join, loops iterate to a fixpoint, constant conditions
// take one side only, calls to functions of the same file are analysed with
// the caller's argument values (memoized summaries), and every call,
// assignment, literal and return is offered to the rules.
import type { Expr, FunctionIR, Loc, ModuleIR, Stmt, Target } from "../../lang/ir.js";
import type { TraceStep } from "../../protocol/finding.js";
import { evalCall } from "./calls.js";
import { cachedRegex, matches, type MatchContext, type Site, sinkTaint } from "./matching.js";
import { canRefine, refine } from "./refine.js";
import { anyPathMatches, type Matcher, type RuleSpec, type TaintConfig } from "./rules.js";
import {
  addStep, anyElement, CLEAN, type ClassInfo, clearTaint, constOf, deepTaint, foldBinary, joinTaint, joinValues, listValue,
  member, mkConst, sameValue, stepAt, type Taint, truthiness, type Value, withField, withRest,
} from "./values.js";

export type State = Map<string, Value>;

export interface RawFinding {
  rule: RuleSpec;
  loc: Loc;
  taint?: Taint;
  sinkPath?: string;
}

export interface Frame {
  state: State | null;
  fn?: FunctionIR;
  route: boolean;
  scope?: State;
  className?: string;
  ret?: Value;
  /** The value being assigned is written literally in the source (not read from a variable). */
  literal?: boolean;
  /** States saved by break/continue, joined at the loop's end. */
  carry?: State | null;
  contextNames: string[];
  depth: number;
}

interface CompiledMatcher {
  rule: RuleSpec;
  matcher: Matcher;
}

const MAX_INLINE_DEPTH = 4;
const MAX_LOOP_ROUNDS = 3;

export class Interpreter {
  readonly findings = new Map<string, RawFinding>();
  readonly moduleScope: State = new Map();
  readonly classes = new Map<string, ClassInfo>();
  readonly routeFns = new WeakSet<FunctionIR>();
  /** Framework meaning of a callback's parameters, by position ("$request", "$message_event"). */
  readonly paramPaths = new WeakMap<FunctionIR, string[]>();
  readonly pending: Array<{ fn: FunctionIR; scope?: State }> = [];
  readonly analysed = new WeakSet<FunctionIR>();
  readonly summaries = new Map<FunctionIR, Map<string, Value>>();
  readonly inlineStack: FunctionIR[] = [];
  private readonly sourceMemo = new Map<string, string | null>();
  private readonly bySite: Record<Site["kind"], CompiledMatcher[]> = { call: [], assign: [], dict: [], return: [], string: [] };
  budget = 20000;
  /** What `resolve(x)` calls inside the promise executor being analysed passed on. */
  resolved: Taint | undefined;

  constructor(
    readonly module: ModuleIR,
    readonly file: string,
    rules: RuleSpec[],
    readonly config: TaintConfig,
  ) {
    for (const rule of rules) {
      for (const matcher of rule.mode === "taint" ? rule.sinks ?? [] : rule.patterns ?? []) {
        const kind: Site["kind"] = matcher.call ? "call" : matcher.assign || matcher.name ? "assign" : matcher.dict ? "dict" : matcher["route-return"] ? "return" : "string";
        this.bySite[kind].push({ rule, matcher });
      }
    }
  }

  run(): RawFinding[] {
    const top: Frame = { state: this.moduleScope, route: false, contextNames: [], depth: 0 };
    this.execBlock(this.module.body, top);
    // Fields a class's methods write become visible to its other methods.
    for (const cls of this.classes.values()) {
      for (const fn of cls.methods.values()) this.analyseStandalone(fn, undefined, false);
    }
    while (this.pending.length && this.budget > 0) {
      const { fn, scope } = this.pending.shift()!;
      if (this.analysed.has(fn)) continue;
      this.analysed.add(fn);
      this.analyseStandalone(fn, scope, true);
    }
    return [...this.findings.values()];
  }

  // ---- sites and findings -------------------------------------------------

  private readonly callMatchers = new Map<string, CompiledMatcher[]>();

  offer(site: Site, frame: Frame): void {
    let list = this.bySite[site.kind];
    if (site.kind === "call") {
      // Most call sites match no rule at all: decide that once per callee path.
      const key = site.path ?? "";
      let hits = this.callMatchers.get(key);
      if (!hits) {
        hits = list.filter((m) => anyPathMatches(m.matcher.call!, site.path));
        this.callMatchers.set(key, hits);
      }
      list = hits;
    }
    if (list.length === 0) return;
    const ctx: MatchContext = { file: this.file, contextNames: frame.contextNames };
    for (const { rule, matcher } of list) {
      if (!matches(matcher, site, ctx)) continue;
      if (rule.mode === "pattern") this.report(rule, site.loc);
      else {
        const t = sinkTaint(matcher, site, rule.class!);
        if (t) this.report(rule, site.loc, t, site.kind === "call" || site.kind === "assign" ? site.path : undefined);
      }
    }
  }

  report(rule: RuleSpec, loc: Loc, taint?: Taint, sinkPath?: string): void {
    const key = `${rule.id}:${loc.line}:${loc.column}`;
    const existing = this.findings.get(key);
    if (existing && (!taint || (existing.taint && existing.taint.steps.length <= taint.steps.length))) return;
    this.findings.set(key, { rule, loc, taint, sinkPath });
  }

  sourceLabel(path: string | undefined): string | undefined {
    if (path === undefined) return undefined;
    let hit = this.sourceMemo.get(path);
    if (hit === undefined) {
      hit = this.config.sources.find((s) => anyPathMatches(s.path, path))?.label ?? null;
      this.sourceMemo.set(path, hit);
    }
    return hit ?? undefined;
  }

  withSource(v: Value, loc: Loc): Value {
    const label = this.sourceLabel(v.path);
    if (!label || v.t) return v;
    const t: Taint = { steps: [stepAt(this.file, loc, `source: ${label} (${displayPath(v.path!)})`)], cleared: [] };
    return { ...v, t };
  }

  step(loc: Loc, note: string): TraceStep {
    return stepAt(this.file, loc, note);
  }

  // ---- functions ----------------------------------------------------------

  isRoute(fn: FunctionIR): boolean {
    if (this.routeFns.has(fn)) return true;
    return fn.decorators.some((d) => {
      const callee = d.k === "call" ? d.callee : d;
      return anyPathMatches(this.config.routes, this.evalQuiet(callee).path);
    });
  }

  /** Parameter values when a function is analysed on its own (no caller). */
  entryParams(fn: FunctionIR, route: boolean, cls?: ClassInfo): State {
    const state: State = new Map();
    const framework = this.paramPaths.get(fn);
    const viewFiles = this.config["view-files"];
    // Django-style views: `def detail(request, slug)` in views.py gets slug from the URL.
    const urlParams = !route && viewFiles !== undefined && fn.params[0]?.name === "request" && !fn.className && cachedRegex(viewFiles).test(this.file);
    fn.params.forEach((p, i) => {
      let v: Value = { path: p.name };
      const given = framework?.[i];
      if (i === 0 && cls && (p.name === "self" || p.name === "cls")) v = { inst: cls, path: p.name, fields: new Map(cls.fields) };
      else if (given) v = { path: given, request: given === "$request" || undefined };
      else if (this.config["request-params"].includes(p.name) || (route && i === 0 && this.module.language !== "python")) v = { path: "$request", request: true };
      else if (this.config["response-params"].includes(p.name) || (route && i === 1 && this.module.language !== "python")) v = { path: "$response" };
      else if ((route || (urlParams && i > 0 && !p.rest && !p.default && URL_PARAM.test(p.name))) && this.module.language === "python" && !isSafeAnnotation(p.annotation) && !isDependency(p.default)) {
        v = { path: p.name, t: { steps: [this.step(fn.loc, `source: route parameter \`${p.name}\``)], cleared: [] } };
      }
      if (p.pattern) this.assignTarget(p.pattern, v, { state, route, contextNames: [], depth: 0 }, fn.loc);
      else state.set(p.name, v);
    });
    const thisCls = cls ?? (fn.className ? this.classes.get(fn.className) : undefined);
    if (thisCls && this.module.language !== "python") state.set("this", { inst: thisCls, path: "this", fields: new Map(thisCls.fields) });
    return state;
  }

  analyseStandalone(fn: FunctionIR, scope: State | undefined, collectFields: boolean): void {
    const cls = fn.className ? this.classes.get(fn.className) : undefined;
    const route = this.isRoute(fn);
    const frame: Frame = {
      state: this.entryParams(fn, route, cls),
      fn,
      route,
      scope,
      className: fn.className,
      contextNames: fn.name ? [fn.name] : [],
      depth: 0,
    };
    this.budget -= 1;
    this.execBlock(fn.body, frame);
    if (cls) this.absorbFields(cls, frame, collectFields);
  }

  absorbFields(cls: ClassInfo, frame: Frame, _final: boolean): void {
    const self = frame.state?.get(this.module.language === "python" ? frame.fn?.params[0]?.name ?? "self" : "this");
    if (!self?.fields) return;
    for (const [k, v] of self.fields) cls.fields.set(k, joinValues(cls.fields.get(k), v));
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
        const inner = { ...frame, contextNames: [...names, ...frame.contextNames] };
        let value = this.eval(s.value, inner);
        inner.literal = isLiteral(s.value);
        if (s.op) {
          const old = this.eval(targetExpr(s.target) ?? s.value, frame);
          value = this.binary(s.op, old, value, s.loc);
        }
        frame.state = inner.state;
        this.assignTarget(s.target, value, { ...frame, literal: inner.literal } as Frame, s.loc);
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
        const narrows = canRefine(s.test);
        frame.state = narrows ? refine(this, new Map(before), s.test, true, frame) : new Map(before);
        this.execBlock(s.then, frame);
        const afterThen = frame.state;
        // The else branch may have the original state: nothing else reads it any more.
        frame.state = narrows ? refine(this, before, s.test, false, frame) : before;
        this.execBlock(s.else, frame);
        frame.state = joinStates(afterThen, frame.state);
        return;
      }
      case "loop":
        return this.execLoop(s, frame);
      case "branches": {
        if (s.subject) this.eval(s.subject, frame);
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
          out = joinStates(out, joinStates(armFrame.state, armFrame.carry ?? null));
          frame.ret = armFrame.ret ? joinValues(frame.ret, armFrame.ret) : frame.ret;
        }
        frame.state = out;
        return;
      }
      case "try": {
        const before = new Map(state);
        this.execBlock(s.body, frame);
        this.execBlock(s.orelse, frame);
        let out = frame.state;
        for (const h of s.handlers) {
          const hs = joinStates(before, out) ?? new Map(before);
          if (h.name) hs.set(h.name, CLEAN);
          frame.state = hs;
          this.execBlock(h.body, frame);
          out = joinStates(out, frame.state);
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
        this.pending.push({ fn: s.fn, scope: state });
        return;
      }
      case "class":
        return this.execClass(s, frame);
      case "import":
        for (const b of s.bindings) state.set(b.local, { path: b.path });
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
        this.pending.push({ fn: stmt.fn, scope: frame.state! });
      } else if (classFrame.state) this.exec(stmt, classFrame);
    }
    for (const [k, v] of classFrame.state ?? []) {
      if (k === "this") for (const [fk, fv] of v.fields ?? []) cls.fields.set(fk, fv);
      else cls.fields.set(k, v);
    }
    frame.state!.set(s.name, { cls, path: s.name });
  }

  // ---- assignment -----------------------------------------------------------

  assignTarget(t: Target, value: Value, frame: Frame, loc: Loc): void {
    const state = frame.state;
    if (!state) return;
    switch (t.k) {
      case "name": {
        this.offer({ kind: "assign", path: t.name, name: t.name, value, loc, literal: frame.literal }, frame);
        const v = value.t ? { ...value, t: addStep(value.t, this.step(loc, `assigned to \`${t.name}\``)) } : value;
        state.set(t.name, v);
        return;
      }
      case "attr": {
        const obj = this.eval(t.object, frame);
        const path = `${obj.path ?? "?"}.${t.name}`;
        this.offer({ kind: "assign", path, name: t.name, value, loc }, frame);
        this.updateLvalue(t.object, frame, (o) => withField(o, t.name, value));
        return;
      }
      case "index": {
        const obj = this.eval(t.object, frame);
        const key = this.eval(t.index, frame);
        const k = constOf(key);
        const name = k === undefined || k === null ? undefined : String(k);
        this.offer({ kind: "assign", path: `${obj.path ?? "?"}[]`, name, value, loc }, frame);
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
          this.assignTarget(el.target, this.withSource(v, loc), frame, loc);
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
      owner.set(e.name, update(this.lookup(e.name, frame)));
    } else if (e.k === "attr") {
      this.updateLvalue(e.object, frame, (o) => withField(o, e.name, update(member(o, e.name))));
    } else if (e.k === "index") {
      const k = constOf(this.evalQuiet(e.index, frame));
      if (k !== undefined && k !== null) this.updateLvalue(e.object, frame, (o) => withField(o, String(k), update(member(o, String(k)))));
      else this.updateLvalue(e.object, frame, (o) => withRest(o, update(anyElement(o))));
    }
  }

  // ---- expressions ----------------------------------------------------------

  lookup(name: string, frame: Frame): Value {
    const local = frame.state?.get(name);
    if (local) return local;
    for (let scope = frame.scope; scope; ) {
      const v = scope.get(name);
      if (v) return v;
      scope = scope === this.moduleScope ? undefined : this.moduleScope;
    }
    const global = this.moduleScope.get(name);
    if (global) return global;
    return { path: name };
  }

  /** Evaluates without offering sites to the rules (decorators, bases, guard keys). */
  evalQuiet(e: Expr, frame?: Frame): Value {
    if (e.k === "name") return frame ? this.lookup(e.name, frame) : this.moduleScope.get(e.name) ?? { path: e.name };
    if (e.k === "attr") {
      const o = this.evalQuiet(e.object, frame);
      return member(o, e.name);
    }
    if (e.k === "const") return mkConst(e.value);
    if (e.k === "call") return { path: `${this.evalQuiet(e.callee, frame).path ?? "?"}()` };
    return {};
  }

  eval(e: Expr, frame: Frame): Value {
    if (!frame.state) return CLEAN;
    switch (e.k) {
      case "name": {
        const v = this.lookup(e.name, frame);
        return v.path !== undefined && !v.t ? this.withSource(v, e.loc) : v;
      }
      case "const":
        if (typeof e.value === "string" && e.value.length >= 8 && this.bySite.string.length) {
          this.offer({ kind: "string", value: mkConst(e.value), loc: e.loc }, frame);
        }
        return mkConst(e.value);
      case "attr":
        return this.memberOf(this.eval(e.object, frame), e.name, e.loc, frame);
      case "index": {
        const o = this.eval(e.object, frame);
        const k = this.eval(e.index, frame);
        let c = constOf(k);
        if (typeof c === "number" && c < 0 && o.len !== undefined) c = o.len + c;
        const v = c !== undefined && c !== null && typeof c !== "boolean" ? member(o, String(c)) : anyElement(o);
        return this.withSource(v, e.loc);
      }
      case "call":
        return evalCall(this, e, frame);
      case "binary":
        return this.binary(e.op, this.eval(e.left, frame), this.eval(e.right, frame), e.loc);
      case "unary": {
        const v = this.eval(e.operand, frame);
        if (e.op === "not") {
          const truth = truthiness(v);
          return truth === undefined ? {} : mkConst(!truth);
        }
        if (e.op === "typeof" || e.op === "delete" || e.op === "void") return {};
        const c = constOf(v);
        if (e.op === "-" && typeof c === "number") return mkConst(-c);
        return v.t ? { t: v.t } : {};
      }
      case "logical": {
        const l = this.eval(e.left, frame);
        const truth = e.op === "??" ? (l.c ? l.c.v !== null : undefined) : truthiness(l);
        if (e.op === "and") {
          if (truth === false) return l;
          const inner = canRefine(e.left) ? { ...frame, state: refine(this, new Map(frame.state), e.left, true, frame) } : frame;
          const r = this.eval(e.right, inner);
          return truth === true ? r : joinValues(l, r);
        }
        if (truth === true) return l;
        const r = this.eval(e.right, frame);
        return truth === false ? r : joinValues(l, r);
      }
      case "cond": {
        const test = this.eval(e.test, frame);
        const truth = truthiness(test);
        if (truth === true) return this.eval(e.then, frame);
        if (truth === false) return this.eval(e.else, frame);
        if (!canRefine(e.test)) return joinValues(this.eval(e.then, frame), this.eval(e.else, frame));
        const a = this.eval(e.then, { ...frame, state: refine(this, new Map(frame.state), e.test, true, frame) });
        const b = this.eval(e.else, { ...frame, state: refine(this, new Map(frame.state), e.test, false, frame) });
        return joinValues(a, b);
      }
      case "template": {
        if (e.tag) return evalCall(this, { k: "call", callee: e.tag, args: e.parts.map((p) => ({ value: p })), loc: e.loc }, frame);
        const parts = e.parts.map((p) => this.eval(p, frame));
        if (parts.every((p) => p.c)) return mkConst(parts.map((p) => String(p.c!.v ?? "")).join(""));
        let t: Taint | undefined;
        for (const p of parts) t = joinTaint(t, deepTaint(p));
        return { t: fixedPrefix(t, parts[0]), html: parts.some((p) => p.html) || undefined, text: true };
      }
      case "dict":
        return this.evalDict(e, frame);
      case "list": {
        const items: Value[] = [];
        let rest: Value | undefined;
        for (const el of e.elements) {
          if (el.k === "spread") rest = joinValues(rest, anyElement(this.eval(el.value, frame)));
          else items.push(this.eval(el, frame));
        }
        const v = listValue(items);
        return rest ? withRest(v, rest) : v;
      }
      case "spread":
        return this.eval(e.value, frame);
      case "func":
        this.pending.push({ fn: e.fn, scope: frame.state });
        return { fn: e.fn, scope: frame.state };
      case "comprehension": {
        const inner: Frame = { ...frame, state: new Map(frame.state) };
        for (const b of e.bindings) {
          const iter = this.eval(b.iter, inner);
          this.assignTarget(b.target, anyElement(iter), inner, e.loc);
        }
        for (const c of e.conditions) inner.state = refine(this, inner.state ?? new Map(), c, true, inner);
        const element = inner.state ? this.eval(e.element, inner) : CLEAN;
        return withRest({ fields: new Map() }, element);
      }
      case "opaque": {
        let t: Taint | undefined;
        let html = false;
        for (const p of e.parts) {
          const v = this.eval(p, frame);
          t = joinTaint(t, deepTaint(v));
          html ||= v.html === true;
        }
        return { t, html: html || undefined };
      }
    }
  }

  /** `o.name`, with browser globals (`window.location`) read as the bare global. */
  memberOf(o: Value, name: string, loc: Loc, frame: Frame): Value {
    let v = member(o, name);
    if (this.module.language !== "python" && (o.path === "window" || o.path === "globalThis" || o.path === "self") && !o.t) {
      v = this.lookup(name, frame);
      if (v.path === name || v.path === undefined) v = { ...v, path: name };
    }
    return this.withSource(v, loc);
  }

  private evalDict(e: Extract<Expr, { k: "dict" }>, frame: Frame): Value {
    let v: Value = { fields: new Map() };
    for (const entry of e.entries) {
      if (entry.spread) {
        const s = this.eval(entry.value, frame);
        for (const [k, f] of s.fields ?? []) v = withField(v, k, f);
        if (s.rest || s.t) v = withRest(v, { t: joinTaint(s.t, s.rest ? deepTaint(s.rest) : undefined) });
        continue;
      }
      const key = entry.key ?? (entry.keyExpr ? constOf(this.eval(entry.keyExpr, frame)) : undefined);
      const keyName = key === undefined || key === null ? undefined : String(key);
      const inner = keyName ? { ...frame, contextNames: [keyName, ...frame.contextNames] } : frame;
      const value = this.eval(entry.value, inner);
      if (keyName !== undefined) {
        if (value.c) this.offer({ kind: "assign", name: keyName, value, loc: entry.value.loc, literal: isLiteral(entry.value) }, inner);
        v = withField(v, keyName, value);
      } else v = withRest(v, value);
    }
    this.offer({ kind: "dict", value: v, loc: e.loc }, frame);
    return v;
  }

  binary(op: string, l: Value, r: Value, _loc: Loc): Value {
    const lc = constOf(l);
    const rc = constOf(r);
    if (l.c && r.c) {
      const folded = foldBinary(op, lc!, rc!);
      if (folded !== undefined) return mkConst(folded);
    }
    if (op === "in" || op === "not in") {
      if (l.c && r.fields && !r.rest && !r.t && r.len !== undefined) {
        const found = [...r.fields.values()].some((f) => f.c && f.c.v === lc);
        const allConst = [...r.fields.values()].every((f) => f.c);
        if (found || allConst) return mkConst(op === "in" ? found : !found);
      }
      return {};
    }
    if (["==", "!=", "===", "!==", "<", ">", "<=", ">=", "is", "is not", "instanceof"].includes(op)) return {};
    let t = joinTaint(deepTaint(l), deepTaint(r));
    if (op === "+") t = fixedPrefix(t, l);
    else if (op === "%" && typeof lc === "string") t = fixedPrefix(t, mkConst(lc.split("%")[0]!));
    const out: Value = {};
    if (t) out.t = t;
    if (l.html || r.html) out.html = true;
    if ((op === "+" && (typeof lc === "string" || typeof rc === "string" || l.text || r.text)) || (op === "%" && (typeof lc === "string" || l.text))) out.text = true;
    return out;
  }

  // ---- calls to functions of this file ----------------------------------------

  /** Runs a local function with the given argument values; returns its result and final receiver. */
  invoke(fn: FunctionIR, scope: State | undefined, args: Array<{ value: Value; name?: string }>, frame: Frame, self?: Value, fresh = false): { ret: Value; self?: Value } {
    if (this.inlineStack.includes(fn) || frame.depth >= MAX_INLINE_DEPTH || this.budget <= 0) {
      let t: Taint | undefined;
      for (const a of args) t = joinTaint(t, deepTaint(a.value));
      return { ret: t ? { t } : {}, self };
    }
    this.budget -= 1;
    const state: State = new Map();
    const isPython = this.module.language === "python";
    let params = fn.params;
    if (self && isPython && fn.className) {
      if (params[0]) state.set(params[0].name, self);
      params = params.slice(1);
    } else if (self) state.set("this", self);
    const positional = args.filter((a) => a.name === undefined);
    const calleeFrame: Frame = { state, fn, route: this.routeFns.has(fn), scope: scope ?? this.moduleScope, className: fn.className, contextNames: fn.name ? [fn.name] : [], depth: frame.depth + 1 };
    params.forEach((p, i) => {
      let v: Value | undefined = args.find((a) => a.name === p.name)?.value;
      if (p.rest) v = listValue(positional.slice(i).map((a) => a.value));
      else if (!v) v = positional[i]?.value;
      if (!v) v = p.default ? this.eval(p.default, calleeFrame) : CLEAN;
      if (p.pattern) this.assignTarget(p.pattern, v, calleeFrame, fn.loc);
      else state.set(p.name, v.path === undefined && !v.c ? { ...v, path: p.name } : v);
    });
    // Summaries are keyed by what the arguments carry. A receiver carrying
    // attacker data is run afresh (its fields matter); a clean one shares the summary.
    const selfTaint = self ? deepTaint(self) : undefined;
    const key = fresh ? undefined : self ? (selfTaint ? undefined : `${signature(fn, state)}|self`) : signature(fn, state);
    const memo = key === undefined ? undefined : this.summaries.get(fn)?.get(key);
    if (memo) return { ret: memo, self };
    this.inlineStack.push(fn);
    this.execBlock(fn.body, calleeFrame);
    this.inlineStack.pop();
    const ret = fn.isArrow || calleeFrame.ret ? calleeFrame.ret ?? CLEAN : CLEAN;
    if (key !== undefined && !(self && deepTaint(ret))) {
      if (!this.summaries.has(fn)) this.summaries.set(fn, new Map());
      this.summaries.get(fn)!.set(key, ret);
    }
    const finalSelf = self ? calleeFrame.state?.get(isPython ? fn.params[0]?.name ?? "self" : "this") ?? self : undefined;
    return { ret, self: finalSelf };
  }
}

/**
 * Data appended after a prefix the attacker does not control cannot choose
 * where a URL points: after a path ("/search?q=") or a scheme and host
 * ("https://api.example.com/") it is no longer an open redirect, and after a
 * fixed host no longer SSRF. A bare "https://" fixes nothing.
 */
export function fixedPrefix(t: Taint | undefined, first: Value | undefined): Taint | undefined {
  if (!t || !first || deepTaint(first)) return t;
  const c = constOf(first);
  if (c === undefined) return clearTaint(t, ["redirect"]);
  if (typeof c !== "string") return t;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+[/?#]/i.test(c)) return clearTaint(t, ["redirect", "ssrf"]);
  if (/^\/(?![/\\])/.test(c)) return clearTaint(t, ["redirect"]);
  return t;
}

function signature(fn: FunctionIR, state: State): string {
  return fn.params
    .map((p) => {
      const v = state.get(p.name);
      if (!v) return "-";
      const t = deepTaint(v);
      return `${t ? "T" + t.cleared.join("|") : ""}${v.c ? "c" + String(v.c.v) : ""}${v.fn ? "f" : ""}`;
    })
    .join(",");
}

export function joinStates(a: State | null, b: State | null): State | null {
  if (!a) return b ? new Map(b) : null;
  if (!b) return new Map(a);
  const out: State = new Map();
  for (const [k, v] of a) out.set(k, joinValues(v, b.get(k) ?? (b.has(k) ? undefined : v)));
  for (const [k, v] of b) if (!a.has(k)) out.set(k, v);
  return out;
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

/** Names URL patterns give their captures (`<slug:slug>`, `<int:pk>`, `(?P<name>…)`). */
const URL_PARAM = /(^|_)(slug|pk|id|uuid|name|path|filename|file|key|code|token|username|user|email|page|query|q|term|tag|category|kind|type|format|lang|year|month|day|number|ref|url|next|target)$/i;

function isLiteral(e: Expr): boolean {
  if (e.k === "const") return true;
  if (e.k === "unary") return isLiteral(e.operand);
  return false;
}

function isSafeAnnotation(annotation: string | undefined): boolean {
  return annotation !== undefined && /^(int|float|bool|UUID|uuid\.UUID|datetime|date|Decimal|conint.*|PositiveInt|Request|Response|BackgroundTasks|Session|AsyncSession)$/.test(annotation.trim());
}

function isDependency(def: Expr | undefined): boolean {
  return def?.k === "call" && def.callee.k === "name" && /^(Depends|Security)$/.test(def.callee.name);
}

export function displayPath(path: string): string {
  return path.replace(/^\$/, "");
}

export { deepTaint, CLEAN };
