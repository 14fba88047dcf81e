// Rule matchers and conditions evaluated against the abstract values the
// interpreter computed at a call, an assignment, a literal or a return.
import type { ConstValue, Loc } from "../../lang/ir.js";
import { anyPathMatches } from "./rule-paths.js";
import type { Condition, Matcher, Selector } from "./rules.js";
import { constOf, deepTaint, joinTaint, member, taintFor, type Taint, type Value } from "./values.js";

export interface SiteArg {
  value: Value;
  name?: string;
  spread?: boolean;
  /** Written as a literal at the call (not read from a variable). */
  literal?: boolean;
}

export type Site =
  | { kind: "call"; path?: string; receiver?: Value; args: SiteArg[]; loc: Loc }
  | { kind: "assign"; path?: string; name?: string; value: Value; loc: Loc; literal?: boolean }
  | { kind: "dict"; value: Value; loc: Loc }
  | { kind: "return"; value: Value; route: boolean; loc: Loc }
  | { kind: "string"; value: Value; loc: Loc };

export interface MatchContext {
  file: string;
  /** Names describing where the site is: assigned variable, keyword, dict key, enclosing functions. */
  contextNames: string[];
  /** Whether the site is in a route handler's own body, where the taint rules follow the request data (asked only when a matcher cares). */
  inRoute?: () => boolean;
}

type Selected = { state: "missing" } | { state: "unknown" } | { state: "value"; value: Value };

const MISSING: Selected = { state: "missing" };
const UNKNOWN: Selected = { state: "unknown" };

function positional(site: Extract<Site, { kind: "call" }>, index: number): Selected {
  let i = 0;
  for (const a of site.args) {
    if (a.name !== undefined) continue;
    if (a.spread) return UNKNOWN;
    if (i === index) return { state: "value", value: a.value };
    i++;
  }
  return MISSING;
}

function keyword(site: Extract<Site, { kind: "call" }>, name: string): Selected {
  const hit = site.args.find((a) => a.name === name);
  if (hit) return { state: "value", value: hit.value };
  // `f(**opts)` may carry any keyword.
  return site.args.some((a) => a.spread) ? UNKNOWN : MISSING;
}

function knownShape(v: Value): boolean {
  return v.fields !== undefined && !v.rest && !v.t && v.path === undefined;
}

function selectProp(base: Selected, prop: string | undefined, deep: boolean | undefined): Selected {
  if (!prop || base.state !== "value") return base;
  if (deep) return findDeep(base.value, prop, 0);
  let cur: Selected = base;
  for (const key of prop.split(".")) {
    if (cur.state !== "value") return cur;
    const v: Value = cur.value;
    const field = v.fields?.get(key);
    if (field) cur = { state: "value", value: field };
    else if (knownShape(v) || v.c) cur = MISSING;
    else cur = v.fields || v.rest || v.t ? UNKNOWN : { state: "value", value: member(v, key) };
  }
  return cur;
}

function findDeep(v: Value, prop: string, depth: number): Selected {
  const own = v.fields?.get(prop);
  if (own) return { state: "value", value: own };
  if (depth > 4 || !v.fields) return knownShape(v) ? MISSING : UNKNOWN;
  let sawUnknown = !knownShape(v);
  for (const f of v.fields.values()) {
    const hit = findDeep(f, prop, depth + 1);
    if (hit.state === "value") return hit;
    if (hit.state === "unknown") sawUnknown = true;
  }
  return sawUnknown ? UNKNOWN : MISSING;
}

export function select(site: Site, sel: Selector): Selected {
  let base: Selected;
  if (sel.receiver) base = site.kind === "call" && site.receiver ? { state: "value", value: site.receiver } : MISSING;
  else if (sel.arg === "**" && site.kind === "call") {
    // `f(**data)` / `f(*items)`: the spread argument itself.
    const spread = site.args.find((a) => a.spread);
    base = spread ? { state: "value", value: spread.value } : MISSING;
  } else if (sel.arg !== undefined && site.kind === "call") {
    const a = sel.arg;
    if (typeof a === "number") base = positional(site, a);
    else if (typeof a === "string") base = keyword(site, a);
    else {
      const byName = keyword(site, a[1]);
      base = byName.state === "value" ? byName : positional(site, a[0]);
      if (base.state === "missing" && byName.state === "unknown") base = UNKNOWN;
    }
  } else if (site.kind === "call") base = sel.arg === undefined && sel.prop ? positional(site, 0) : MISSING;
  else base = { state: "value", value: site.value };
  return selectProp(base, sel.prop, sel.deep);
}

function sameConst(a: ConstValue, b: ConstValue): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

function elementsOf(v: Value): Value[] {
  return v.fields ? [...v.fields.values()] : [];
}

const VALUE_TESTS = ["missing", "present", "is", "is-not", "path", "not-path", "matches", "not-matches", "contains", "lt", "bits", "tainted", "dynamic", "built-sql", "built", "sql", "written"] as const;

/** Whether a condition tests the selected value at all, once per condition: conditions are checked at every matching site. */
const testsValue = new WeakMap<Condition, boolean>();

function hasValueTest(cond: Condition): boolean {
  let known = testsValue.get(cond);
  if (known === undefined) testsValue.set(cond, (known = VALUE_TESTS.some((k) => cond[k] !== undefined)));
  return known;
}

export function checkCondition(site: Site, cond: Condition, ctx: MatchContext): boolean {
  if (cond.any && !cond.any.some((c) => checkCondition(site, c, ctx))) return false;
  if (cond.all && !cond.all.every((c) => checkCondition(site, c, ctx))) return false;
  if (cond.not && checkCondition(site, cond.not, ctx)) return false;
  if (!hasValueTest(cond)) return true;
  const sel = select(site, cond);
  const value = sel.state === "value" ? sel.value : undefined;
  const c = constOf(value);
  if (cond.missing !== undefined && (sel.state === "missing") !== cond.missing) return false;
  if (cond.present !== undefined && (sel.state === "value") !== cond.present) return false;
  if (cond.is && !(value?.c && cond.is.some((x) => sameConst(x, c!)))) return false;
  if (cond["is-not"]) {
    if (sel.state === "unknown") return false;
    if (value && (!value.c || cond["is-not"].some((x) => sameConst(x, c!)))) return false;
  }
  if (cond.path && !(value && anyPathMatches(cond.path, value.path))) return false;
  if (cond["not-path"]) {
    if (sel.state === "unknown") return false;
    if (value && !value.c && (value.path === undefined || anyPathMatches(cond["not-path"], value.path))) return false;
  }
  if (cond.matches !== undefined && !(typeof c === "string" && cachedRegex(cond.matches).test(c))) return false;
  if (cond["not-matches"] !== undefined && typeof c === "string" && cachedRegex(cond["not-matches"]).test(c)) return false;
  if (cond.contains) {
    const items = value ? (value.c ? [value] : elementsOf(value)) : [];
    if (!items.some((i) => i.c && cond.contains!.some((x) => sameConst(x, i.c!.v)))) return false;
  }
  if (cond.lt !== undefined && !(typeof c === "number" && c < cond.lt)) return false;
  if (cond.bits !== undefined && !((modeNumber(c) ?? value?.orBits ?? 0) & cond.bits)) return false;
  if (cond.tainted !== undefined && (deepTaint(value) !== undefined) !== cond.tainted) return false;
  if (cond.dynamic !== undefined && (value !== undefined && !value.c) !== cond.dynamic) return false;
  if (cond.written !== undefined && (writtenLiterally(site, cond) === true) !== cond.written) return false;
  if (cond["built-sql"] !== undefined && (value?.sql === true && !value.c) !== cond["built-sql"]) return false;
  if (cond.sql !== undefined && (value?.sql === true) !== cond.sql) return false;
  if (cond.built !== undefined && (value !== undefined && !value.c && value.text === true) !== cond.built) return false;
  return true;
}

/** Whether a positional argument is a literal in the source at the call. */
function writtenLiterally(site: Site, sel: Selector): boolean | undefined {
  if (site.kind !== "call" || typeof sel.arg !== "number" || sel.prop) return undefined;
  return site.args.filter((a) => a.name === undefined && !a.spread)[sel.arg]?.literal;
}

export function siteMatchesKind(m: Matcher, site: Site): boolean {
  if (m.call) return site.kind === "call" && anyPathMatches(m.call, site.path);
  if (m.assign || m.name) {
    if (site.kind !== "assign") return false;
    if (m.assign && !anyPathMatches(m.assign, site.path)) return false;
    if (m.name && !(site.name !== undefined && cachedRegex(m.name).test(site.name))) return false;
    return true;
  }
  if (m.dict) return site.kind === "dict";
  if (m["route-return"]) return site.kind === "return" && site.route;
  if (m.string) return site.kind === "string";
  return false;
}

export function matches(m: Matcher, site: Site, ctx: MatchContext): boolean {
  return siteMatchesKind(m, site) && matchesOfKind(m, site, ctx);
}

/** `matches` for a site already known to pass `siteMatchesKind` (the interpreter's indexes answer that once per path). */
export function matchesOfKind(m: Matcher, site: Site, ctx: MatchContext): boolean {
  if (m.file && !cachedRegex(m.file).test(ctx.file)) return false;
  if (m["outside-routes"] && ctx.inRoute?.()) return false;
  if (m.literal && !(site.kind === "string" || (site.kind === "assign" && site.literal))) return false;
  if (m.context && !ctx.contextNames.some((n) => contextWords(n, m.context!))) return false;
  if (m["not-context"] && ctx.contextNames.some((n) => contextWords(n, m["not-context"]!))) return false;
  return m.where.every((c) => checkCondition(site, c, ctx));
}

/** File modes are written as numbers (0o777, 511) or, in Node, octal strings ("777", "0o777"). */
function modeNumber(c: ConstValue | undefined): number | undefined {
  if (typeof c === "number" && Number.isInteger(c)) return c;
  if (typeof c === "string" && /^(0o?)?[0-7]{3,4}$/i.test(c)) return parseInt(c.replace(/^0o/i, ""), 8);
  return undefined;
}

const regexCache = new Map<string, RegExp>();

export function cachedRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, "i");
    regexCache.set(pattern, re);
  }
  return re;
}

/** Context regexes apply to the words of a name: resetToken / reset_token ⇒ "reset token". */
function contextWords(name: string, pattern: string): boolean {
  let words = wordsOfName.get(name);
  if (words === undefined) {
    // The same few names (the enclosing function, the assigned variable) are asked about by every context matcher.
    if (wordsOfName.size > 50_000) wordsOfName.clear();
    wordsOfName.set(name, (words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_\-.$]+/g, " ").toLowerCase().trim()));
  }
  return cachedRegex(pattern).test(words);
}

const wordsOfName = new Map<string, string>();

/** The attacker data that reaches a sink's sensitive arguments, if any. */
export function sinkTaint(m: Matcher, site: Site, sinkClass: string): Taint | undefined {
  const selectors: Selector[] = (m.args ?? [site.kind === "call" ? 0 : { value: true }]).map((s) =>
    typeof s === "number" || typeof s === "string" || Array.isArray(s) ? { arg: s } : s,
  );
  let found: Taint | undefined;
  for (const sel of selectors) {
    const picked = sel.arg === "*" && site.kind === "call" ? site.args.map((a) => a.value) : [];
    if (picked.length === 0) {
      const s = select(site, sel);
      if (s.state !== "value") continue;
      picked.push(s.value);
    }
    for (let v of picked) {
      if (m.element !== undefined && v.fields && v.len !== undefined) v = v.fields.get(String(m.element)) ?? v;
      if (m.html && !v.html) continue;
      if (m.text && !v.html && !v.text) continue;
      const depth = m.shallow ? 0 : m.depth;
      const t = depth === undefined ? deepTaint(v) : boundedTaint(v, depth);
      found = joinTaint(found, taintFor(t, sinkClass));
    }
  }
  return found;
}

function boundedTaint(v: Value, depth: number): Taint | undefined {
  let t = v.t;
  if (depth > 0) {
    for (const f of v.fields?.values() ?? []) t = joinTaint(t, boundedTaint(f, depth - 1));
    if (v.rest) t = joinTaint(t, boundedTaint(v.rest, depth - 1));
  }
  return t;
}
