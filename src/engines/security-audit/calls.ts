// What a call does to data: local functions and classes run with the
// caller's values, sanitizers clear taint, mutators store into their
// receiver, containers answer element reads, callbacks see their receiver's
// elements, and anything else passes its inputs' taint on.
import type { Expr, FunctionIR } from "../../lang/ir.js";
import { allConstant, fixedPrefix } from "./expressions.js";
import type { Frame, Interpreter } from "./interpreter.js";
import { checkCondition, type SiteArg } from "./matching.js";
import { anyPathMatches, indexesFor } from "./rule-paths.js";
import {
  anyElement, CLEAN, clearTaint, constOf, isConst, mkConst, deepTaint, isServerEnvironKey, joinTaint, joinValues, listValue, member, type Taint, type Value, withField, withRest,
} from "./values.js";

type CallExpr = Extract<Expr, { k: "call" }>;

const ROUTE_PARAMS = ["$request", "$response"];

export function evalCall(it: Interpreter, e: CallExpr, frame: Frame): Value {
  let receiver: Value | undefined;
  let callee: Value;
  if (e.callee.k === "attr") {
    receiver = it.eval(e.callee.object, frame);
    callee = it.memberOf(receiver, e.callee.name, e.callee.loc, frame);
  } else callee = it.eval(e.callee, frame);
  const path = callee.path ?? callee.fn?.name;
  const args: SiteArg[] = e.args.map((a) => {
    const inner = a.name ? { ...frame, contextNames: [a.name, ...frame.contextNames] } : frame;
    const value = it.eval(a.value, inner);
    if (a.name && value.c) it.offer({ kind: "assign", name: a.name, value, loc: a.value.loc, literal: a.value.k === "const" }, inner);
    return { value, name: a.name, spread: a.spread, literal: a.value.k === "const" || undefined };
  });
  if (!frame.state) return CLEAN;
  // A function of the project runs below with these arguments and its own sinks speak: a DAO
  // method named like a driver's (`orders.find(q)`) is not the driver's call.
  if (!callee.fn) it.offer({ kind: "call", path, receiver, args, loc: e.loc }, frame);
  if (!frame.state) return CLEAN;
  const cfg = it.config;

  // require("sqlite3").verbose(), require("express")(): a package required inline is named as
  // `const m = require("m")` names it, so library models match chained calls too.
  if (path === "require" && !callee.fn && it.module.language !== "python") {
    const spec = constOf(args[0]?.value);
    if (typeof spec === "string" && !/^[./]/.test(spec)) return { path: spec.replace(/^node:/, "") };
  }
  if (anyPathMatches(cfg.noreturn, path)) {
    frame.state = null;
    return CLEAN;
  }
  markCallbacks(it, path, args);

  // Auditing a modelled library itself: its sanitizers keep their documented contract instead of running their body.
  if (callee.model && (callee.fn || callee.cls)) {
    const modelled = sanitized(it, callee.model, receiver, callee, args, e, frame);
    if (modelled) return modelled;
  }
  // Local classes and functions run with these arguments.
  if (callee.cls) {
    const cls = callee.cls;
    let obj: Value = { inst: cls, path: `${cls.name}()`, fields: new Map() };
    const ctor = cls.methods.get(it.module.language === "python" ? "__init__" : "constructor");
    if (ctor) obj = it.invoke(ctor, undefined, args, frame, obj).self ?? obj;
    return obj;
  }
  if (callee.fn && e.isNew && it.module.language !== "python") return construct(it, callee, args, frame);
  if (callee.fn) return it.invoke(callee.fn, callee.scope, args, frame).ret;
  if (receiver?.inst && e.callee.k === "attr") {
    const method = receiver.inst.methods.get(e.callee.name);
    if (method) {
      const { ret, self } = it.invoke(method, undefined, args, frame, receiver);
      if (self) it.updateLvalue(e.callee.object, frame, () => self);
      return ret;
    }
  }

  // `Item.create(conn, name)` on a class: a staticmethod or an unbound method takes the arguments as
  // they are, a classmethod gets the class first (DAO classes of static query methods).
  if (receiver?.cls && e.callee.k === "attr" && it.module.language === "python") {
    const method = receiver.cls.methods.get(e.callee.name);
    if (method) return it.invoke(method, undefined, args, frame, isClassMethod(method) ? receiver : undefined).ret;
  }

  if (anyPathMatches(cfg.passthrough, path) && args[0]) return args[0].value;
  if (path === "$resolve") {
    it.effects++;
    for (const a of args) it.resolved = joinTaint(it.resolved, deepTaint(a.value));
    return CLEAN;
  }
  // new Promise((resolve) => …): the promise carries whatever reaches resolve.
  if (e.isNew && path === "Promise" && args[0]?.value.fn) {
    const saved = it.resolved;
    it.resolved = undefined;
    const fn = args[0].value.fn;
    // Run afresh every time: what matters here is the side effect on `resolved`, which a summary would skip.
    it.invoke(fn, args[0].value.scope, fn.params.map((_, i) => ({ value: i === 0 ? { path: "$resolve" } : CLEAN })), frame, undefined, true);
    const t = it.resolved;
    it.resolved = saved;
    return t ? { t, path: "Promise()" } : { path: "Promise()" };
  }
  const sanitizedValue = sanitized(it, path, receiver, callee, args, e, frame);
  if (sanitizedValue) return sanitizedValue;
  const inputs = inputTaint(receiver, callee, args);
  // "SELECT … age=".concat("3") is as constant as the + of two literals.
  const joined = constOf(receiver);
  if (e.callee.k === "attr" && e.callee.name === "concat" && typeof joined === "string" && args.every((a) => !a.name && !a.spread && isConst(a.value))) {
    return mkConst(joined + args.map((a) => String(constOf(a.value))).join(""));
  }
  const propagator = indexesFor(cfg).propagators.lookup(path)[0];
  if (propagator) {
    const from = propagator.from === "receiver" ? (receiver ? deepTaint(receiver) : undefined)
      : propagator.from === "args" ? args.reduce<Taint | undefined>((t, a) => joinTaint(t, deepTaint(a.value)), undefined)
      : deepTaint(args.filter((a) => !a.name)[propagator.from]?.value);
    if (propagator.to === "callback") {
      const result: Value = from ? { t: from, path: `${path}()` } : { path: `${path}()` };
      for (const a of args) {
        const fn = a.value.fn;
        if (fn) it.invoke(fn, a.value.scope, fn.params.map((_, i) => ({ value: i === 0 ? CLEAN : result })), frame, undefined, true);
      }
      return { path: `${path}()` };
    }
    if (propagator.to === "receiver") {
      // buffer.write(data): the buffer holds the data from now on.
      if (from && e.callee.k === "attr") it.updateLvalue(e.callee.object, frame, (o) => withRest(o, { t: from }));
      return { path: `${path}()` };
    }
    return from ? { t: from, path: `${path}()`, text: true } : { path: `${path}()` };
  }
  if (e.callee.k === "attr" && receiver) {
    if (e.callee.name === "get" && isServerEnvironKey(receiver, constOf(args[0]?.value))) return joinValues({ path: `${path}()` }, args[1]?.value);
    const handled = containerCall(it, e, receiver, args, frame);
    if (handled) return handled;
    // store.get(key) on a store the attacker did not fill returns what the program stored, not the key.
    if (e.callee.name === "get" && !callee.t && args.length >= 1 && !deepTaint(receiver)) {
      return joinValues({ path: `${path ?? "?"}()` }, args[1]?.value);
    }
  }
  const callbackResult = runCallbacks(it, receiver, args, frame);
  const out: Value = { path: `${path ?? "?"}()` };
  let t = joinTaint(inputs, callbackResult);
  // "/page?{}".format(x): the constant text before the first placeholder is the URL's fixed prefix.
  const template = constOf(receiver);
  if (e.callee.k === "attr" && e.callee.name === "format" && typeof template === "string") t = fixedPrefix(t, mkConst(template.split("{")[0]!));
  if (t) out.t = t;
  // Markup survives string methods ("<p>{}</p>".format(x)); template engines' results are their own sinks.
  if (receiver?.html) out.html = true;
  if (receiver?.text) out.text = true;
  // A statement's text with a value put into it (format, concat, replace) is a query assembled at run time; a built one stays so.
  if (receiver?.sql && (receiver.c === undefined || !args.every((a) => allConstant(a.value)))) out.sql = true;
  // util.format("SELECT … '%s'", x) is that statement with x in it.
  if (path === "util.format" && args[0]?.value.sql) out.sql = out.text = true;
  // Constant keyword arguments stay readable: XMLParser(resolve_entities=True).resolve_entities.
  for (const a of args) if (a.name && a.value.c) out.fields = new Map([...(out.fields ?? []), [a.name, a.value]]);
  const origin = originOf(e);
  if (origin) out.origin = origin;
  return it.withSource(out, e.loc);
}

/** The result of a call to a sanitizer at `path` (its conditions met), or undefined for any other call. */
function sanitized(it: Interpreter, path: string | undefined, receiver: Value | undefined, callee: Value, args: SiteArg[], e: CallExpr, frame: Frame): Value | undefined {
  const sanitizers = indexesFor(it.config).sanitizers.lookup(path);
  if (sanitizers.length === 0) return undefined;
  const site = { kind: "call" as const, path, receiver, args, loc: e.loc };
  const ctx = { file: it.file, contextNames: frame.contextNames };
  const sanitizer = sanitizers.find((s) => s.where.every((c) => checkCondition(site, c, ctx)));
  if (!sanitizer) return undefined;
  const t = clearTaint(inputTaint(receiver, callee, args), sanitizer.clears);
  return t ? { t, path: `${path}()`, origin: originOf(e) } : { path: `${path}()` };
}

/**
 * `new Store(db)` of a constructor function: the object is what the function
 * left on `this` (`this.find = function (…) {…}`, the DAO pattern), unless it
 * returns an object of its own. Run afresh: a shared summary keeps no `this`.
 */
function construct(it: Interpreter, callee: Value, args: SiteArg[], frame: Frame): Value {
  const fn = callee.fn!;
  // Methods assigned on the prototype (`Store.prototype.find = function …`) are the instance's too.
  const blank: Value = { path: `${fn.name ?? "?"}()`, fields: new Map(callee.fields?.get("prototype")?.fields ?? []) };
  const { ret, self } = it.invoke(fn, callee.scope, args, frame, blank, true);
  // `if (!(this instanceof Store)) return new Store(db)` returns another instance: both stand for the result.
  if (ret.fields || ret.fn || ret.inst) return joinValues(self ?? blank, ret);
  return self ?? blank;
}

function isClassMethod(fn: FunctionIR): boolean {
  return fn.decorators.some((d) => d.k === "name" && d.name === "classmethod");
}

function inputTaint(receiver: Value | undefined, callee: Value, args: SiteArg[]): Taint | undefined {
  let t = joinTaint(callee.t, receiver ? deepTaint(receiver) : undefined);
  for (const a of args) t = joinTaint(t, deepTaint(a.value));
  return t;
}

function originOf(e: CallExpr): string | undefined {
  const first = e.args[0]?.value;
  if (first?.k === "name") return first.name;
  if (e.callee.k === "attr" && e.callee.object.k === "name") return e.callee.object.name;
  return undefined;
}

/** Handlers registered with a router or a message listener get framework parameters. */
function markCallbacks(it: Interpreter, path: string | undefined, args: SiteArg[]): void {
  const fns = args.map((a) => a.value.fn).filter((f): f is FunctionIR => f !== undefined);
  if (fns.length === 0 || path === undefined) return;
  it.effects++;
  if (it.module.language !== "python" && anyPathMatches(it.config.routes, path) && !anyPathMatches(it.config["not-routes"], path)) {
    for (const fn of fns) {
      it.routeFns.add(fn);
      it.paramPaths.set(fn, ROUTE_PARAMS);
    }
  } else if (/(^|\.)addEventListener$/.test(path) && constOf(args[0]?.value) === "message") {
    for (const fn of fns) it.paramPaths.set(fn, ["$message_event"]);
  } else if (/^\$request\.(on|once|addListener)$/.test(path) && constOf(args[0]?.value) === "data") {
    // The request stream's chunks are the raw body.
    for (const fn of fns) it.paramPaths.set(fn, ["$request_chunk"]);
  }
}

/** Callbacks of unknown functions (`items.forEach(cb)`, `p.then(cb)`) receive the receiver's elements. */
function runCallbacks(it: Interpreter, receiver: Value | undefined, args: SiteArg[], frame: Frame): Taint | undefined {
  let t: Taint | undefined;
  for (const a of args) {
    const fn = a.value.fn;
    if (!fn) continue;
    const framework = it.paramPaths.get(fn);
    if (framework && framework[0] !== "$request_chunk") continue;
    const element = framework ? it.withSource({ path: framework[0] }, fn.loc) : receiver ? anyElement(receiver) : CLEAN;
    // Callbacks act through what they capture (chunks.push, resolve): no shared summary.
    const { ret } = it.invoke(fn, a.value.scope, fn.params.map(() => ({ value: element })), frame, undefined, true);
    t = joinTaint(t, deepTaint(ret));
  }
  return t;
}

const APPEND = new Set(["append", "push", "add", "unshift", "appendleft"]);
const EXTEND = new Set(["extend", "update", "concat_into", "setdefault", "insert", "splice", "set"]);

/** Element-aware semantics for the container methods every program uses. */
function containerCall(it: Interpreter, e: CallExpr, receiver: Value, args: SiteArg[], frame: Frame): Value | undefined {
  const name = (e.callee as Extract<Expr, { k: "attr" }>).name;
  const target = (e.callee as Extract<Expr, { k: "attr" }>).object;
  const lvalue = target.k === "name" || target.k === "attr" || target.k === "index";
  const known = receiver.fields !== undefined && !receiver.t && !receiver.path?.includes("$");
  if (APPEND.has(name) && lvalue && args.length >= 1 && (receiver.fields || receiver.rest || !receiver.t)) {
    const arg = args[args.length - 1]!.value;
    it.updateLvalue(target, frame, (o) =>
      o.len !== undefined && name !== "unshift" && name !== "appendleft" && name !== "add" ? withField(o, String(o.len), arg) : withRest(o, arg),
    );
    return CLEAN;
  }
  // got.extend(options), $.extend(a, b): a package's extend makes a new object, it does not fill the package.
  const packageCall = it.module.language !== "python" && receiver.fields === undefined && receiver.path !== undefined && !/[()$[]/.test(receiver.path);
  if (EXTEND.has(name) && lvalue && args.length >= 1 && (receiver.fields || !receiver.t) && !packageCall) {
    it.updateLvalue(target, frame, (o) => {
      let out = o;
      const last = args[args.length - 1]!.value;
      if (name === "update" && last.fields && !last.rest && !last.t) for (const [k, f] of last.fields) out = withField(out, k, f);
      else if (name === "set" && args.length === 2 && args[0]!.value.c) out = withField(out, String(args[0]!.value.c.v), last);
      // ConfigParser.set(section, option, value): one entry per (section, option).
      else if (name === "set" && args.length === 3 && args[0]!.value.c && args[1]!.value.c) out = withField(out, sectionKey(args[0]!.value, args[1]!.value), last);
      else for (const a of args) if (deepTaint(a.value)) out = withRest(out, { t: deepTaint(a.value) });
      return out;
    });
    return name === "setdefault" ? joinValues(member(receiver, String(constOf(args[0]?.value) ?? "")), args[1]?.value) : CLEAN;
  }
  if ((name === "pop" || name === "shift") && known && receiver.len !== undefined && lvalue) {
    const idxConst = constOf(args[0]?.value);
    const idx = name === "shift" ? 0 : idxConst === undefined ? receiver.len - 1 : typeof idxConst === "number" ? (idxConst < 0 ? receiver.len + idxConst : idxConst) : -1;
    if (idx < 0 || idx >= receiver.len) return undefined;
    const elements = Array.from({ length: receiver.len }, (_, i) => receiver.fields!.get(String(i)) ?? CLEAN);
    const [removed] = elements.splice(idx, 1);
    it.updateLvalue(target, frame, () => listValue(elements));
    return removed ?? CLEAN;
  }
  if (name === "get" && known) {
    // ConfigParser.get(section, option, fallback=…) reads what set(section, option, value) stored.
    const positional = args.filter((a) => a.name === undefined);
    const field = positional.length === 2 && positional[0]!.value.c && positional[1]!.value.c ? receiver.fields!.get(sectionKey(positional[0]!.value, positional[1]!.value)) : undefined;
    if (field) return field;
  }
  if ((name === "get" || name === "getlist") && known && args.length >= 1) {
    const key = constOf(args[0]!.value);
    const fallback = args[1]?.value;
    if (key !== undefined && key !== null) {
      const field = receiver.fields!.get(String(key));
      if (field) return field;
      return receiver.rest ? joinValues(receiver.rest, fallback) : fallback ?? CLEAN;
    }
    return joinValues(anyElement(receiver), fallback);
  }
  return undefined;
}

function sectionKey(section: Value, option: Value): string {
  return `${String(constOf(section))}::${String(constOf(option))}`;
}

export function withFieldsOf(v: Value, extra: Value): Value {
  let out = v;
  for (const [k, f] of extra.fields ?? []) out = withField(out, k, f);
  return extra.rest || extra.t ? withRest(out, { t: joinTaint(extra.t, extra.rest?.t) }) : out;
}
