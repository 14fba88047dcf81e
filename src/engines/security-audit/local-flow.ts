// Where a value goes decides how much a weak primitive matters: Math.random
// for jitter is fine, the same call assigned to a cookie or a session is a
// guessable credential. This is a local def-use pass over one function's IR
// (names assigned from the flagged call, followed through later assignments)
// for pattern matchers that ask for it (`secret-use`); the taint engine's
// sources are attacker data, which a random number is not.
import { type Expr, expressionsOf, type Loc, type ModuleIR, type Stmt, type Target } from "../../lang/ir.js";
import type { RawFinding } from "./interpreter.js";

/** Words of a name that make what is stored under it a secret, a credential or session state. */
const SECRET_WORDS = /\b(token|secret|password|passwd|pwd|passphrase|nonce|salt|otp|csrf|xsrf|session|sid|key|apikey|cookie|credential|iv|remember)s?\b/;
/** Containers whose entries are session or cookie state (`session[k] = v`, `req.session.user = v`). */
const SESSION_CONTAINERS = /\b(session|cookie|cookies)s?\b/;
/** Response methods that set a cookie (Flask/Django/Starlette `set_cookie`, Express `res.cookie`, Koa `ctx.cookies.set`). */
const COOKIE_SETTERS = new Set(["set_cookie", "set_signed_cookie", "cookie"]);

function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_\-.$]+/g, " ").toLowerCase().trim();
}

function leafName(e: Expr): string | undefined {
  switch (e.k) {
    case "name":
      return e.name;
    case "attr":
      return e.name;
    case "call":
      return leafName(e.callee);
    case "index":
      return leafName(e.object);
    default:
      return undefined;
  }
}

interface Scope {
  assigns: Array<{ names: string[]; value: Expr }>;
  /** Expressions whose value ends up in a secret, a cookie or the session. */
  sinks: Expr[];
  /** Every expression of the scope, to find the flagged call in. */
  exprs: Expr[];
  /** The enclosing function's parameter names. */
  params: ReadonlySet<string>;
}

function targetNames(t: Target): string[] {
  if (t.k === "name") return [t.name];
  if (t.k === "pattern") return t.elements.flatMap((e) => targetNames(e.target));
  return [];
}

function isSecretTarget(t: Target): boolean {
  if (t.k === "name") return SECRET_WORDS.test(words(t.name));
  if (t.k === "attr") {
    const owner = leafName(t.object);
    return SECRET_WORDS.test(words(t.name)) || (owner !== undefined && SESSION_CONTAINERS.test(words(owner)));
  }
  if (t.k === "index") {
    const owner = leafName(t.object);
    return owner !== undefined && SESSION_CONTAINERS.test(words(owner));
  }
  if (t.k === "pattern") return t.elements.some((e) => isSecretTarget(e.target));
  return false;
}

function sinksOfExpr(e: Expr, out: Expr[]): void {
  for (const sub of expressionsOf(e)) {
    if (sub.k === "call") {
      const callee = sub.callee;
      const method = callee.k === "attr" ? callee.name : undefined;
      const cookieSetter =
        (method !== undefined && COOKIE_SETTERS.has(method)) ||
        (method === "set" && callee.k === "attr" && leafName(callee.object) === "cookies");
      for (const a of sub.args) {
        if (cookieSetter || (a.name !== undefined && SECRET_WORDS.test(words(a.name)))) out.push(a.value);
      }
    } else if (sub.k === "dict") {
      for (const entry of sub.entries) if (entry.key !== undefined && SECRET_WORDS.test(words(entry.key))) out.push(entry.value);
    }
  }
}

function collect(stmts: Stmt[], scope: Scope, scopes: Scope[]): void {
  const expr = (e: Expr | undefined) => {
    if (!e) return;
    scope.exprs.push(e);
    sinksOfExpr(e, scope.sinks);
    for (const sub of expressionsOf(e)) if (sub.k === "func") scopes.push(scopeOf(sub.fn.body, scopes, paramNames(sub.fn.params)));
  };
  for (const s of stmts) {
    switch (s.k) {
      case "assign":
        expr(s.value);
        scope.assigns.push({ names: targetNames(s.target), value: s.value });
        if (isSecretTarget(s.target)) scope.sinks.push(s.value);
        break;
      case "expr":
        expr(s.expr);
        break;
      case "return":
      case "throw":
        expr(s.value);
        break;
      case "if":
        expr(s.test);
        collect(s.then, scope, scopes);
        collect(s.else, scope, scopes);
        break;
      case "loop":
        expr(s.iter);
        expr(s.test);
        if (s.target && s.iter) scope.assigns.push({ names: targetNames(s.target), value: s.iter });
        collect(s.body, scope, scopes);
        collect(s.orelse, scope, scopes);
        break;
      case "branches":
        expr(s.subject);
        for (const arm of s.arms) collect(arm, scope, scopes);
        break;
      case "try":
        collect(s.body, scope, scopes);
        for (const h of s.handlers) collect(h.body, scope, scopes);
        collect(s.orelse, scope, scopes);
        collect(s.finally, scope, scopes);
        break;
      case "block":
        collect(s.body, scope, scopes);
        break;
      case "func":
        scopes.push(scopeOf(s.fn.body, scopes, paramNames(s.fn.params)));
        break;
      case "class":
        collect(s.body, scope, scopes);
        break;
      default:
        break;
    }
  }
}

function paramNames(params: ReadonlyArray<{ name: string }>): Set<string> {
  return new Set(params.map((p) => p.name));
}

function scopeOf(stmts: Stmt[], scopes: Scope[], params: ReadonlySet<string> = new Set()): Scope {
  const scope: Scope = { assigns: [], sinks: [], exprs: [], params };
  collect(stmts, scope, scopes);
  return scope;
}

// A chained call (`parse(x).toxml()`) starts where its inner call starts: the end tells them apart.
function sameLoc(a: Loc, b: Loc): boolean {
  return a.line === b.line && a.column === b.column && a.endLine === b.endLine && a.endColumn === b.endColumn;
}

function containsCallAt(e: Expr, loc: Loc): boolean {
  for (const sub of expressionsOf(e)) if (sub.k === "call" && sameLoc(sub.loc, loc)) return true;
  return false;
}

function mentions(e: Expr, names: ReadonlySet<string>): boolean {
  for (const sub of expressionsOf(e)) if (sub.k === "name" && names.has(sub.name)) return true;
  return false;
}

/** Whether the call at `loc`, directly or through local variables, reaches a secret, cookie or session store. */
function reachesSecret(scope: Scope, loc: Loc): boolean {
  if (scope.sinks.some((s) => containsCallAt(s, loc))) return true;
  const derived = new Set<string>();
  for (const a of scope.assigns) if (containsCallAt(a.value, loc)) for (const n of a.names) derived.add(n);
  if (derived.size === 0) return false;
  for (let changed = true; changed; ) {
    changed = false;
    for (const a of scope.assigns) {
      if (a.names.every((n) => derived.has(n)) || !mentions(a.value, derived)) continue;
      for (const n of a.names) derived.add(n);
      changed = true;
    }
  }
  return scope.sinks.some((s) => mentions(s, derived));
}

/** Raises pattern findings whose matcher has `secret-use` when their value is stored as a secret. */
export function raiseSecretUses(module: ModuleIR, findings: RawFinding[]): void {
  restateWhere(module, findings, "secret-use", (home, f) => reachesSecret(home, f.loc));
}

/**
 * Gives pattern findings (not taint ones) whose matcher carries `key` that
 * key's confidence and severity where `applies` holds in the scope holding the
 * flagged call.
 */
function restateWhere(module: ModuleIR, findings: RawFinding[], key: "secret-use" | "param-default", applies: (home: Scope, f: RawFinding) => boolean): void {
  const candidates = findings.filter((f) => f.matcher?.[key] && !f.taint);
  if (candidates.length === 0) return;
  const scopes: Scope[] = [];
  scopes.push(scopeOf(module.body, scopes));
  for (const f of candidates) {
    const home = scopes.find((s) => s.exprs.some((e) => containsCallAt(e, f.loc)));
    if (home && applies(home, f)) {
      const restated = f.matcher![key]!;
      f.matcher = { ...f.matcher!, confidence: restated.confidence, severity: restated.severity };
    }
  }
}

function argAt(call: Extract<Expr, { k: "call" }>, sel: number | string | [number, string]): Expr | undefined {
  const name = typeof sel === "string" ? sel : Array.isArray(sel) ? sel[1] : undefined;
  const index = typeof sel === "number" ? sel : Array.isArray(sel) ? sel[0] : undefined;
  if (name !== undefined) {
    const hit = call.args.find((a) => a.name === name);
    if (hit) return hit.value;
  }
  if (index === undefined) return undefined;
  return call.args.filter((a) => a.name === undefined && !a.spread)[index]?.value;
}

function callAt(scope: Scope, loc: Loc): Extract<Expr, { k: "call" }> | undefined {
  for (const e of scope.exprs) {
    for (const sub of expressionsOf(e)) if (sub.k === "call" && sameLoc(sub.loc, loc)) return sub;
  }
  return undefined;
}

function constMatches(e: Expr | undefined, value: unknown): boolean {
  return e?.k === "const" && (e.value === value || (typeof value === "boolean" && e.value === (value ? 1 : 0)));
}

/**
 * Keeps findings whose matcher has `configured` only when the object handed
 * to the call was set up that way in the same function
 * (`p.setFeature(feature_external_ges, True)` … `parseString(doc, p)`).
 */
export function dropUnconfigured(module: ModuleIR, findings: RawFinding[]): RawFinding[] {
  if (!findings.some((f) => f.matcher?.configured)) return findings;
  const scopes: Scope[] = [];
  scopes.push(scopeOf(module.body, scopes));
  return findings.filter((f) => {
    const want = f.matcher?.configured;
    if (!want) return true;
    const home = scopes.find((s) => s.exprs.some((e) => containsCallAt(e, f.loc)));
    const call = home && callAt(home, f.loc);
    // `p.setFeature(...)` then `p.parse(source)`: the configured object is the receiver.
    const passed = call && (want.arg === "receiver" ? (call.callee.k === "attr" ? call.callee.object : undefined) : argAt(call, want.arg));
    if (!home || passed?.k !== "name") return false;
    const first = new RegExp(want.first, "i");
    return home.exprs.some((e) => {
      for (const sub of expressionsOf(e)) {
        if (sub.k !== "call" || sub.callee.k !== "attr" || sub.callee.name !== want.method) continue;
        if (sub.callee.object.k !== "name" || sub.callee.object.name !== passed.name) continue;
        const [a0, a1] = sub.args.map((a) => a.value);
        const label = a0?.k === "const" ? String(a0.value) : a0 ? leafName(a0) : undefined;
        if (label !== undefined && first.test(label) && constMatches(a1, want.value)) return true;
      }
      return false;
    });
  });
}

/**
 * Lowers findings whose matcher has `param-default` when the flagged value is
 * assigned to a parameter of its function: a library's fallback for a caller
 * who passed nothing (`if context is None: context = weak()`), where the
 * caller, not this code, decides.
 */
export function lowerParamDefaults(module: ModuleIR, findings: RawFinding[]): void {
  restateWhere(module, findings, "param-default", (home, f) =>
    home.assigns.some((a) => a.names.some((n) => home.params.has(n)) && containsCallAt(a.value, f.loc)),
  );
}
