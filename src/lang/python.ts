// Python tree-sitter tree → language-neutral IR.
import type { LiteNode as SyntaxNode } from "./tree.js";
import type { Arg, DictEntry, Expr, FunctionIR, ModuleIR, Param, PatternElement, Stmt, Target } from "./ir.js";
import { constant, locOf, namedChildren, parseNumber, unescapeString } from "./common.js";
import { importBindings, importFromBindings } from "./python-modules.js";

export function lowerPython(root: SyntaxNode): ModuleIR {
  return { language: "python", body: block(root) };
}

function block(node: SyntaxNode | null | undefined, className?: string): Stmt[] {
  if (!node) return [];
  const out: Stmt[] = [];
  for (const child of namedChildren(node)) out.push(...statement(child, className));
  return out;
}

function statement(node: SyntaxNode, className?: string): Stmt[] {
  const loc = locOf(node);
  switch (node.type) {
    case "expression_statement": {
      const out: Stmt[] = [];
      for (const child of namedChildren(node)) out.push(...expressionStatement(child));
      return out;
    }
    case "return_statement": {
      const value = namedChildren(node)[0];
      return [{ k: "return", value: value ? expr(value) : undefined, loc }];
    }
    case "raise_statement": {
      const value = namedChildren(node)[0];
      return [{ k: "throw", value: value ? expr(value) : undefined, loc }];
    }
    case "if_statement": {
      const test = expr(node.childForFieldName("condition")!);
      const then = block(node.childForFieldName("consequence"));
      const alternatives = node.childrenForFieldName("alternative");
      return [{ k: "if", test, then, else: elseChain(alternatives), loc }];
    }
    case "for_statement":
      return [{
        k: "loop",
        target: target(node.childForFieldName("left")!),
        iter: expr(node.childForFieldName("right")!),
        body: block(node.childForFieldName("body")),
        orelse: block(node.childForFieldName("alternative")?.childForFieldName("body")),
        loc,
      }];
    case "while_statement":
      return [{
        k: "loop",
        test: expr(node.childForFieldName("condition")!),
        body: block(node.childForFieldName("body")),
        orelse: block(node.childForFieldName("alternative")?.childForFieldName("body")),
        loc,
      }];
    case "try_statement": {
      const handlers: Array<{ name?: string; body: Stmt[] }> = [];
      let orelse: Stmt[] = [];
      let fin: Stmt[] = [];
      for (const child of namedChildren(node)) {
        if (child.type === "except_clause" || child.type === "except_group_clause") {
          const alias = child.descendantsOfType("as_pattern_target")[0];
          const body = namedChildren(child).find((c) => c.type === "block");
          handlers.push({ name: alias?.namedChildren[0]?.text, body: block(body) });
        } else if (child.type === "else_clause") orelse = block(child.childForFieldName("body"));
        else if (child.type === "finally_clause") fin = block(namedChildren(child).find((c) => c.type === "block"));
      }
      return [{ k: "try", body: block(node.childForFieldName("body")), handlers, orelse, finally: fin, loc }];
    }
    case "with_statement": {
      const out: Stmt[] = [];
      const clause = namedChildren(node).find((c) => c.type === "with_clause");
      for (const item of clause ? namedChildren(clause) : []) {
        const value = item.childForFieldName("value") ?? namedChildren(item)[0];
        if (!value) continue;
        if (value.type === "as_pattern") {
          const [inner] = namedChildren(value);
          const alias = value.childForFieldName("alias")?.namedChildren[0];
          if (inner && alias) out.push({ k: "assign", target: target(alias), value: expr(inner), loc: locOf(item) });
          else if (inner) out.push({ k: "expr", expr: expr(inner), loc: locOf(item) });
        } else out.push({ k: "expr", expr: expr(value), loc: locOf(item) });
      }
      out.push(...block(node.childForFieldName("body")));
      return [{ k: "block", body: out, loc }];
    }
    case "match_statement": {
      const subject = node.childForFieldName("subject");
      const body = node.childForFieldName("body");
      const arms: Stmt[][] = [];
      const tests: Array<Expr[] | undefined> = [];
      let exhaustive = false;
      for (const clause of body ? body.childrenForFieldName("alternative") : []) {
        const pattern = namedChildren(clause).find((c) => c.type === "case_pattern");
        if (pattern && pattern.namedChildCount === 0 && pattern.text.trim() === "_") exhaustive = true;
        arms.push(block(clause.childForFieldName("consequence")));
        tests.push(pattern && !clause.childForFieldName("guard") ? literalPatterns(pattern) : undefined);
      }
      return [{ k: "branches", subject: subject ? expr(subject) : undefined, arms, exhaustive, loc, tests }];
    }
    case "function_definition":
      return [{ k: "func", fn: functionDef(node, [], className), loc }];
    case "class_definition":
      return [classDef(node, [])];
    case "decorated_definition": {
      const decorators = namedChildren(node)
        .filter((c) => c.type === "decorator")
        .map((d) => expr(namedChildren(d)[0]!));
      const def = node.childForFieldName("definition")!;
      if (def.type === "class_definition") return [classDef(def, decorators)];
      return [{ k: "func", fn: functionDef(def, decorators, className), loc }];
    }
    case "import_statement":
      return [{ k: "import", bindings: importBindings(node), loc }];
    case "import_from_statement":
      return [{ k: "import", bindings: importFromBindings(node), loc }];
    case "break_statement":
      return [{ k: "break", loc }];
    case "continue_statement":
      return [{ k: "continue", loc }];
    case "block":
      return [{ k: "block", body: block(node, className), loc }];
    case "pass_statement":
    case "global_statement":
    case "nonlocal_statement":
    case "comment":
    case "future_import_statement":
      return [];
    case "assert_statement":
    case "delete_statement":
    case "print_statement":
    case "exec_statement":
      return [{ k: "expr", expr: { k: "opaque", parts: namedChildren(node).map(expr), loc }, loc }];
    default:
      // ERROR nodes and statements we do not model: keep their expressions so calls are still seen.
      if (node.type === "ERROR") return namedChildren(node).flatMap((c) => statement(c, className));
      return [{ k: "expr", expr: expr(node), loc }];
  }
}

function elseChain(alternatives: SyntaxNode[]): Stmt[] {
  const [first, ...rest] = alternatives;
  if (!first) return [];
  if (first.type === "else_clause") return block(first.childForFieldName("body"));
  // elif: an if nested in the else branch.
  return [{
    k: "if",
    test: expr(first.childForFieldName("condition")!),
    then: block(first.childForFieldName("consequence")),
    else: elseChain(rest),
    loc: locOf(first),
  }];
}

function expressionStatement(node: SyntaxNode): Stmt[] {
  const loc = locOf(node);
  if (node.type === "assignment") {
    const right = node.childForFieldName("right");
    const left = node.childForFieldName("left")!;
    if (!right) return []; // bare annotation `x: int`
    // a = b = value: assign the innermost value to every target, right to left.
    if (right.type === "assignment") {
      const inner = expressionStatement(right);
      const last = inner[inner.length - 1];
      if (last && last.k === "assign") return [...inner, { k: "assign", target: target(left), value: targetAsExpr(last.target) ?? last.value, loc }];
      return inner;
    }
    return [{ k: "assign", target: target(left), value: expr(right), loc }];
  }
  if (node.type === "augmented_assignment") {
    const op = node.childForFieldName("operator")?.text.replace("=", "") ?? "+";
    return [{ k: "assign", target: target(node.childForFieldName("left")!), value: expr(node.childForFieldName("right")!), op, loc }];
  }
  return [{ k: "expr", expr: expr(node), loc }];
}

function targetAsExpr(t: Target): Expr | undefined {
  if (t.k === "name") return { k: "name", name: t.name, loc: t.loc };
  if (t.k === "attr") return { k: "attr", object: t.object, name: t.name, loc: t.loc };
  if (t.k === "index") return { k: "index", object: t.object, index: t.index, loc: t.loc };
  return undefined;
}

function functionDef(node: SyntaxNode, decorators: Expr[], className?: string): FunctionIR {
  const params: Param[] = [];
  const paramsNode = node.childForFieldName("parameters");
  for (const p of paramsNode ? namedChildren(paramsNode) : []) {
    const param = parameter(p);
    if (param) params.push(param);
  }
  return {
    name: node.childForFieldName("name")?.text,
    params,
    body: block(node.childForFieldName("body")),
    decorators,
    loc: locOf(node),
    className,
  };
}

function parameter(p: SyntaxNode): Param | undefined {
  switch (p.type) {
    case "identifier":
      return { name: p.text };
    case "typed_parameter": {
      const inner = namedChildren(p)[0]!;
      const base = parameter(inner) ?? { name: inner.text };
      return { ...base, annotation: p.childForFieldName("type")?.text };
    }
    case "default_parameter":
    case "typed_default_parameter":
      return {
        name: p.childForFieldName("name")!.text,
        default: expr(p.childForFieldName("value")!),
        annotation: p.childForFieldName("type")?.text,
      };
    case "list_splat_pattern":
    case "dictionary_splat_pattern":
      return { name: namedChildren(p)[0]?.text ?? "_", rest: true };
    default:
      return undefined; // `/`, `*` separators
  }
}

function classDef(node: SyntaxNode, decorators: Expr[]): Stmt {
  const name = node.childForFieldName("name")!.text;
  const supers = node.childForFieldName("superclasses");
  return {
    k: "class",
    name,
    bases: supers ? namedChildren(supers).map(expr) : [],
    decorators,
    body: block(node.childForFieldName("body"), name),
    loc: locOf(node),
  };
}

function target(node: SyntaxNode): Target {
  const loc = locOf(node);
  switch (node.type) {
    case "identifier":
      return { k: "name", name: node.text, loc };
    case "attribute":
      return { k: "attr", object: expr(node.childForFieldName("object")!), name: node.childForFieldName("attribute")!.text, loc };
    case "subscript":
      return { k: "index", object: expr(node.childForFieldName("value")!), index: subscriptIndex(node), loc };
    case "pattern_list":
    case "tuple_pattern":
    case "list_pattern":
    case "tuple":
    case "list":
    case "expression_list": {
      const elements: PatternElement[] = namedChildren(node).map((child, i) => {
        if (child.type === "list_splat_pattern" || child.type === "list_splat") {
          return { key: i, target: target(namedChildren(child)[0]!), rest: true };
        }
        return { key: i, target: target(child) };
      });
      return { k: "pattern", elements, loc };
    }
    case "parenthesized_expression":
      return target(namedChildren(node)[0]!);
    case "as_pattern_target":
      return target(namedChildren(node)[0]!);
    default:
      return { k: "ignore", loc };
  }
}

/** `case 'A' | 'B':` → the constants it compares with; undefined for captures, classes and `_`. */
function literalPatterns(pattern: SyntaxNode): Expr[] | undefined {
  const out: Expr[] = [];
  const visit = (n: SyntaxNode): boolean => {
    if (n.type === "case_pattern" || n.type === "union_pattern") return namedChildren(n).every(visit);
    if (n.type === "string" || n.type === "integer" || n.type === "float" || n.type === "true" || n.type === "false" || n.type === "none") {
      const e = expr(n);
      if (e.k !== "const") return false;
      out.push(e);
      return true;
    }
    return false;
  };
  return visit(pattern) && out.length ? out : undefined;
}

function subscriptIndex(node: SyntaxNode): Expr {
  const subs = node.childrenForFieldName("subscript");
  if (subs.length === 1) return expr(subs[0]!);
  return { k: "opaque", parts: subs.map(expr), loc: locOf(node) };
}

function stringExpr(node: SyntaxNode): Expr {
  const loc = locOf(node);
  const start = node.children.find((c) => c.type === "string_start")?.text ?? "";
  const raw = /r/i.test(start);
  const parts: Expr[] = [];
  let text = "";
  let hasInterpolation = false;
  for (const child of node.namedChildren) {
    if (child.type === "string_content") text += raw ? child.text : unescapeString(child.text);
    else if (child.type === "escape_sequence") text += raw ? child.text : unescapeString(child.text);
    else if (child.type === "interpolation") {
      hasInterpolation = true;
      if (text) parts.push({ k: "const", value: text, loc });
      text = "";
      const inner = child.childForFieldName("expression") ?? namedChildren(child)[0];
      if (inner) parts.push(expr(inner));
    }
  }
  if (!hasInterpolation) return { k: "const", value: text, loc };
  if (text) parts.push({ k: "const", value: text, loc });
  return { k: "template", parts, loc };
}

function args(node: SyntaxNode | null): Arg[] {
  if (!node) return [];
  if (node.type === "generator_expression") return [{ value: expr(node) }];
  const out: Arg[] = [];
  for (const child of namedChildren(node)) {
    if (child.type === "keyword_argument") {
      out.push({ name: child.childForFieldName("name")!.text, value: expr(child.childForFieldName("value")!) });
    } else if (child.type === "list_splat" || child.type === "dictionary_splat") {
      out.push({ value: expr(namedChildren(child)[0]!), spread: true });
    } else out.push({ value: expr(child) });
  }
  return out;
}

const COMPARISON_WORDS = new Set(["not", "in", "is"]);

export function expr(node: SyntaxNode): Expr {
  const loc = locOf(node);
  switch (node.type) {
    case "identifier":
      return { k: "name", name: node.text, loc };
    case "string":
      return stringExpr(node);
    case "concatenated_string": {
      const parts = namedChildren(node).map(stringExpr);
      if (parts.every((p) => p.k === "const")) return { k: "const", value: parts.map((p) => (p.k === "const" ? String(p.value) : "")).join(""), loc };
      return { k: "template", parts, loc };
    }
    case "integer":
    case "float":
      return constant(parseNumber(node.text), node);
    case "true":
      return constant(true, node);
    case "false":
      return constant(false, node);
    case "none":
      return constant(null, node);
    case "attribute":
      return { k: "attr", object: expr(node.childForFieldName("object")!), name: node.childForFieldName("attribute")!.text, loc };
    case "subscript":
      return { k: "index", object: expr(node.childForFieldName("value")!), index: subscriptIndex(node), loc };
    case "call":
      return { k: "call", callee: expr(node.childForFieldName("function")!), args: args(node.childForFieldName("arguments")), loc };
    case "binary_operator":
      return { k: "binary", op: node.childForFieldName("operator")!.text, left: expr(node.childForFieldName("left")!), right: expr(node.childForFieldName("right")!), loc };
    case "boolean_operator":
      return {
        k: "logical",
        op: node.childForFieldName("operator")!.text === "and" ? "and" : "or",
        left: expr(node.childForFieldName("left")!),
        right: expr(node.childForFieldName("right")!),
        loc,
      };
    case "comparison_operator":
      return comparison(node);
    case "not_operator":
      return { k: "unary", op: "not", operand: expr(node.childForFieldName("argument")!), loc };
    case "unary_operator":
      return { k: "unary", op: node.childForFieldName("operator")!.text, operand: expr(node.childForFieldName("argument")!), loc };
    case "conditional_expression": {
      const [a, b, c] = namedChildren(node);
      return { k: "cond", test: expr(b!), then: expr(a!), else: expr(c!), loc };
    }
    case "parenthesized_expression": {
      const inner = namedChildren(node)[0];
      return inner ? expr(inner) : { k: "opaque", parts: [], loc };
    }
    case "list":
    case "tuple":
    case "set":
    case "expression_list":
      return { k: "list", elements: namedChildren(node).map(expr), loc };
    case "list_splat":
    case "dictionary_splat":
      return { k: "spread", value: expr(namedChildren(node)[0]!), loc };
    case "dictionary": {
      const entries: DictEntry[] = [];
      for (const child of namedChildren(node)) {
        if (child.type === "pair") {
          const key = expr(child.childForFieldName("key")!);
          const value = expr(child.childForFieldName("value")!);
          if (key.k === "const" && key.value !== null) entries.push({ key: String(key.value), value });
          else entries.push({ keyExpr: key, value });
        } else if (child.type === "dictionary_splat") entries.push({ spread: true, value: expr(namedChildren(child)[0]!) });
      }
      return { k: "dict", entries, loc };
    }
    case "list_comprehension":
    case "set_comprehension":
    case "generator_expression":
    case "dictionary_comprehension": {
      const body = node.childForFieldName("body")!;
      const element = body.type === "pair"
        ? ({ k: "dict", entries: [{ keyExpr: expr(body.childForFieldName("key")!), value: expr(body.childForFieldName("value")!) }], loc } as Expr)
        : expr(body);
      const bindings: Array<{ target: Target; iter: Expr }> = [];
      const conditions: Expr[] = [];
      for (const child of namedChildren(node)) {
        if (child.type === "for_in_clause") bindings.push({ target: target(child.childForFieldName("left")!), iter: expr(child.childForFieldName("right")!) });
        else if (child.type === "if_clause") conditions.push(expr(namedChildren(child)[0]!));
      }
      return { k: "comprehension", element, bindings, conditions, loc };
    }
    case "lambda": {
      const paramsNode = node.childForFieldName("parameters");
      const params = (paramsNode ? namedChildren(paramsNode) : []).map(parameter).filter((p): p is Param => p !== undefined);
      const body = node.childForFieldName("body")!;
      return { k: "func", fn: { params, body: [{ k: "return", value: expr(body), loc: locOf(body) }], decorators: [], loc, isArrow: true }, loc };
    }
    case "await":
      return expr(namedChildren(node)[0]!);
    case "named_expression":
      // The walrus value is what flows on; the binding is handled as an assignment by the interpreter.
      return { k: "opaque", parts: [expr(node.childForFieldName("value")!)], loc };
    case "keyword_argument":
      return expr(node.childForFieldName("value")!);
    default:
      return { k: "opaque", parts: namedChildren(node).map(expr), loc };
  }
}

function comparison(node: SyntaxNode): Expr {
  const operands: Expr[] = [];
  const ops: string[] = [];
  let pending: string[] = [];
  for (const child of node.children) {
    if (child.isNamed) {
      if (pending.length) ops.push(pending.join(" "));
      pending = [];
      operands.push(expr(child));
    } else if (COMPARISON_WORDS.has(child.type) || /^[<>=!]/.test(child.type)) pending.push(child.type);
    else if (child.type === "not in" || child.type === "is not") pending.push(child.type);
  }
  const loc = locOf(node);
  let result: Expr | undefined;
  for (let i = 0; i < ops.length; i++) {
    const cmp: Expr = { k: "binary", op: ops[i]!, left: operands[i]!, right: operands[i + 1]!, loc };
    result = result ? { k: "logical", op: "and", left: result, right: cmp, loc } : cmp;
  }
  return result ?? operands[0] ?? { k: "opaque", parts: [], loc };
}
