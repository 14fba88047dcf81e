// Expression evaluation of the taint interpreter: names through scopes and
// imports, members and elements, string building, literals, comprehensions.
import type { Expr, Loc } from "../../lang/ir.js";
import { evalCall } from "./calls.js";
import type { Frame, Interpreter } from "./interpreter.js";
import { canRefine, refine } from "./refine.js";
import { isLiteral } from "./interpreter.js";
import {
  anyElement, CLEAN, clearTaint, constOf, deepTaint, foldBinary, isServerEnvironKey, isSqlText, joinTaint, joinValues, listValue, member, mkConst,
  type Taint, truthiness, type Value, withField, withRest,
} from "./values.js";

export function lookupName(it: Interpreter, name: string, frame: Frame): Value {
  const globals = frame.globals ?? it.moduleScope;
  for (const scope of [frame.state, frame.scope, globals]) {
    const v = scope?.get(name);
    if (!v) continue;
    if (scope !== frame.state) it.globalReads?.set(name, true);
    if (!v.pending) return v;
    // An import of a project module is loaded the first time its name is read.
    it.effects++;
    const loaded = v.pending();
    scope!.set(name, loaded);
    return loaded;
  }
  it.globalReads?.set(name, false);
  return { path: name };
}

/** Evaluates without offering sites to the rules (decorators, bases, guard keys). */
export function evalQuietExpr(it: Interpreter, e: Expr, frame?: Frame): Value {
  if (e.k === "name") return frame ? it.lookup(e.name, frame) : it.moduleScope.get(e.name) ?? { path: e.name };
  if (e.k === "attr") {
    const o = it.evalQuiet(e.object, frame);
    return member(o, e.name);
  }
  if (e.k === "const") return mkConst(e.value);
  if (e.k === "call") return { path: `${it.evalQuiet(e.callee, frame).path ?? "?"}()` };
  return {};
}

export function evalExpr(it: Interpreter, e: Expr, frame: Frame): Value {
  if (!frame.state) return CLEAN;
  switch (e.k) {
    case "name": {
      const v = it.lookup(e.name, frame);
      const known = libraryConstant(it, v);
      if (known) return known;
      return v.path !== undefined && !v.t ? it.withSource(v, e.loc) : v;
    }
    case "const":
      if (typeof e.value === "string" && e.value.length >= 8 && it.hasStringRules) {
        it.offer({ kind: "string", value: mkConst(e.value), loc: e.loc }, frame);
      }
      return mkConst(e.value);
    case "attr":
      return it.memberOf(it.eval(e.object, frame), e.name, e.loc, frame);
    case "index": {
      const o = it.eval(e.object, frame);
      const k = it.eval(e.index, frame);
      let c = constOf(k);
      if (typeof c === "number" && c < 0 && o.len !== undefined) c = o.len + c;
      // "ABC"[1] is "B": a constant string indexed by a constant is a constant.
      const text = constOf(o);
      if (typeof text === "string" && typeof c === "number" && Number.isInteger(c)) {
        const ch = text.at(c);
        if (ch !== undefined) return mkConst(ch);
      }
      if (isServerEnvironKey(o, c)) return { path: `${o.path}.${String(c)}` };
      const v = c !== undefined && c !== null && typeof c !== "boolean" ? member(o, String(c)) : anyElement(o);
      return it.withSource(v, e.loc);
    }
    case "call":
      return evalCall(it, e, frame);
    case "binary":
      return it.binary(e.op, it.eval(e.left, frame), it.eval(e.right, frame), e.loc);
    case "unary": {
      const v = it.eval(e.operand, frame);
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
      const l = it.eval(e.left, frame);
      const truth = e.op === "??" ? (l.c ? l.c.v !== null : undefined) : truthiness(l);
      if (e.op === "and") {
        if (truth === false) return l;
        const inner = canRefine(e.left, frame) ? { ...frame, state: refine(it, new Map(frame.state), e.left, true, frame) } : frame;
        const r = it.eval(e.right, inner);
        return truth === true ? r : joinValues(l, r);
      }
      if (truth === true) return l;
      const r = it.eval(e.right, frame);
      return truth === false ? r : joinValues(l, r);
    }
    case "cond": {
      const test = it.eval(e.test, frame);
      const truth = truthiness(test);
      if (truth === true) return it.eval(e.then, frame);
      if (truth === false) return it.eval(e.else, frame);
      if (!canRefine(e.test, frame)) return joinValues(it.eval(e.then, frame), it.eval(e.else, frame));
      const a = it.eval(e.then, { ...frame, state: refine(it, new Map(frame.state), e.test, true, frame) });
      const b = it.eval(e.else, { ...frame, state: refine(it, new Map(frame.state), e.test, false, frame) });
      return joinValues(a, b);
    }
    case "template": {
      if (e.tag) return evalCall(it, { k: "call", callee: e.tag, args: e.parts.map((p) => ({ value: p })), loc: e.loc }, frame);
      const parts = e.parts.map((p) => it.eval(p, frame));
      if (parts.every((p) => p.c)) return mkConst(parts.map((p) => String(p.c!.v ?? "")).join(""));
      let t: Taint | undefined;
      for (const p of parts) t = joinTaint(t, deepTaint(p));
      // f"UPDATE {t} SET a = {v}": the statement's keywords are spread over the literal parts.
      const sql = parts.some((p) => p.sql) || isSqlText(parts.map((p) => (typeof p.c?.v === "string" ? p.c.v : " ? ")).join(""));
      return { t: fixedPrefix(t, parts[0]), html: parts.some((p) => p.html) || undefined, text: true, sql: sql || undefined };
    }
    case "dict":
      return evalDict(it, e, frame);
    case "list": {
      const items: Value[] = [];
      let rest: Value | undefined;
      for (const el of e.elements) {
        if (el.k === "spread") rest = joinValues(rest, anyElement(it.eval(el.value, frame)));
        else items.push(it.eval(el, frame));
      }
      const v = listValue(items);
      return rest ? withRest(v, rest) : v;
    }
    case "spread":
      return it.eval(e.value, frame);
    case "func":
      it.defined(e.fn, frame.state, frame);
      return { fn: e.fn, scope: frame.state };
    case "comprehension": {
      const inner: Frame = { ...frame, state: new Map(frame.state) };
      for (const b of e.bindings) {
        const iter = it.eval(b.iter, inner);
        it.assignTarget(b.target, anyElement(iter), inner, e.loc);
      }
      for (const c of e.conditions) inner.state = refine(it, inner.state ?? new Map(), c, true, inner);
      const element = inner.state ? it.eval(e.element, inner) : CLEAN;
      return withRest({ fields: new Map() }, element);
    }
    case "opaque": {
      let t: Taint | undefined;
      let html = false;
      for (const p of e.parts) {
        const v = it.eval(p, frame);
        t = joinTaint(t, deepTaint(v));
        html ||= v.html === true;
      }
      return { t, html: html || undefined };
    }
  }
}

const REQUEST_PATH = /^(flask|bottle)\.request\.path$/;

/** `o.name`, with browser globals (`window.location`) read as the bare global. */
/** A constant, or a tuple/list/dict of constants: `"... %s" % ()` pastes nothing unknown. */
export function allConstant(v: Value, depth = 0): boolean {
  if (v.c) return true;
  if (depth > 3 || v.t || v.rest || !v.fields || v.path !== undefined) return false;
  return [...v.fields.values()].every((f) => allConstant(f, depth + 1));
}

/** A library's documented constant (`stat.S_IWOTH` is 0o002) read by its path. */
function libraryConstant(it: Interpreter, v: Value): Value | undefined {
  if (v.path === undefined || v.t || v.c) return undefined;
  const known = it.config.constants[v.path];
  return known === undefined ? undefined : mkConst(known);
}

export function memberOfValue(it: Interpreter, o: Value, name: string, loc: Loc, frame: Frame): Value {
  let v = member(o, name);
  if (v.pending) {
    it.effects++;
    v = v.pending();
  }
  if (v.t && it.config["inert-members"].includes(name)) return { path: v.path };
  const known = libraryConstant(it, v);
  if (known) return known;
  // In a route with a fixed rule (no <variables>), the request path is that rule: no attacker text in it.
  if (frame.routePath !== undefined && v.path !== undefined && REQUEST_PATH.test(v.path)) {
    // The caller's route, not the call's arguments: a call that reads it is not shared (shared-calls.ts).
    it.effects++;
    return mkConst(frame.routePath);
  }
  if (it.module.language !== "python" && (o.path === "window" || o.path === "globalThis" || o.path === "self") && !o.t) {
    v = it.lookup(name, frame);
    if (v.path === name || v.path === undefined) v = { ...v, path: name };
  }
  return it.withSource(v, loc);
}

function evalDict(it: Interpreter, e: Extract<Expr, { k: "dict" }>, frame: Frame): Value {
  // One map filled in place, as withField / withRest per entry would leave it: copying the map
  // for every key made a literal of n keys cost n copies (large config and schema objects).
  const fields = new Map<string, Value>();
  let rest: Value | undefined;
  let hasRest = false;
  const addRest = (element: Value): void => {
    rest = joinValues(rest, element);
    hasRest = true;
  };
  for (const entry of e.entries) {
    if (entry.spread) {
      const s = it.eval(entry.value, frame);
      for (const [k, f] of s.fields ?? []) fields.set(k, f);
      if (s.rest || s.t) addRest({ t: joinTaint(s.t, s.rest ? deepTaint(s.rest) : undefined) });
      continue;
    }
    const key = entry.key ?? (entry.keyExpr ? constOf(it.eval(entry.keyExpr, frame)) : undefined);
    const keyName = key === undefined || key === null ? undefined : String(key);
    const inner = keyName ? { ...frame, contextNames: [keyName, ...frame.contextNames] } : frame;
    const value = it.eval(entry.value, inner);
    if (keyName !== undefined) {
      if (value.c) it.offer({ kind: "assign", name: keyName, value, loc: entry.value.loc, literal: isLiteral(entry.value) }, inner);
      fields.set(keyName, value);
    } else addRest(value);
  }
  const v: Value = hasRest ? { fields, rest, len: undefined } : { fields };
  it.offer({ kind: "dict", value: v, loc: e.loc }, frame);
  return v;
}

export function binaryOp(it: Interpreter, op: string, l: Value, r: Value, _loc: Loc): Value {
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
  // Path / name is a Path: its methods stay recognisable as file operations.
  if (op === "/" && l.path !== undefined && /^pathlib\.(Pure)?(Posix|Windows)?Path\(\)$/.test(l.path)) out.path = l.path;
  if (l.html || r.html) out.html = true;
  if ((op === "+" && (typeof lc === "string" || typeof rc === "string" || l.text || r.text)) || (op === "%" && (typeof lc === "string" || l.text))) out.text = true;
  if ((op === "+" && (l.sql || r.sql)) || (op === "%" && l.sql && !allConstant(r))) out.sql = true;
  if (op === "|") {
    const bits = (typeof lc === "number" ? lc : l.orBits ?? 0) | (typeof rc === "number" ? rc : r.orBits ?? 0);
    if (bits) out.orBits = bits;
  }
  return out;
}

/**
 * Data appended after a prefix the attacker does not control cannot choose
 * where a URL points: after a path ("/search?q=") or a scheme and host
 * ("https://api.example.com/") it is no longer an open redirect, and after a
 * fixed host or a "/path" on this origin no longer SSRF. A bare "https://" fixes nothing.
 */
export function fixedPrefix(t: Taint | undefined, first: Value | undefined): Taint | undefined {
  if (!t || !first || deepTaint(first)) return t;
  const c = constOf(first);
  // A base the program chose (config.apiBase + path) keeps the host out of the attacker's hands.
  if (c === undefined) return clearTaint(t, ["redirect", "ssrf"]);
  if (typeof c !== "string") return t;
  if (c.length > 0 && t.cleared.includes("~no-dotdot")) t = clearTaint(t, ["path"])!;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+[/?#]/i.test(c)) return clearTaint(t, ["redirect", "ssrf"]);
  // A path on this origin (or on a client's fixed baseURL) keeps the host too.
  if (/^\/(?![/\\])/.test(c)) return clearTaint(t, ["redirect", "ssrf"]);
  return t;
}
