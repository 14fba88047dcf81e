// JavaScript / TypeScript / TSX tree-sitter tree → language-neutral IR.
// TypeScript-only syntax (types, `as`, `!`) is dropped: it carries no data flow.
import type { LiteNode as SyntaxNode } from "./tree.js";
import type { Arg, DictEntry, Expr, FunctionIR, ModuleIR, Param, PatternElement, Stmt, Target } from "./ir.js";
import { constant, locOf, namedChildren, parseNumber, unescapeString } from "./common.js";
import { importBindings, reexportBindings, requireImport, stringContent } from "./javascript-modules.js";
import { jsx } from "./jsx.js";

export function lowerJavaScript(root: SyntaxNode, language: string): ModuleIR {
  return { language, body: statements(root) };
}

/** Name the interpreter gives JSX elements: a call `__jsx__(tag, {attributes}, ...children)`. */
export const JSX_CALLEE = "__jsx__";

function statements(node: SyntaxNode | null | undefined, className?: string): Stmt[] {
  if (!node) return [];
  if (node.type !== "statement_block" && node.type !== "program" && node.type !== "class_body" && node.type !== "switch_body") {
    return statement(node, className);
  }
  const out: Stmt[] = [];
  for (const child of namedChildren(node)) out.push(...statement(child, className));
  return out;
}

function statement(node: SyntaxNode, className?: string): Stmt[] {
  const loc = locOf(node);
  switch (node.type) {
    case "expression_statement":
      return namedChildren(node).flatMap(expressionStatement);
    case "lexical_declaration":
    case "variable_declaration":
      return namedChildren(node)
        .filter((d) => d.type === "variable_declarator")
        .flatMap((d): Stmt[] => {
          const value = d.childForFieldName("value");
          const nameNode = d.childForFieldName("name")!;
          const requireBinding = value ? requireImport(nameNode, value) : undefined;
          if (requireBinding) return [{ k: "import", bindings: requireBinding, loc: locOf(d) }];
          return value ? [{ k: "assign", target: target(nameNode), value: expr(value), loc: locOf(d) }] : [];
        });
    case "return_statement": {
      const value = namedChildren(node)[0];
      return [{ k: "return", value: value ? expr(value) : undefined, loc }];
    }
    case "throw_statement": {
      const value = namedChildren(node)[0];
      return [{ k: "throw", value: value ? expr(value) : undefined, loc }];
    }
    case "if_statement": {
      const alt = node.childForFieldName("alternative");
      return [{
        k: "if",
        test: expr(node.childForFieldName("condition")!),
        then: statements(node.childForFieldName("consequence")),
        else: alt ? statements(namedChildren(alt)[0]) : [],
        loc,
      }];
    }
    case "for_statement": {
      const init = node.childForFieldName("initializer");
      const cond = node.childForFieldName("condition");
      const inc = node.childForFieldName("increment");
      const body = statements(node.childForFieldName("body"));
      if (inc) body.push(...expressionStatement(inc));
      const condExpr = cond && cond.type !== "empty_statement" ? expr(cond.type === "expression_statement" ? namedChildren(cond)[0]! : cond) : undefined;
      return [...(init ? statement(init) : []), { k: "loop", test: condExpr, body, orelse: [], loc }];
    }
    case "for_in_statement": {
      const left = node.childForFieldName("left")!;
      const right = expr(node.childForFieldName("right")!);
      const isIn = node.childForFieldName("operator")?.text === "in";
      // `for (k in obj)` iterates keys, which are not the values' taint; `Object.keys` style.
      const iter: Expr = isIn ? { k: "call", callee: { k: "name", name: "__keys__", loc }, args: [{ value: right }], loc } : right;
      return [{ k: "loop", target: target(left), iter, body: statements(node.childForFieldName("body")), orelse: [], loc }];
    }
    case "while_statement":
    case "do_statement":
      return [{ k: "loop", test: expr(node.childForFieldName("condition")!), body: statements(node.childForFieldName("body")), orelse: [], loc }];
    case "try_statement": {
      const handler = node.childForFieldName("handler");
      const finalizer = node.childForFieldName("finalizer");
      return [{
        k: "try",
        body: statements(node.childForFieldName("body")),
        handlers: handler ? [{ name: handler.childForFieldName("parameter")?.text, body: statements(handler.childForFieldName("body")) }] : [],
        orelse: [],
        finally: finalizer ? statements(finalizer.childForFieldName("body")) : [],
        loc,
      }];
    }
    case "switch_statement": {
      const arms: Stmt[][] = [];
      const tests: Array<Expr[] | undefined> = [];
      let exhaustive = false;
      const body = node.childForFieldName("body");
      // Empty cases fall through: `case 'a': case 'b': return x` is one arm tested against both values.
      let pending: Expr[] | undefined = [];
      for (const c of body ? namedChildren(body) : []) {
        const value = c.childForFieldName("value");
        if (c.type === "switch_default") {
          exhaustive = true;
          pending = undefined;
        } else if (value && pending) pending.push(expr(value));
        const stmts = c.childrenForFieldName("body").flatMap((s) => statement(s));
        if (stmts.length === 0 && c.type !== "switch_default") continue;
        arms.push(stmts);
        tests.push(pending);
        pending = [];
      }
      return [{ k: "branches", subject: expr(node.childForFieldName("value")!), arms, tests, exhaustive, loc }];
    }
    case "break_statement":
      return [{ k: "break", loc }];
    case "continue_statement":
      return [{ k: "continue", loc }];
    case "statement_block":
      return [{ k: "block", body: statements(node), loc }];
    case "labeled_statement":
      return statements(node.childForFieldName("body"));
    case "function_declaration":
    case "generator_function_declaration":
    case "function_signature":
      return node.childForFieldName("body") ? [{ k: "func", fn: functionOf(node, className), loc }] : [];
    case "class_declaration":
    case "abstract_class_declaration":
    case "class":
      return [classOf(node)];
    case "import_statement":
      return [{ k: "import", bindings: importBindings(node), loc }];
    case "export_statement": {
      const decl = node.childForFieldName("declaration");
      if (decl) return statement(decl, className);
      const value = node.childForFieldName("value");
      if (value) return [{ k: "assign", target: { k: "name", name: "__default_export__", loc }, value: expr(value), loc }];
      if (node.childForFieldName("source")) return [{ k: "import", bindings: reexportBindings(node), loc }];
      // `export { a as b }`: the exported name reads the local one.
      const clause = namedChildren(node).find((c) => c.type === "export_clause");
      return (clause ? namedChildren(clause) : [])
        .filter((spec) => spec.type === "export_specifier" && spec.childForFieldName("alias"))
        .map((spec): Stmt => ({
          k: "assign",
          target: { k: "name", name: spec.childForFieldName("alias")!.text === "default" ? "__default_export__" : spec.childForFieldName("alias")!.text, loc },
          value: { k: "name", name: spec.childForFieldName("name")!.text, loc },
          loc,
        }));
    }
    case "method_definition":
      return [{ k: "func", fn: functionOf(node, className), loc }];
    case "public_field_definition":
    case "field_definition": {
      const value = node.childForFieldName("value");
      const name = node.childForFieldName("name") ?? node.childForFieldName("property");
      if (!value || !name) return [];
      const thisExpr: Expr = { k: "name", name: "this", loc };
      return [{ k: "assign", target: { k: "attr", object: thisExpr, name: name.text, loc }, value: expr(value), loc }];
    }
    case "class_static_block":
      return statements(node.childForFieldName("body"));
    case "ambient_declaration":
    case "interface_declaration":
    case "type_alias_declaration":
    case "enum_declaration":
    case "empty_statement":
    case "debugger_statement":
    case "comment":
    case "hash_bang_line":
    case "import_alias":
      return [];
    case "internal_module":
    case "module":
      return statements(node.childForFieldName("body"));
    default:
      if (node.type === "ERROR") return namedChildren(node).flatMap((c) => statement(c, className));
      return [{ k: "expr", expr: expr(node), loc }];
  }
}

function expressionStatement(node: SyntaxNode): Stmt[] {
  const loc = locOf(node);
  if (node.type === "assignment_expression") {
    return [{ k: "assign", target: target(node.childForFieldName("left")!), value: expr(node.childForFieldName("right")!), loc }];
  }
  if (node.type === "augmented_assignment_expression") {
    const op = node.childForFieldName("operator")?.text.replace(/=$/, "") ?? "+";
    return [{ k: "assign", target: target(node.childForFieldName("left")!), value: expr(node.childForFieldName("right")!), op, loc }];
  }
  if (node.type === "sequence_expression") return namedChildren(node).flatMap(expressionStatement);
  if (node.type === "parenthesized_expression") return namedChildren(node).flatMap(expressionStatement);
  return [{ k: "expr", expr: expr(node), loc }];
}

function functionOf(node: SyntaxNode, className?: string): FunctionIR {
  const params: Param[] = [];
  const single = node.childForFieldName("parameter");
  if (single) params.push({ name: single.text });
  const list = node.childForFieldName("parameters");
  for (const p of list ? namedChildren(list) : []) {
    const param = parameter(p);
    if (param) params.push(param);
  }
  const body = node.childForFieldName("body");
  const loc = locOf(node);
  const isArrow = node.type === "arrow_function" && body !== null && body.type !== "statement_block";
  // TypeScript parameter properties (`constructor(private label: string)`) assign this.label.
  const fieldParams: Stmt[] = (list ? namedChildren(list) : [])
    .filter((p) => p.type === "required_parameter" && namedChildren(p).some((c) => c.type === "accessibility_modifier" || c.type === "override_modifier") || (p.type === "required_parameter" && p.children.some((c) => c.type === "readonly")))
    .map((p): Stmt => {
      const name = (p.childForFieldName("pattern") ?? p).text;
      const ploc = locOf(p);
      return { k: "assign", target: { k: "attr", object: { k: "name", name: "this", loc: ploc }, name, loc: ploc }, value: { k: "name", name, loc: ploc }, loc: ploc };
    });
  return {
    name: node.childForFieldName("name")?.text,
    params,
    body: isArrow ? [{ k: "return", value: expr(body!), loc: locOf(body!) }] : [...fieldParams, ...statements(body)],
    decorators: namedChildren(node).filter((c) => c.type === "decorator").map((d) => expr(namedChildren(d)[0]!)),
    loc,
    className,
    isArrow,
  };
}

function parameter(p: SyntaxNode): Param | undefined {
  switch (p.type) {
    case "identifier":
      return { name: p.text };
    case "required_parameter":
    case "optional_parameter": {
      const pattern = p.childForFieldName("pattern") ?? namedChildren(p)[0];
      if (!pattern) return undefined;
      const base = parameter(pattern) ?? { name: pattern.text };
      const value = p.childForFieldName("value");
      const type = p.childForFieldName("type");
      const decorators = namedChildren(p).filter((c) => c.type === "decorator").map((d) => expr(namedChildren(d)[0]!));
      return { ...base, default: value ? expr(value) : base.default, annotation: type?.text.replace(/^:\s*/, ""), ...(decorators.length ? { decorators } : {}) };
    }
    case "assignment_pattern": {
      const left = p.childForFieldName("left")!;
      const base = parameter(left) ?? { name: left.text };
      return { ...base, default: expr(p.childForFieldName("right")!) };
    }
    case "rest_pattern":
      return { name: namedChildren(p)[0]?.text ?? "_", rest: true };
    case "object_pattern":
    case "array_pattern":
      return { name: `__param_${p.startIndex}`, pattern: target(p) };
    case "this":
      return undefined;
    default:
      return undefined;
  }
}

function classOf(node: SyntaxNode): Stmt {
  const name = node.childForFieldName("name")?.text ?? "__anonymous_class__";
  const heritage = namedChildren(node).find((c) => c.type === "class_heritage");
  const bases = heritage ? heritage.descendantsOfType("extends_clause").flatMap((e) => namedChildren(e).slice(0, 1).map(expr)) : [];
  return {
    k: "class",
    name,
    bases,
    decorators: namedChildren(node).filter((c) => c.type === "decorator").map((d) => expr(namedChildren(d)[0]!)),
    body: statements(node.childForFieldName("body"), name),
    loc: locOf(node),
  };
}

function target(node: SyntaxNode): Target {
  const loc = locOf(node);
  switch (node.type) {
    case "identifier":
    case "shorthand_property_identifier_pattern":
      return { k: "name", name: node.text, loc };
    case "member_expression":
      return { k: "attr", object: expr(node.childForFieldName("object")!), name: node.childForFieldName("property")!.text, loc };
    case "subscript_expression":
      return { k: "index", object: expr(node.childForFieldName("object")!), index: expr(node.childForFieldName("index")!), loc };
    case "parenthesized_expression":
    case "non_null_expression":
    case "as_expression":
    case "satisfies_expression":
      return target(namedChildren(node)[0]!);
    case "lexical_declaration":
    case "variable_declaration": {
      const d = namedChildren(node).find((c) => c.type === "variable_declarator");
      return d ? target(d.childForFieldName("name")!) : { k: "ignore", loc };
    }
    case "object_pattern": {
      const elements: PatternElement[] = [];
      for (const p of namedChildren(node)) {
        if (p.type === "shorthand_property_identifier_pattern") elements.push({ key: p.text, target: { k: "name", name: p.text, loc: locOf(p) } });
        else if (p.type === "pair_pattern") {
          const key = p.childForFieldName("key")!;
          const value = p.childForFieldName("value")!;
          const keyName = key.type === "string" ? stringContent(key) : key.text;
          if (value.type === "assignment_pattern") {
            elements.push({ key: keyName, target: target(value.childForFieldName("left")!), default: expr(value.childForFieldName("right")!) });
          } else elements.push({ key: keyName, target: target(value) });
        } else if (p.type === "object_assignment_pattern") {
          const left = p.childForFieldName("left")!;
          elements.push({ key: left.text, target: target(left), default: expr(p.childForFieldName("right")!) });
        } else if (p.type === "rest_pattern") elements.push({ target: target(namedChildren(p)[0]!), rest: true });
      }
      return { k: "pattern", elements, loc };
    }
    case "array_pattern": {
      const elements: PatternElement[] = namedChildren(node).map((p, i): PatternElement => {
        if (p.type === "rest_pattern") return { key: i, target: target(namedChildren(p)[0]!), rest: true };
        if (p.type === "assignment_pattern") return { key: i, target: target(p.childForFieldName("left")!), default: expr(p.childForFieldName("right")!) };
        return { key: i, target: target(p) };
      });
      return { k: "pattern", elements, loc };
    }
    case "assignment_pattern":
      return target(node.childForFieldName("left")!);
    default:
      return { k: "ignore", loc };
  }
}

function args(node: SyntaxNode | null): Arg[] {
  if (!node) return [];
  if (node.type === "template_string") return [{ value: expr(node) }];
  return namedChildren(node).map((c): Arg => (c.type === "spread_element" ? { value: expr(namedChildren(c)[0]!), spread: true } : { value: expr(c) }));
}

function propertyKey(key: SyntaxNode): { key?: string; keyExpr?: Expr } {
  if (key.type === "property_identifier" || key.type === "private_property_identifier") return { key: key.text };
  if (key.type === "string") return { key: stringContent(key) };
  if (key.type === "number") return { key: String(parseNumber(key.text)) };
  if (key.type === "computed_property_name") {
    const inner = expr(namedChildren(key)[0]!);
    return inner.k === "const" && inner.value !== null ? { key: String(inner.value) } : { keyExpr: inner };
  }
  return { key: key.text };
}

export function expr(node: SyntaxNode): Expr {
  const loc = locOf(node);
  switch (node.type) {
    case "identifier":
    case "shorthand_property_identifier":
    case "this":
    case "super":
      return { k: "name", name: node.text, loc };
    case "undefined":
      return constant(null, node);
    case "string":
      return constant(stringContent(node), node);
    case "template_string": {
      const parts: Expr[] = [];
      let text = "";
      for (const c of node.namedChildren) {
        if (c.type === "string_fragment") text += c.text;
        else if (c.type === "escape_sequence") text += unescapeString(c.text);
        else if (c.type === "template_substitution") {
          if (text) parts.push({ k: "const", value: text, loc });
          text = "";
          const inner = namedChildren(c)[0];
          if (inner) parts.push(expr(inner));
        }
      }
      if (parts.length === 0) return constant(text, node);
      if (text) parts.push({ k: "const", value: text, loc });
      return { k: "template", parts, loc };
    }
    case "number":
      return constant(parseNumber(node.text), node);
    case "true":
      return constant(true, node);
    case "false":
      return constant(false, node);
    case "null":
      return constant(null, node);
    case "regex":
      return constant(node.text, node);
    case "member_expression":
      return { k: "attr", object: expr(node.childForFieldName("object")!), name: node.childForFieldName("property")!.text, loc };
    case "subscript_expression":
      return { k: "index", object: expr(node.childForFieldName("object")!), index: expr(node.childForFieldName("index")!), loc };
    case "call_expression": {
      const fn = node.childForFieldName("function")!;
      const argNode = node.childForFieldName("arguments");
      if (argNode?.type === "template_string") return { k: "template", parts: (expr(argNode) as Expr & { parts?: Expr[] }).parts ?? [expr(argNode)], tag: expr(fn), loc };
      return { k: "call", callee: expr(fn), args: args(argNode), loc };
    }
    case "new_expression":
      return { k: "call", callee: expr(node.childForFieldName("constructor")!), args: args(node.childForFieldName("arguments")), isNew: true, loc };
    case "binary_expression": {
      const op = node.childForFieldName("operator")!.text;
      const left = expr(node.childForFieldName("left")!);
      const right = expr(node.childForFieldName("right")!);
      if (op === "&&" || op === "||" || op === "??") return { k: "logical", op: op === "&&" ? "and" : op === "||" ? "or" : "??", left, right, loc };
      return { k: "binary", op, left, right, loc };
    }
    case "unary_expression": {
      const op = node.childForFieldName("operator")!.text;
      return { k: "unary", op: op === "!" ? "not" : op, operand: expr(node.childForFieldName("argument")!), loc };
    }
    case "update_expression":
      return { k: "unary", op: "++", operand: expr(node.childForFieldName("argument")!), loc };
    case "ternary_expression":
      return { k: "cond", test: expr(node.childForFieldName("condition")!), then: expr(node.childForFieldName("consequence")!), else: expr(node.childForFieldName("alternative")!), loc };
    case "parenthesized_expression":
    case "non_null_expression":
    case "as_expression":
    case "satisfies_expression":
    case "type_assertion":
    case "await_expression": {
      const inner = namedChildren(node).find((c) => !c.type.includes("type") || c.type === "type_assertion");
      return inner ? expr(inner) : { k: "opaque", parts: [], loc };
    }
    case "sequence_expression": {
      const parts = namedChildren(node);
      return parts.length ? expr(parts[parts.length - 1]!) : { k: "opaque", parts: [], loc };
    }
    case "array":
      return { k: "list", elements: namedChildren(node).map((c) => (c.type === "spread_element" ? { k: "spread", value: expr(namedChildren(c)[0]!), loc: locOf(c) } : expr(c))), loc };
    case "object": {
      const entries: DictEntry[] = [];
      for (const c of namedChildren(node)) {
        if (c.type === "pair") entries.push({ ...propertyKey(c.childForFieldName("key")!), value: expr(c.childForFieldName("value")!) });
        else if (c.type === "shorthand_property_identifier") entries.push({ key: c.text, value: { k: "name", name: c.text, loc: locOf(c) } });
        else if (c.type === "spread_element") entries.push({ spread: true, value: expr(namedChildren(c)[0]!) });
        else if (c.type === "method_definition") entries.push({ ...propertyKey(c.childForFieldName("name")!), value: { k: "func", fn: functionOf(c), loc: locOf(c) } });
      }
      return { k: "dict", entries, loc };
    }
    case "arrow_function":
    case "function_expression":
    case "function":
    case "generator_function":
      return { k: "func", fn: functionOf(node), loc };
    case "class":
      return { k: "opaque", parts: [], loc };
    case "assignment_expression":
    case "augmented_assignment_expression":
      // Assignment used as a value (`a = b = c`, `while ((m = re.exec(s)))`): its value is the right side.
      return { k: "opaque", parts: [expr(node.childForFieldName("right")!)], loc };
    case "jsx_element":
    case "jsx_self_closing_element":
      return jsx(node);
    case "jsx_fragment":
      return { k: "opaque", parts: namedChildren(node).filter((c) => c.type !== "jsx_text").map(expr), loc };
    case "jsx_expression": {
      const inner = namedChildren(node)[0];
      return inner ? expr(inner) : { k: "opaque", parts: [], loc };
    }
    case "jsx_text":
    case "html_character_reference":
      return constant(node.text, node);
    default:
      return { k: "opaque", parts: namedChildren(node).filter((c) => !c.type.startsWith("type")).map(expr), loc };
  }
}
