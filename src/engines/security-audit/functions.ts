// Functions of the analysed file: how each is entered on its own (framework
// parameters, route handlers, methods with their class's fields) and how a
// call to one runs with the caller's values, memoized by argument signature.
import type { Expr, FunctionIR } from "../../lang/ir.js";
import { cachedRegex } from "./matching.js";
import type { Frame, Interpreter, State } from "./interpreter.js";
import { anyPathMatches } from "./rule-paths.js";
import { keepShared, sharedCall, takeShared } from "./shared-calls.js";
import { CLEAN, type ClassInfo, deepTaint, joinTaint, joinValues, listValue, type Taint, type Value } from "./values.js";

const MAX_INLINE_DEPTH = 4;

export function isRoute(it: Interpreter, fn: FunctionIR): boolean {
  if (it.routeFns.has(fn)) return true;
  return fn.decorators.some((d) => {
    const callee = d.k === "call" ? d.callee : d;
    return anyPathMatches(it.config.routes, it.evalQuiet(callee).path);
  });
}

/** A route, or a view taking the framework request (`def view(request)`): the taint rules follow its request data. */
export function isHandler(it: Interpreter, fn: FunctionIR): boolean {
  const first = fn.className && it.module.language === "python" ? fn.params[1] : fn.params[0];
  return (first !== undefined && it.config["request-params"].includes(first.name)) || isRoute(it, fn);
}

/** `@app.route("/about")`: the one constant rule of a route without URL variables. */
function fixedRoutePath(it: Interpreter, fn: FunctionIR): string | undefined {
  let rule: string | undefined;
  for (const d of fn.decorators) {
    if (d.k !== "call" || !anyPathMatches(it.config.routes, it.evalQuiet(d.callee).path)) continue;
    const first = d.args.find((a) => !a.name)?.value;
    if (first?.k !== "const" || typeof first.value !== "string" || first.value.includes("<") || (rule !== undefined && rule !== first.value)) return undefined;
    rule = first.value;
  }
  return rule;
}

/**
 * `def extract(tar: tarfile.TarFile)`: a parameter annotated with a library class is an instance of
 * it, so its methods are recognised (`tarfile.TarFile().extractall`). Builtins and the project's own
 * classes (no dotted library path) stay plain parameters.
 */
function annotatedInstance(it: Interpreter, fn: FunctionIR, annotation: string | undefined): string | undefined {
  if (!annotation || it.module.language !== "python" || !/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(annotation)) return undefined;
  const [first, ...rest] = annotation.split(".");
  const base = it.evalQuiet({ k: "name", name: first!, loc: fn.loc });
  if (base.path === undefined || base.cls || base.fn || (!base.path.includes(".") && rest.length === 0)) return undefined;
  return `${[base.path, ...rest].join(".")}()`;
}

/** Parameter values when a function is analysed on its own (no caller). */
function entryParams(it: Interpreter, fn: FunctionIR, route: boolean, cls?: ClassInfo): State {
  const state: State = new Map();
  const framework = it.paramPaths.get(fn);
  const viewFiles = it.config["view-files"];
  // Django-style views: `def detail(request, slug)` in views.py gets slug from the URL.
  // Only when every required parameter after the request is named like a URL capture: a helper taking
  // (request, exc_type, exc_value, tb) in a views module is called by code, not routed by URL.
  const urlParams = !route && viewFiles !== undefined && fn.params[0]?.name === "request" && !fn.className && cachedRegex(viewFiles).test(it.file)
    && fn.params.slice(1).every((p) => p.rest || p.default || URL_PARAM.test(p.name));
  fn.params.forEach((p, i) => {
    let v: Value = { path: annotatedInstance(it, fn, p.annotation) ?? p.name };
    const given = framework?.[i];
    if (i === 0 && cls && (p.name === "self" || p.name === "cls")) v = { inst: cls, path: p.name, fields: new Map(cls.fields) };
    else if (given) v = { path: given, request: given === "$request" || undefined };
    else if (p.decorators?.length && decoratedSource(it, fn, p.decorators)) v = decoratedSource(it, fn, p.decorators)!;
    else if (it.config["request-params"].includes(p.name) || (route && i === 0 && it.module.language !== "python") || annotated(p.annotation, it.config["request-types"])) v = { path: "$request", request: true };
    else if (it.config["response-params"].includes(p.name) || (route && i === 1 && it.module.language !== "python") || annotated(p.annotation, it.config["response-types"])) v = { path: "$response" };
    else if ((route || (urlParams && i > 0 && !p.rest && !p.default && URL_PARAM.test(p.name))) && it.module.language === "python" && !isSafeAnnotation(p.annotation) && !isDependency(p.default)) {
      v = { path: p.name, t: { steps: [it.step(fn.loc, `source: route parameter \`${p.name}\``)], cleared: [] } };
    }
    if (p.pattern) it.assignTarget(p.pattern, v, { state, route, contextNames: [], depth: 0 }, fn.loc);
    else state.set(p.name, v);
  });
  const thisCls = cls ?? (fn.className ? it.classes.get(fn.className) : undefined);
  if (thisCls && it.module.language !== "python") state.set("this", { inst: thisCls, path: "this", fields: new Map(thisCls.fields) });
  return state;
}

export function analyseStandalone(it: Interpreter, fn: FunctionIR, scope: State | undefined): void {
  const cls = fn.className ? it.classes.get(fn.className) : undefined;
  const route = isRoute(it, fn);
  const frame: Frame = {
    state: entryParams(it, fn, route, cls),
    fn,
    route,
    scope,
    className: fn.className,
    contextNames: fn.name ? [fn.name] : [],
    depth: 0,
    routePath: fixedRoutePath(it, fn),
  };
  it.budget -= 1;
  it.effects++;
  // A method of another module's class runs as that file, like an inlined call: its own sites are that module's to report.
  const savedFile = it.currentFile;
  it.currentFile = fn.file ?? it.file;
  try {
    it.execBlock(fn.body, frame);
  } finally {
    it.currentFile = savedFile;
  }
  if (cls) absorbFields(it, cls, frame);
}

/** Fields a method leaves on self/this become visible to the class's other methods. */
function absorbFields(it: Interpreter, cls: ClassInfo, frame: Frame): void {
  const self = frame.state?.get(it.module.language === "python" ? frame.fn?.params[0]?.name ?? "self" : "this");
  if (!self?.fields) return;
  for (const [k, v] of self.fields) cls.fields.set(k, joinValues(cls.fields.get(k), v));
}

/** Runs a local function with the given argument values; returns its result and the receiver as the call left it. */
export function invokeLocal(
  it: Interpreter,
  fn: FunctionIR,
  scope: State | undefined,
  args: Array<{ value: Value; name?: string }>,
  frame: Frame,
  self?: Value,
  fresh = false,
): { ret: Value; self?: Value } {
  // Another module's top level runs only for the values it defines: calls there go one level deep.
  const depthLimit = it.quiet > 0 ? 1 : MAX_INLINE_DEPTH;
  // A call inside a call being shared makes that one depend on this file's state (its summaries, its inline stack).
  it.effects++;
  if (it.inlineStack.includes(fn) || frame.depth >= depthLimit || it.budget <= 0) {
    let t: Taint | undefined;
    for (const a of args) t = joinTaint(t, deepTaint(a.value));
    return { ret: t ? { t } : {}, self };
  }
  it.budget -= 1;
  const state: State = new Map();
  const isPython = it.module.language === "python";
  let params = fn.params;
  if (self && isPython && fn.className) {
    if (params[0]) state.set(params[0].name, self);
    params = params.slice(1);
  } else if (self) state.set("this", self);
  const positional = args.filter((a) => a.name === undefined);
  const globals = it.fnGlobals.get(fn);
  const calleeFrame: Frame = { state, fn, route: it.routeFns.has(fn), scope: scope ?? globals ?? it.moduleScope, globals, className: fn.className, contextNames: fn.name ? [fn.name] : [], depth: frame.depth + 1, routePath: fixedRoutePath(it, fn) ?? frame.routePath };
  const savedFile = it.currentFile;
  // Code of another project module runs as that file: its sinks and trace steps name it.
  it.currentFile = fn.file ?? it.file;
  params.forEach((p, i) => {
    let v: Value | undefined = args.find((a) => a.name === p.name)?.value;
    if (p.rest) v = listValue(positional.slice(i).map((a) => a.value));
    else if (!v) v = positional[i]?.value;
    if (!v) v = p.default ? it.eval(p.default, calleeFrame) : CLEAN;
    if (p.pattern) it.assignTarget(p.pattern, v, calleeFrame, fn.loc);
    else state.set(p.name, v.path === undefined && !v.c ? { ...v, path: p.name } : v);
  });
  // Summaries are keyed by what the arguments carry. A receiver carrying
  // attacker data is run afresh (its fields matter); a clean one shares the summary.
  const selfTaint = self ? deepTaint(self) : undefined;
  const key = fresh ? undefined : self ? (selfTaint ? undefined : `${signature(fn, state)}|self`) : signature(fn, state);
  const memo = key === undefined ? undefined : it.summaries.get(fn)?.get(key);
  if (memo) {
    it.currentFile = savedFile;
    return { ret: memo, self };
  }
  // Another module's function, with its own module's names as its scope: the thread's other files may have run this call.
  const shared = key !== undefined && !self && it.quiet === 0 && globals !== undefined && (scope === undefined || scope === globals)
    ? sharedCall(it, fn, params, state, frame.depth, calleeFrame.route, calleeFrame.routePath)
    : undefined;
  const taken = shared && takeShared(shared, globals!);
  if (taken) {
    it.currentFile = savedFile;
    remember(it, fn, key!, taken);
    return { ret: taken, self };
  }
  const effectsBefore = it.effects;
  const outerReads = it.globalReads;
  const reads = shared ? new Map<string, boolean>() : undefined;
  it.globalReads = reads;
  it.inlineStack.push(fn);
  try {
    it.execBlock(fn.body, calleeFrame);
  } finally {
    it.inlineStack.pop();
    it.currentFile = savedFile;
    it.globalReads = outerReads;
  }
  const ret = fn.isArrow || calleeFrame.ret ? calleeFrame.ret ?? CLEAN : CLEAN;
  if (shared && it.effects === effectsBefore && it.sharing) keepShared(shared, ret, reads!);
  if (key !== undefined && !(self && deepTaint(ret))) remember(it, fn, key, ret);
  let finalSelf = self ? calleeFrame.state?.get(isPython ? fn.params[0]?.name ?? "self" : "this") ?? self : undefined;
  // `var self = this; self.find = …`: what the alias gained is the receiver's.
  if (finalSelf && !isPython) for (const v of calleeFrame.state?.values() ?? []) if (v !== finalSelf && v.path !== undefined && v.path === self!.path && v.fields) finalSelf = joinValues(finalSelf, v);
  return { ret, self: finalSelf };
}

function remember(it: Interpreter, fn: FunctionIR, key: string, ret: Value): void {
  let byKey = it.summaries.get(fn);
  if (!byKey) it.summaries.set(fn, (byKey = new Map()));
  byKey.set(key, ret);
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

/** Names URL patterns give their captures (`<slug:slug>`, `<int:pk>`, `(?P<name>…)`). */
/** `req: Request<{ id: string }>` / `({ body }: express.Request)`: the annotation's type name, generics and namespace aside. */
function annotated(annotation: string | undefined, types: readonly string[]): boolean {
  if (!annotation || types.length === 0) return false;
  const name = /^\s*([\w$.]+)/.exec(annotation)?.[1];
  return name !== undefined && types.includes(name.slice(name.lastIndexOf(".") + 1));
}

/** A parameter a framework decorator fills from the request (`@Query('q') q`, `@Body() dto`), or with the request itself (`@Req() req`). */
function decoratedSource(it: Interpreter, fn: FunctionIR, decorators: Expr[]): Value | undefined {
  for (const d of decorators) {
    const path = it.evalQuiet(d.k === "call" ? d.callee : d).path;
    const spec = it.config["param-decorators"].find((s) => anyPathMatches(s.call, path));
    if (!spec) continue;
    if (spec.request) return { path: "$request", request: true };
    // `@Query('q')` names one field: a string. `@Body()` alone is the whole parsed body.
    const field = d.k === "call" && d.args[0]?.value.k === "const";
    return { path: `@${path}`, t: { steps: [it.step(fn.loc, `source: ${spec.label}`)], cleared: [] }, text: field || undefined };
  }
  return undefined;
}

const URL_PARAM = /(^|_)(slug|pk|id|uuid|name|path|filename|file|key|code|token|username|user|email|page|query|q|term|tag|category|kind|type|format|lang|year|month|day|number|ref|url|next|target)$/i;

function isSafeAnnotation(annotation: string | undefined): boolean {
  return annotation !== undefined && /^(int|float|bool|UUID|uuid\.UUID|datetime|date|Decimal|conint.*|PositiveInt|Request|Response|BackgroundTasks|Session|AsyncSession)$/.test(annotation.trim());
}

function isDependency(def: Expr | undefined): boolean {
  return def?.k === "call" && def.callee.k === "name" && /^(Depends|Security)$/.test(def.callee.name);
}
