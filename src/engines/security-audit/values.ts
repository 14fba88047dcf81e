// Abstract values of the taint interpreter. A value knows, as far as the
// analysis can tell: whether it carries attacker data (and for which sink
// classes it has been made safe), its constant, the API path it stands for
// ("os.system"), and its elements by constant key — so a clean element read
// out of a container that also holds tainted data stays clean.
import type { ConstValue, Expr, FunctionIR, Loc } from "../../lang/ir.js";
import type { TraceStep } from "../../protocol/finding.js";

export interface Taint {
  steps: TraceStep[];
  /** Sink classes this data has been made safe for ("sql", "xss", "~normalized" markers…). */
  cleared: readonly string[];
}

export interface ClassInfo {
  name: string;
  methods: Map<string, FunctionIR>;
  bases: string[];
  /** Fields written to self/this by any method, joined: what a method may see. */
  fields: Map<string, Value>;
}

export interface Value {
  t?: Taint;
  path?: string;
  c?: { v: ConstValue };
  fields?: Map<string, Value>;
  /** Elements stored under keys we could not compute. */
  rest?: Value;
  /** A list whose elements are exactly fields "0".."len-1" (append/pop keep it exact). */
  len?: number;
  fn?: FunctionIR;
  /** Closure environment of a local function value. */
  scope?: Map<string, Value>;
  cls?: ClassInfo;
  inst?: ClassInfo;
  /** Built by string operations around markup: returned from a view it is HTML. */
  html?: boolean;
  /** Built by string concatenation or a template: text, not an object sent as JSON. */
  text?: boolean;
  /** Holds literal SQL text (a statement's keywords): built around other values it is a query assembled at run time. */
  sql?: boolean;
  /** Bits known to be set in a number built with `|` from constants and unknown values (`st.st_mode | S_IXOTH`). */
  orBits?: number;
  /** Variable this value was derived from by a call (`urlparse(target)`), for guards. */
  origin?: string;
  /** A request object of a web framework (routes can be recognised by it). */
  request?: boolean;
  /** An import of a project module not loaded yet: reading the name loads it. */
  pending?: () => Value;
  /** Python `import a.b` bindings merged under the same top package name. */
  imports?: string[];
  /**
   * The library path a project function or class was imported under (`django.utils._os.safe_join`
   * while auditing Django itself): a library model of that path speaks for the body.
   */
  model?: string;
  /** A boolean stored from a check (`ok = url_has_allowed_host_and_scheme(url=u)`): testing it is testing that check. */
  test?: Expr;
}

export const CLEAN: Value = Object.freeze({}) as Value;

/** Taint mark of data the program's own user wrote (argv, environment, terminal): findings from it only are Low. */
export const LOCAL_INPUT = "~local-input";

/** Steps a trace keeps: its first two and its last six (addStep). */
export const MAX_STEPS = 8;

export function constOf(v: Value | undefined): ConstValue | undefined {
  return v?.c ? v.c.v : undefined;
}

export function isConst(v: Value | undefined): boolean {
  return v?.c !== undefined;
}

// Text that reads as SQL: a statement's opening (after spaces or a parenthesis), or Bandit B608's
// statement shapes anywhere in a fragment (a fragment with these keywords is SQL, not a table or column name).
const SQL_OPENING = /^[\s(]*(select\s|insert\s+(or\s+\w+\s+)?into\s|update\s+\S+\s+set\s|delete\s+from\s|(create|drop)\s+(temporary\s+|temp\s+|unique\s+)?(table|index|view)\s|alter\s+table\s|replace\s+into\s|merge\s+into\s|with\s+\w+\s+as\s*\()/i;
const SQL_SHAPE = /\b(select\s[\s\S]*\bfrom\b|delete\s+from\b|insert\s+into\b[\s\S]*\bvalues\b|update\s[\s\S]*\bset\b)/i;

export function isSqlText(text: string): boolean {
  return SQL_OPENING.test(text) || SQL_SHAPE.test(text);
}

export function mkConst(value: ConstValue): Value {
  const str = typeof value === "string";
  return { c: { v: value }, html: str && /<[a-zA-Z!/]/.test(value) ? true : undefined, text: str || undefined, sql: str && isSqlText(value) ? true : undefined };
}

export function addStep(t: Taint | undefined, step: TraceStep | undefined): Taint | undefined {
  if (!t || !step) return t;
  const last = t.steps[t.steps.length - 1];
  if (last && last.line === step.line && last.file === step.file) return t;
  if (t.steps.length >= MAX_STEPS) return { steps: [...t.steps.slice(0, 2), ...t.steps.slice(t.steps.length - MAX_STEPS + 3), step], cleared: t.cleared };
  return { steps: [...t.steps, step], cleared: t.cleared };
}

/** The more dangerous of two taints: cleared only for classes both were cleared for. */
export function joinTaint(a: Taint | undefined, b: Taint | undefined): Taint | undefined {
  if (!a) return b;
  if (!b || a === b) return a;
  if (a.cleared.length === 0) return a;
  if (b.cleared.length === 0) return b;
  const cleared = a.cleared.filter((c) => b.cleared.includes(c));
  return { steps: a.steps, cleared };
}

export function clearTaint(t: Taint | undefined, classes: readonly string[]): Taint | undefined {
  if (!t) return undefined;
  if (classes.includes("all")) return undefined;
  const cleared = [...new Set([...t.cleared, ...classes])].sort();
  return { steps: t.steps, cleared };
}

export function taintFor(t: Taint | undefined, sinkClass: string): Taint | undefined {
  return t && !t.cleared.includes(sinkClass) ? t : undefined;
}

/** All taint reachable from a value: itself and every element. */
export function deepTaint(v: Value | undefined, depth = 0): Taint | undefined {
  if (!v) return undefined;
  let t = v.t;
  if (depth > 4) return t;
  if (v.fields) for (const f of v.fields.values()) t = joinTaint(t, deepTaint(f, depth + 1));
  if (v.rest) t = joinTaint(t, deepTaint(v.rest, depth + 1));
  return t;
}

export function joinValues(a: Value | undefined, b: Value | undefined, depth = 0): Value {
  if (!a) return b ?? CLEAN;
  if (!b || a === b) return a;
  const out: Value = {};
  const t = joinTaint(a.t, b.t);
  if (t) out.t = t;
  if (a.path !== undefined && a.path === b.path) out.path = a.path;
  else if (a.path !== undefined && b.path === undefined && !b.c) out.path = a.path;
  else if (b.path !== undefined && a.path === undefined && !a.c) out.path = b.path;
  if (a.c && b.c && a.c.v === b.c.v) out.c = a.c;
  if (a.fn === b.fn && a.fn) {
    out.fn = a.fn;
    out.scope = a.scope;
  } else if (a.fn || b.fn) {
    out.fn = a.fn ?? b.fn;
    out.scope = a.scope ?? b.scope;
  }
  if (a.cls === b.cls) out.cls = a.cls;
  if (a.inst || b.inst) out.inst = a.inst ?? b.inst;
  if (a.html || b.html) out.html = true;
  if (a.text || b.text) out.text = true;
  if (a.sql || b.sql) out.sql = true;
  if (a.origin === b.origin && a.origin) out.origin = a.origin;
  if (a.request || b.request) out.request = true;
  if (depth < 4 && (a.fields || b.fields || a.rest || b.rest)) {
    const fields = new Map<string, Value>();
    const keys = new Set([...(a.fields?.keys() ?? []), ...(b.fields?.keys() ?? [])]);
    for (const k of keys) {
      // A key known on one side only may be absent on the other: the other side's unknown elements apply.
      const av = a.fields?.get(k) ?? a.rest ?? (a.t ? { t: a.t } : undefined);
      const bv = b.fields?.get(k) ?? b.rest ?? (b.t ? { t: b.t } : undefined);
      fields.set(k, joinValues(av, bv, depth + 1));
    }
    out.fields = fields;
    if (a.rest || b.rest) out.rest = joinValues(a.rest, b.rest, depth + 1);
    if (a.len !== undefined && a.len === b.len) out.len = a.len;
  }
  return out;
}

export function sameValue(a: Value | undefined, b: Value | undefined, depth = 0): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if ((a.t === undefined) !== (b.t === undefined)) return false;
  if (a.t && b.t && a.t.cleared.join() !== b.t.cleared.join()) return false;
  if (a.c?.v !== b.c?.v || (a.c === undefined) !== (b.c === undefined)) return false;
  if (a.path !== b.path || a.len !== b.len || a.html !== b.html || a.sql !== b.sql) return false;
  if (depth > 4) return true;
  if (!sameValue(a.rest, b.rest, depth + 1) && (a.rest || b.rest)) return false;
  const ak = a.fields ? [...a.fields.keys()] : [];
  const bk = b.fields ? [...b.fields.keys()] : [];
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!sameValue(a.fields!.get(k), b.fields?.get(k), depth + 1)) return false;
  return true;
}

/** Reading `v.key` / `v[key]` with a constant key. */
export function member(v: Value, key: string): Value {
  const own = v.fields?.get(key);
  if (own) return own;
  if (v.inst) {
    const field = v.inst.fields.get(key);
    if (field) return field;
  }
  let out: Value = {};
  if (v.rest) out = { ...v.rest };
  if (v.t) out.t = joinTaint(out.t, v.t);
  out.path = `${v.path ?? "?"}.${key}`;
  return out;
}

/** Reading an element by a key we cannot compute: any element may come out. */
export function anyElement(v: Value): Value {
  let t = v.t;
  if (v.fields) for (const f of v.fields.values()) t = joinTaint(t, deepTaint(f));
  if (v.rest) t = joinTaint(t, deepTaint(v.rest));
  const out: Value = {};
  if (t) out.t = t;
  if (v.path !== undefined) out.path = `${v.path}[]`;
  return out;
}

export function withField(v: Value, key: string, field: Value): Value {
  const fields = new Map(v.fields ?? []);
  fields.set(key, field);
  const out: Value = { ...v, fields };
  if (v.len !== undefined && /^\d+$/.test(key) && Number(key) >= v.len) out.len = Number(key) === v.len ? v.len + 1 : undefined;
  return out;
}

/** Adds an element under an unknown key. */
export function withRest(v: Value, element: Value): Value {
  return { ...v, rest: joinValues(v.rest, element), len: undefined };
}

export function listValue(elements: Value[]): Value {
  const fields = new Map<string, Value>();
  elements.forEach((e, i) => fields.set(String(i), e));
  return { fields, len: elements.length };
}

export function stepAt(file: string, loc: Loc, note: string): TraceStep {
  return { file, line: loc.line, note };
}

export function truthiness(v: Value): boolean | undefined {
  if (!v.c) {
    if (v.fn || v.cls) return true;
    return undefined;
  }
  const c = v.c.v;
  if (c === null) return false;
  if (typeof c === "string") return c.length > 0;
  if (typeof c === "number") return c !== 0 && !Number.isNaN(c);
  return c;
}

/** Constant folding of binary operators, shared by Python and JavaScript where they agree. */
export function foldBinary(op: string, a: ConstValue, b: ConstValue): ConstValue | undefined {
  const numeric = typeof a === "number" && typeof b === "number";
  switch (op) {
    case "+":
      if (numeric) return a + b;
      if (typeof a === "string" && typeof b === "string") return a + b;
      if (typeof a === "string" || typeof b === "string") return String(a) + String(b);
      return undefined;
    case "-": return numeric ? a - b : undefined;
    case "*":
      if (numeric) return a * b;
      if (typeof a === "string" && typeof b === "number" && b >= 0 && b < 1000) return a.repeat(b);
      return undefined;
    case "/": return numeric && b !== 0 ? a / b : undefined;
    case "//": return numeric && b !== 0 ? Math.floor(a / b) : undefined;
    case "%":
      if (numeric) return b !== 0 ? ((a % b) + b) % b : undefined;
      // Python's "... '%s'" % name with one conversion and a constant operand is a constant string.
      if (typeof a === "string" && (typeof b === "string" || typeof b === "number") && (a.match(/%[sdir]/g) ?? []).length === 1 && !/%(?![sdir%])/.test(a)) {
        return a.replace(/%[sdir]/, String(b)).replace(/%%/g, "%");
      }
      return undefined;
    case "**": return numeric ? a ** b : undefined;
    case "==": case "===": case "is": return a === b;
    case "!=": case "!==": case "is not": return a !== b;
    case "<": return numeric || (typeof a === "string" && typeof b === "string") ? a! < b! : undefined;
    case ">": return numeric || (typeof a === "string" && typeof b === "string") ? a! > b! : undefined;
    case "<=": return numeric || (typeof a === "string" && typeof b === "string") ? a! <= b! : undefined;
    case ">=": return numeric || (typeof a === "string" && typeof b === "string") ? a! >= b! : undefined;
    case "in": return typeof a === "string" && typeof b === "string" ? b.includes(a) : undefined;
    case "not in": return typeof a === "string" && typeof b === "string" ? !b.includes(a) : undefined;
    case "&": return numeric ? a & b : undefined;
    case "|": return numeric ? a | b : undefined;
    case "^": return numeric ? a ^ b : undefined;
    case "<<": return numeric ? a << b : undefined;
    case ">>": return numeric ? a >> b : undefined;
    default: return undefined;
  }
}

/** Two states after a branch: each variable may hold what either side left in it. */
export function joinStates(a: Map<string, Value> | null, b: Map<string, Value> | null): Map<string, Value> | null {
  if (!a) return b ? new Map(b) : null;
  if (!b) return new Map(a);
  const out: Map<string, Value> = new Map();
  for (const [k, v] of a) out.set(k, joinValues(v, b.get(k) ?? (b.has(k) ? undefined : v)));
  for (const [k, v] of b) if (!a.has(k)) out.set(k, v);
  return out;
}

const ENVIRON = /(^|\.)\$?request\.(META|environ)$/;
/** CGI / WSGI environ keys whose text the client writes (PEP 3333, RFC 3875): headers and the parts of the request line. */
const CLIENT_ENVIRON_KEY = /^(HTTP_\w+|QUERY_STRING|PATH_INFO|REQUEST_URI|RAW_URI|REQUEST_METHOD|CONTENT_TYPE|CONTENT_LENGTH|SERVER_NAME|REMOTE_HOST|REMOTE_USER|REMOTE_IDENT|AUTH_TYPE|wsgi\.input)$/;

/**
 * `request.META["CSRF_COOKIE"]`, `environ["REMOTE_ADDR"]`: a request environ entry the server or a
 * middleware set, which carries no attacker text, unlike a header or the query string.
 */
export function isServerEnvironKey(environ: Value, key: ConstValue | undefined): boolean {
  return typeof key === "string" && environ.t !== undefined && environ.path !== undefined && ENVIRON.test(environ.path) && !CLIENT_ENVIRON_KEY.test(key);
}
