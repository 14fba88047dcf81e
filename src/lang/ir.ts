// A small language-neutral form of a source file. Each language adapter
// lowers its tree-sitter tree to this; the security rules and the taint
// interpreter only ever see these shapes, so a new language is one adapter.

/** 1-based lines and columns, end inclusive of the last character's line. */
export interface Loc {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type ConstValue = string | number | boolean | null;

export interface Arg {
  value: Expr;
  /** Keyword argument name (Python `f(x=1)`). */
  name?: string;
  /** `*args`, `**kwargs`, `...args`. */
  spread?: boolean;
}

export interface DictEntry {
  /** Constant key when known (`{"a": 1}`, `{a: 1}`, `{[k]: v}` with k constant is folded later). */
  key?: string;
  /** Computed key expression when not constant. */
  keyExpr?: Expr;
  value: Expr;
  /** `**d` / `...obj`. */
  spread?: boolean;
}

export type Expr =
  | { k: "name"; name: string; loc: Loc }
  | { k: "const"; value: ConstValue; loc: Loc }
  | { k: "attr"; object: Expr; name: string; loc: Loc }
  | { k: "index"; object: Expr; index: Expr; loc: Loc }
  | { k: "call"; callee: Expr; args: Arg[]; isNew?: boolean; loc: Loc }
  | { k: "binary"; op: string; left: Expr; right: Expr; loc: Loc }
  | { k: "unary"; op: string; operand: Expr; loc: Loc }
  | { k: "logical"; op: "and" | "or" | "??"; left: Expr; right: Expr; loc: Loc }
  | { k: "cond"; test: Expr; then: Expr; else: Expr; loc: Loc }
  /** f-strings, template literals: the parts are concatenated. */
  | { k: "template"; parts: Expr[]; tag?: Expr; loc: Loc }
  | { k: "dict"; entries: DictEntry[]; loc: Loc }
  /** Lists, tuples, sets, arrays. */
  | { k: "list"; elements: Expr[]; loc: Loc }
  | { k: "spread"; value: Expr; loc: Loc }
  | { k: "func"; fn: FunctionIR; loc: Loc }
  /** Comprehensions: the element expression evaluated with the loop targets bound. */
  | { k: "comprehension"; element: Expr; bindings: Array<{ target: Target; iter: Expr }>; conditions: Expr[]; loc: Loc }
  /** A construct the adapter does not model: its value depends on all parts. */
  | { k: "opaque"; parts: Expr[]; loc: Loc };

export type Target =
  | { k: "name"; name: string; loc: Loc }
  | { k: "attr"; object: Expr; name: string; loc: Loc }
  | { k: "index"; object: Expr; index: Expr; loc: Loc }
  /** Tuple unpacking / destructuring. `key` is the property or position; `rest` collects the remainder. */
  | { k: "pattern"; elements: PatternElement[]; loc: Loc }
  /** A target we cannot follow (e.g. a computed member of an unknown base). */
  | { k: "ignore"; loc: Loc };

export interface PatternElement {
  key?: string | number;
  target: Target;
  rest?: boolean;
  default?: Expr;
}

export interface Param {
  name: string;
  /** Destructured parameter (`{a, b}`), bound from the argument value. */
  pattern?: Target;
  default?: Expr;
  rest?: boolean;
  /** Source text of the type annotation, when any (`int`, `str`). */
  annotation?: string;
  /** Parameter decorators (TypeScript: NestJS `@Query('q') q`). */
  decorators?: Expr[];
}

export interface FunctionIR {
  name?: string;
  params: Param[];
  body: Stmt[];
  decorators: Expr[];
  loc: Loc;
  /** Name of the enclosing class for methods. */
  className?: string;
  /** Arrow / lambda with an expression body is lowered to a return statement. */
  isArrow?: boolean;
  /** Set on functions of another project module loaded by an import: the file they are in. */
  file?: string;
}

export interface ImportBinding {
  /** Local name bound by the import. */
  local: string;
  /** Qualified path it stands for: "os", "subprocess.call", "child_process.exec". */
  path: string;
  /**
   * The module as written, for finding it among the project's own files:
   * Python dotted names keep their leading dots (".dao", "..models"), JS keeps
   * the specifier ("./dao", "../lib/db.js").
   */
  module?: string;
  /** The name taken from the module (`from m import x`, `import { x }`, "default"); absent: the module itself. */
  member?: string;
  /** `import a.b.c` binds the top package `a`, with a.b and a.b.c loaded under it. */
  top?: boolean;
  /** `export * from "./m"`: every name of m becomes one of this module's. */
  star?: boolean;
}

export type Stmt =
  | { k: "assign"; target: Target; value: Expr; op?: string; loc: Loc }
  | { k: "expr"; expr: Expr; loc: Loc }
  | { k: "return"; value?: Expr; loc: Loc }
  | { k: "throw"; value?: Expr; loc: Loc }
  | { k: "if"; test: Expr; then: Stmt[]; else: Stmt[]; loc: Loc }
  /** Loops of every kind: `for target in iter`, `while test`, C-style for. Body runs zero or more times. */
  | { k: "loop"; target?: Target; iter?: Expr; test?: Expr; body: Stmt[]; orelse: Stmt[]; loc: Loc }
  /** Alternatives of which at most one runs (switch / match). */
  | { k: "branches"; subject?: Expr; arms: Stmt[][]; exhaustive: boolean; loc: Loc; tests?: Array<Expr[] | undefined> }
  | { k: "try"; body: Stmt[]; handlers: Array<{ name?: string; body: Stmt[] }>; orelse: Stmt[]; finally: Stmt[]; loc: Loc }
  | { k: "break"; loc: Loc }
  | { k: "continue"; loc: Loc }
  | { k: "func"; fn: FunctionIR; loc: Loc }
  | { k: "class"; name: string; bases: Expr[]; decorators: Expr[]; body: Stmt[]; loc: Loc }
  | { k: "import"; bindings: ImportBinding[]; loc: Loc }
  /** Module exports: `export default f`, `module.exports = ...` are plain assigns; this marks a name exported. */
  | { k: "block"; body: Stmt[]; loc: Loc };

export interface ModuleIR {
  language: string;
  body: Stmt[];
}

/** Walks every expression in a statement list (not into nested functions unless asked). */
export function* expressionsOf(expr: Expr): Generator<Expr> {
  yield expr;
  switch (expr.k) {
    case "attr":
      yield* expressionsOf(expr.object);
      break;
    case "index":
      yield* expressionsOf(expr.object);
      yield* expressionsOf(expr.index);
      break;
    case "call":
      yield* expressionsOf(expr.callee);
      for (const a of expr.args) yield* expressionsOf(a.value);
      break;
    case "binary":
    case "logical":
      yield* expressionsOf(expr.left);
      yield* expressionsOf(expr.right);
      break;
    case "unary":
      yield* expressionsOf(expr.operand);
      break;
    case "cond":
      yield* expressionsOf(expr.test);
      yield* expressionsOf(expr.then);
      yield* expressionsOf(expr.else);
      break;
    case "template":
      for (const p of expr.parts) yield* expressionsOf(p);
      break;
    case "dict":
      for (const e of expr.entries) {
        if (e.keyExpr) yield* expressionsOf(e.keyExpr);
        yield* expressionsOf(e.value);
      }
      break;
    case "list":
      for (const e of expr.elements) yield* expressionsOf(e);
      break;
    case "spread":
      yield* expressionsOf(expr.value);
      break;
    case "comprehension":
      yield* expressionsOf(expr.element);
      for (const b of expr.bindings) yield* expressionsOf(b.iter);
      for (const c of expr.conditions) yield* expressionsOf(c);
      break;
    case "opaque":
      for (const p of expr.parts) yield* expressionsOf(p);
      break;
    default:
      break;
  }
}
