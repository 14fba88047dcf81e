// Calls into another project module's function, shared by every file a
// thread analyses. Each analysed file has its own interpreter, so a helper
// that every file calls (an escaping function in utils.py) was run once per
// file; on the OWASP benchmark that was a tenth of the analysis.
//
// A call's result is kept only when it is a pure function of what the key
// holds, so that taking it is the same as running the call (the tests run a
// corpus with and without sharing and compare whole reports):
// - the key is the callee, the caller's depth, route and `try` context, and
//   each argument exactly (constant, path, fields, taint marks), all but the
//   trace steps of its taint; a call that reads the caller's fixed route
//   path counts as an effect;
// - the run had no effect beyond its result: no nested project call, no
//   finding, no module loaded, no function defined, no callback registered,
//   nothing added to an enclosing `try`;
// - the module-level names it read hold, in the taking interpreter, values
//   loaded there (no import pending), and no interpreter that records or
//   takes has written to another module's names (then every interpreter's
//   module tables, run quietly from the same files, are alike);
// - each taint in the result either extends one argument's trace (the
//   steps added inside are kept and put after the taker's own argument
//   trace) or has no argument step in it at all.
import type { FunctionIR } from "../../lang/ir.js";
import type { TraceStep } from "../../protocol/finding.js";
import type { RuleSpec } from "./rules.js";
import type { Interpreter, State } from "./interpreter.js";
import { MAX_STEPS, type Taint, type Value } from "./values.js";

/** What a recorded call read from its module's names: each name, and whether it was there. */
export type GlobalReads = Map<string, boolean>;

interface TaintTemplate {
  /** Index of the argument taint the trace extends, or -1 for a taint made inside the call. */
  arg: number;
  /** The steps after the argument's own (all of them when `arg` is -1). */
  steps: TraceStep[];
  cleared: readonly string[];
}

type ValueTemplate = Omit<Value, "t" | "fields" | "rest"> & { t?: TaintTemplate; fields?: Map<string, ValueTemplate>; rest?: ValueTemplate };

interface SharedResult {
  ret: ValueTemplate;
  reads: GlobalReads;
}

/** Properties a value may have to be keyed and kept: none of them points into one interpreter's objects. */
const PLAIN_KEYS = new Set(["t", "path", "c", "fields", "rest", "len", "html", "text", "sql", "orBits", "origin", "request"]);
const MAX_KEY_DEPTH = 4;
/** Arguments that print longer (a big dict of settings) are not worth a key: they seldom repeat. */
const MAX_KEY_LENGTH = 4096;
/** Results kept per function: a helper called with ever new arguments stops keeping them. */
const MAX_RESULTS_PER_FUNCTION = 256;

/** Calls kept and taken in this thread since it started: the tests check that sharing happens at all. */
export const sharedCallStats = { kept: 0, taken: 0 };

const byRules = new WeakMap<RuleSpec[], WeakMap<FunctionIR, Map<string, SharedResult>>>();

export interface SharedCall {
  results: Map<string, SharedResult>;
  key: string;
  /** The arguments' distinct taints, in the order the key numbers them. */
  taints: Taint[];
}

/** The shared slot for this call, or undefined when the call cannot be shared. */
export function sharedCall(it: Interpreter, fn: FunctionIR, params: readonly { name: string }[], state: State, depth: number, route: boolean, routePath: string | undefined): SharedCall | undefined {
  if (!it.sharing || fn.file === undefined || fn.className !== undefined) return undefined;
  const taints: Taint[] = [];
  const index = new Map<Taint, number>();
  // Whether the caller's route has a fixed path, not the path: a call that reads it does not keep its result.
  let key = `${depth}\0${route ? 1 : 0}\0${routePath === undefined ? 0 : 1}\0${it.tryInputs.length > 0 ? 1 : 0}\0${it.module.language}`;
  for (const p of params) {
    const part = canon(state.get(p.name), index, taints, 0);
    if (part === undefined) return undefined;
    key += `\0${p.name}=${part}`;
    if (key.length > MAX_KEY_LENGTH) return undefined;
  }
  // An argument trace ending in the callee's file could swallow the call's first step (addStep drops a repeat of the last line).
  if (taints.some((t) => t.steps.at(-1)?.file === fn.file)) return undefined;
  let byFn = byRules.get(it.rules);
  if (!byFn) byRules.set(it.rules, (byFn = new WeakMap()));
  let results = byFn.get(fn);
  if (!results) byFn.set(fn, (results = new Map()));
  return { results, key, taints };
}

/** The kept result for this call, made for this caller's taints, if one is kept and the names it read stand here too. */
export function takeShared(call: SharedCall, globals: State): Value | undefined {
  const kept = call.results.get(call.key);
  if (!kept) return undefined;
  for (const [name, present] of kept.reads) {
    const v = globals.get(name);
    if ((v !== undefined) !== present || v?.pending) return undefined;
  }
  // Below the trace cap on both sides, a trace is the argument's steps and then the call's: no step was dropped.
  if (!fitsUnderCap(kept.ret, call.taints)) return undefined;
  sharedCallStats.taken++;
  return instantiate(kept.ret, call.taints, new Map());
}

function fitsUnderCap(v: ValueTemplate, taints: Taint[]): boolean {
  if (v.t && v.t.arg >= 0 && taints[v.t.arg]!.steps.length + v.t.steps.length >= MAX_STEPS) return false;
  for (const f of v.fields?.values() ?? []) if (!fitsUnderCap(f, taints)) return false;
  return v.rest === undefined || fitsUnderCap(v.rest, taints);
}

/** Keeps `ret` for the call's key when the run left no effect (see the header). */
export function keepShared(call: SharedCall, ret: Value, reads: GlobalReads): void {
  if (call.results.has(call.key) || call.results.size >= MAX_RESULTS_PER_FUNCTION) return;
  const argSteps = new Set<TraceStep>();
  for (const t of call.taints) for (const s of t.steps) argSteps.add(s);
  // A result this caller cannot share (its argument trace at the cap, say) may still be shared by the next one.
  const template = toTemplate(ret, call.taints, argSteps, 0);
  if (template === undefined) return;
  call.results.set(call.key, { ret: template, reads });
  sharedCallStats.kept++;
}

function canon(v: Value | undefined, index: Map<Taint, number>, taints: Taint[], depth: number): string | undefined {
  if (v === undefined) return "-";
  if (depth > MAX_KEY_DEPTH) return undefined;
  let out = "{";
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    if (!PLAIN_KEYS.has(k)) return undefined;
    if (k === "t") {
      const t = x as Taint;
      let i = index.get(t);
      if (i === undefined) {
        index.set(t, (i = taints.length));
        taints.push(t);
      }
      out += `t${i}:${t.cleared.join(",")};`;
    } else if (k === "c") {
      const c = (x as { v: unknown }).v;
      // JSON would print NaN and Infinity alike, and -0 as 0.
      out += `c${typeof c}:${typeof c === "number" ? (Object.is(c, -0) ? "-0" : String(c)) : JSON.stringify(c)};`;
    } else if (k === "fields") {
      out += "f[";
      for (const [name, field] of x as Map<string, Value>) {
        const part = canon(field, index, taints, depth + 1);
        if (part === undefined) return undefined;
        out += `${JSON.stringify(name)}:${part},`;
      }
      out += "];";
    } else if (k === "rest") {
      const part = canon(x as Value, index, taints, depth + 1);
      if (part === undefined) return undefined;
      out += `r${part};`;
    } else out += `${k}:${JSON.stringify(x)};`;
  }
  return `${out}}`;
}

function toTemplate(v: Value, taints: Taint[], argSteps: Set<TraceStep>, depth: number): ValueTemplate | undefined {
  if (depth > MAX_KEY_DEPTH) return undefined;
  const out: ValueTemplate = {};
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    if (!PLAIN_KEYS.has(k)) return undefined;
    if (k === "t") {
      const t = taintTemplate(x as Taint, taints, argSteps);
      if (!t) return undefined;
      out.t = t;
    } else if (k === "fields") {
      const fields = new Map<string, ValueTemplate>();
      for (const [name, field] of x as Map<string, Value>) {
        const f = toTemplate(field, taints, argSteps, depth + 1);
        if (!f) return undefined;
        fields.set(name, f);
      }
      out.fields = fields;
    } else if (k === "rest") {
      const r = toTemplate(x as Value, taints, argSteps, depth + 1);
      if (!r) return undefined;
      out.rest = r;
    } else (out as Record<string, unknown>)[k] = x;
  }
  return out;
}

function taintTemplate(t: Taint, taints: Taint[], argSteps: Set<TraceStep>): TaintTemplate | undefined {
  // A trace at the cap has lost steps from its middle: where the argument's ended is no longer known.
  if (t.steps.length >= MAX_STEPS) return undefined;
  let best = -1;
  let bestLength = -1;
  taints.forEach((a, i) => {
    if (a.steps.length > bestLength && a.steps.length <= t.steps.length && a.steps.every((s, j) => t.steps[j] === s)) {
      best = i;
      bestLength = a.steps.length;
    }
  });
  const inside = t.steps.slice(Math.max(bestLength, 0));
  if (inside.some((s) => argSteps.has(s))) return undefined;
  return { arg: best, steps: inside, cleared: t.cleared };
}

function instantiate(v: ValueTemplate, taints: Taint[], made: Map<TaintTemplate, Taint>): Value {
  const out: Value = {};
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    if (k === "t") {
      const t = x as TaintTemplate;
      let real = made.get(t);
      if (!real) {
        const given = t.arg < 0 ? undefined : taints[t.arg]!;
        // An argument's taint passed through unchanged is that same taint, as a run would return it.
        real = given && t.steps.length === 0 && sameMarks(given.cleared, t.cleared) ? given : { steps: given ? [...given.steps, ...t.steps] : t.steps, cleared: t.cleared };
        made.set(t, real);
      }
      out.t = real;
    } else if (k === "fields") {
      const fields = new Map<string, Value>();
      for (const [name, field] of x as Map<string, ValueTemplate>) fields.set(name, instantiate(field, taints, made));
      out.fields = fields;
    } else if (k === "rest") out.rest = instantiate(x as ValueTemplate, taints, made);
    else (out as Record<string, unknown>)[k] = x;
  }
  return out;
}

function sameMarks(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
