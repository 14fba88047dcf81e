// Conditions narrow what a branch may assume: after `if x not in ALLOWED:
// abort()` x is one of a fixed set; inside `if name == "x"` name is a
// constant; after `if not p.startswith(root)` a normalized path stays inside
// its root. Guards beyond the built-in operators are data (taint config).
import type { Expr } from "../../lang/ir.js";
import type { Frame, Interpreter, State } from "./interpreter.js";
import { checkCondition, type Site } from "./matching.js";
import { anyPathMatches } from "./rule-paths.js";
import { clearTaint, constOf, deepTaint, joinStates, mkConst, type Value } from "./values.js";

const URL_AUTHORITY = new Set(["origin", "host", "hostname", "netloc"]);
const PROTO_KEYS = new Set(["__proto__", "constructor", "prototype"]);

const REFINING_OPS = new Set(["in", "not in", "==", "===", "is", "!=", "!==", "is not"]);

/**
 * Whether a condition can narrow anything: most cannot, and then no state needs copying.
 * A bare name narrows when it holds attacker data (a falsy value is empty) or a stored check.
 */
export function canRefine(test: Expr, frame?: Frame): boolean {
  switch (test.k) {
    case "name": {
      const v = frame?.state?.get(test.name);
      return v !== undefined && (v.t !== undefined || v.test !== undefined);
    }
    case "unary":
      return test.op === "not" && canRefine(test.operand, frame);
    case "logical":
      return canRefine(test.left, frame) || canRefine(test.right, frame);
    case "binary":
      return REFINING_OPS.has(test.op);
    case "call":
      return true;
    default:
      return false;
  }
}

/** `stored` is set while refining by a check a variable held: its own names do not expand again. */
export function refine(it: Interpreter, state: State, test: Expr, branch: boolean, frame: Frame, stored = false): State {
  const here: Frame = { ...frame, state };
  switch (test.k) {
    case "name": {
      const v = state.get(test.name);
      if (!v) return state;
      // A falsy value ("", None, 0, an empty list) carries no attacker text.
      if (!branch && v.t) it.updateLvalue(test, here, (old) => stripped(old, ["all"]));
      const out = here.state ?? state;
      return v.test && !stored ? refine(it, out, v.test, branch, frame, true) : out;
    }
    case "unary":
      return test.op === "not" ? refine(it, state, test.operand, !branch, frame, stored) : state;
    case "logical":
      if (test.op === "and" && branch) return refine(it, refine(it, state, test.left, true, frame, stored), test.right, true, frame, stored);
      if (test.op === "or" && !branch) return refine(it, refine(it, state, test.left, false, frame, stored), test.right, false, frame, stored);
      // `c.isalnum() or c in SAFE`: whichever side held, what both sides prove holds.
      if ((test.op === "or" && branch) || (test.op === "and" && !branch)) {
        const left = refine(it, new Map(state), test.left, branch, frame, stored);
        const right = refine(it, new Map(state), test.right, branch, frame, stored);
        return joinStates(left, right) ?? state;
      }
      return state;
    case "binary": {
      const { op, left, right } = test;
      if (op === "in" || op === "not in") {
        if ((op === "in") !== branch) {
          // `q not in s[1:-1]` after s.startswith(q) and s.endswith(q): s is one plain string literal, inert as code.
          const quote = constOf(it.eval(left, here));
          if ((quote === "'" || quote === '"') && right.k === "index" && deepTaint(it.eval(right.object, here))?.cleared.includes(`~quoted${quote}`)) {
            clean(it, here, right.object, ["code"]);
            return here.state ?? state;
          }
          // `"'" not in s`: s cannot close a quoted literal of an XPath expression.
          if ((quote === "'" || quote === '"') && right.k !== "index") {
            clean(it, here, right, ["xpath"]);
            return here.state ?? state;
          }
          // `"../" not in name`: appended after a fixed folder, the name cannot climb out of it.
          if (typeof quote === "string" && /^\.\.[/\\]?$/.test(quote)) {
            clean(it, here, right, ["~no-dotdot"]);
            return here.state ?? state;
          }
          return state;
        }
        const collection = it.eval(right, here);
        if (deepTaint(collection) || (!collection.fields && !collection.c)) return state;
        clean(it, here, left, ["all"]);
        return here.state ?? state;
      }
      const equal = op === "==" || op === "===" || op === "is";
      const unequal = op === "!=" || op === "!==" || op === "is not";
      // `s.indexOf(prefix) === 0` is `s.startsWith(prefix)`.
      const indexCall = left.k === "call" && left.callee.k === "attr" && left.callee.name === "indexOf" && right.k === "const" && right.value === 0 ? left : undefined;
      if (indexCall && indexCall.callee.k === "attr" && (equal || unequal)) {
        const startsWith: Expr = { ...indexCall, callee: { ...indexCall.callee, name: "startsWith" } };
        return refine(it, state, startsWith, equal === branch, frame);
      }
      if ((equal && branch) || (unequal && !branch)) {
        const r = it.eval(right, here);
        const l = it.eval(left, here);
        if (r.c && !l.c) setConst(it, here, left, r);
        else if (l.c && !r.c) setConst(it, here, right, l);
        // Pinning a parsed URL's origin or host to a constant validates where the URL points.
        const pinned = r.c ? left : l.c ? right : undefined;
        if (pinned?.k === "attr" && URL_AUTHORITY.has(pinned.name)) clean(it, here, pinned.object, ["redirect", "ssrf"]);
      }
      // `key !== "__proto__"` style checks rule out the prototype keys.
      if ((unequal && branch) || (equal && !branch)) {
        const r = constOf(it.eval(right, here));
        const l = constOf(it.eval(left, here));
        const target = typeof r === "string" && PROTO_KEYS.has(r) ? left : typeof l === "string" && PROTO_KEYS.has(l) ? right : undefined;
        if (target) clean(it, here, target, ["prototype"]);
      }
      return here.state ?? state;
    }
    case "call": {
      if (!branch) return state;
      const callee = test.callee;
      const receiverExpr = callee.k === "attr" ? callee.object : undefined;
      const calleeValue = it.evalQuiet(callee, here);
      const path = calleeValue.path;
      let site: Site | undefined;
      for (const guard of it.config.guards) {
        // A project function imported under a modelled library path (auditing that library) is that guard.
        if (!anyPathMatches(guard.call, path) && !anyPathMatches(guard.call, calleeValue.model)) continue;
        if (guard.where.length) {
          site ??= { kind: "call", path, args: test.args.map((a) => ({ value: it.eval(a.value, here), name: a.name, spread: a.spread })), loc: test.loc };
          if (!guard.where.every((c) => checkCondition(site!, c, { file: it.file, contextNames: [] }))) continue;
        }
        const checked = guard.checks === "receiver" ? receiverExpr : test.args.filter((a) => !a.name)[guard.checks]?.value ?? (guard.keyword ? test.args.find((a) => a.name === guard.keyword)?.value : undefined);
        if (!checked) continue;
        // An allow-list lookup only proves something when the list itself is not attacker data.
        if (guard.checks !== "receiver" && receiverExpr && deepTaint(it.eval(receiverExpr, here))) continue;
        if (guard.requires) {
          const t = deepTaint(it.eval(checked, here));
          if (t && !t.cleared.includes(guard.requires)) continue;
        }
        clean(it, here, checked, guard.clears);
      }
      return here.state ?? state;
    }
    default:
      return state;
  }
}

function stripped(v: Value, classes: readonly string[], depth = 0): Value {
  const out: Value = { ...v, t: clearTaint(v.t, classes) };
  if (!out.t) delete out.t;
  if (depth < 4 && v.fields) out.fields = new Map([...v.fields].map(([k, f]) => [k, stripped(f, classes, depth + 1)]));
  if (depth < 4 && v.rest) out.rest = stripped(v.rest, classes, depth + 1);
  return out;
}

function baseName(e: Expr): string | undefined {
  if (e.k === "name") return e.name;
  if (e.k === "attr" || e.k === "index") return baseName(e.object);
  if (e.k === "call" && e.callee.k === "attr") return baseName(e.callee.object);
  return undefined;
}

function clean(it: Interpreter, frame: Frame, e: Expr, classes: readonly string[]): void {
  // str(p) / os.fspath(p) is p as text: checking it checks p.
  if (e.k === "call" && e.args.length === 1 && e.callee.k === "name" && (e.callee.name === "str" || e.callee.name === "String")) e = e.args[0]!.value;
  const lvalue = e.k === "call" && e.callee.k === "attr" ? e.callee.object : e;
  if (lvalue.k === "name" || lvalue.k === "attr" || lvalue.k === "index") it.updateLvalue(lvalue, frame, (v) => stripped(v, classes));
  // `parsed = urlparse(target)`: validating what was parsed out of a value validates the value.
  const base = baseName(e);
  const origin = base ? frame.state?.get(base)?.origin : undefined;
  if (origin && origin !== base) it.updateLvalue({ k: "name", name: origin, loc: e.loc }, frame, (v) => stripped(v, classes));
}

function setConst(it: Interpreter, frame: Frame, e: Expr, constant: Value): void {
  if (e.k !== "name" && e.k !== "attr" && e.k !== "index") return;
  const c = constOf(constant);
  it.updateLvalue(e, frame, () => mkConst(c ?? null));
}
