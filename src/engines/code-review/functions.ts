// Functions of a parsed file, with the measures a reviewer cares about:
// cyclomatic complexity (McCabe), cognitive complexity (SonarSource's
// definition), deepest nesting, parameter count, length, exported or not.
//
// A "unit" is a function someone can name: declarations, methods, and
// function expressions bound to a variable, property or field. Anonymous
// callbacks belong to the unit around them (and nest it deeper), so an
// `items.map(x => …)` inside a method raises that method's score, the way a
// reader experiences it.
import type { Language, SyntaxNode, Tree } from "../../lang/parsers.js";
import { type Param, parametersOf } from "./signatures.js";

export interface FunctionUnit {
  /** Qualified by enclosing classes and functions: "Parser.parse", "outer.inner". */
  name: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  params: number;
  cyclomatic: number;
  cognitive: number;
  maxNesting: number;
  /** Line of the control structure that reaches maxNesting (0 when none). */
  deepestLine: number;
  /** Part of the module's public surface (export / module.exports / public Python name). */
  exported: boolean;
  /** Parameters and return type, whitespace-normalised, for API comparisons. */
  signature: string;
  /** Line of the signature (where the parameter list starts). */
  signatureLine: number;
  /** What a caller passes, for telling a breaking signature change from a compatible one. */
  parameters: Param[];
  /** Defined inside another function: a helper of that function, never importable. */
  inFunction: boolean;
}

const JS_FUNCTIONS = new Set([
  "function_declaration",
  "generator_function_declaration",
  "function_expression",
  "function",
  "generator_function",
  "arrow_function",
  "method_definition",
]);
const PY_FUNCTIONS = new Set(["function_definition", "lambda"]);
const CLASS_NODES = new Set(["class_declaration", "class", "abstract_class_declaration", "class_definition"]);

export function isFunctionNode(node: SyntaxNode): boolean {
  return JS_FUNCTIONS.has(node.type) || PY_FUNCTIONS.has(node.type);
}

/** The name a function is known by, or undefined for an anonymous callback. */
function unitName(node: SyntaxNode): string | undefined {
  const own = node.childForFieldName("name");
  if (own && node.type !== "lambda") return own.text;
  const parent = node.parent;
  if (!parent) return undefined;
  switch (parent.type) {
    case "variable_declarator":
      return parent.childForFieldName("name")?.text;
    case "pair":
      return parent.childForFieldName("key")?.text;
    case "assignment_expression":
      return parent.childForFieldName("left")?.text;
    case "public_field_definition":
      return parent.childForFieldName("name")?.text;
    case "field_definition":
      return parent.childForFieldName("property")?.text;
    case "export_statement":
      return "default";
    case "assignment":
      // Python: handler = lambda event: ...
      return node.type === "lambda" ? parent.childForFieldName("left")?.text : undefined;
    default:
      return undefined;
  }
}

function isExported(node: SyntaxNode, name: string, language: Language, enclosing: string[]): boolean {
  if (language === "python") {
    const publicName = (part: string) => !part.startsWith("_") || /^__\w+__$/.test(part);
    // A function defined inside another function is never importable.
    for (let current = node.parent; current; current = current.parent) {
      if (current.type === "function_definition" || current.type === "lambda") return false;
    }
    return enclosing.every(publicName) && publicName(name.split(".").pop() ?? name);
  }
  if (node.type === "method_definition") {
    const hidden = node.children.some((child) => child.type === "accessibility_modifier" && child.text !== "public");
    if (hidden || node.childForFieldName("name")?.type === "private_property_identifier") return false;
  }
  for (let current: SyntaxNode | null = node.parent; current; current = current.parent) {
    if (current.type === "export_statement") return true;
    if (current.type === "assignment_expression") {
      const left = current.childForFieldName("left")?.text ?? "";
      if (/^(module\.)?exports\b/.test(left)) return true;
    }
    if (current.type === "method_definition" || isFunctionNode(current)) return false;
    if (current.type === "program") return false;
  }
  return false;
}

function countParameters(node: SyntaxNode, language: Language, isMethod: boolean): number {
  const list = node.childForFieldName("parameters");
  if (!list) return node.childForFieldName("parameter") ? 1 : 0;
  let params = list.namedChildren.filter((child) => child.type !== "comment");
  if (language === "python") {
    params = params.filter((child) => child.type !== "keyword_separator" && child.type !== "positional_separator");
    const first = params[0];
    if (isMethod && first && (first.text === "self" || first.text === "cls")) params = params.slice(1);
  } else {
    params = params.filter((child) => child.childForFieldName("pattern")?.type !== "this");
  }
  return params.length;
}

function signatureOf(node: SyntaxNode, language: Language): string {
  const params = node.childForFieldName("parameters")?.text ?? node.childForFieldName("parameter")?.text ?? "()";
  const returns = node.childForFieldName("return_type")?.text ?? "";
  // Python's return annotation node leaves out the arrow; TypeScript's keeps its colon.
  const suffix = !returns ? "" : language === "python" ? ` -> ${returns}` : returns.startsWith(":") ? returns : `: ${returns}`;
  return `${params}${suffix}`.replace(/\s+/g, " ").replace(/,\s*([)\]])/g, "$1");
}

const LOGICAL_JS = new Set(["&&", "||", "??"]);

function logicalOperator(node: SyntaxNode): string | undefined {
  if (node.type === "binary_expression") {
    const op = node.childForFieldName("operator")?.type;
    return op && LOGICAL_JS.has(op) ? op : undefined;
  }
  if (node.type === "boolean_operator") return node.childForFieldName("operator")?.type;
  return undefined;
}

/** Operators of a chain `a && b || c` in source order, parentheses ending the chain. */
function flattenLogical(node: SyntaxNode, out: string[]): void {
  const op = logicalOperator(node);
  if (!op) return;
  const left = node.childForFieldName("left");
  const right = node.childForFieldName("right");
  if (left) flattenLogical(left, out);
  out.push(op);
  if (right) flattenLogical(right, out);
}

const LOOPS = new Set(["for_statement", "for_in_statement", "while_statement", "do_statement"]);
/** Structures that count once plus their nesting level in cognitive complexity. */
const NESTING_INCREMENTS = new Set([
  ...LOOPS,
  "switch_statement",
  "catch_clause",
  "except_clause",
  "except_group_clause",
  "ternary_expression",
  "conditional_expression",
  "match_statement",
]);
/** Decision points for cyclomatic complexity, beyond if/elif and logical operators. */
const DECISIONS = new Set([
  ...LOOPS,
  "if_statement",
  "elif_clause",
  "switch_case",
  "case_clause",
  "catch_clause",
  "except_clause",
  "except_group_clause",
  "ternary_expression",
  "conditional_expression",
  "for_in_clause",
  "if_clause",
]);
/** Structures that make code one level deeper for the reader (nesting depth). */
const DEPTH_STRUCTURES = new Set([...LOOPS, "if_statement", "switch_statement", "try_statement", "with_statement", "match_statement"]);

interface Measures {
  cyclomatic: number;
  cognitive: number;
  maxNesting: number;
  deepestLine: number;
}

function isElseIf(node: SyntaxNode): boolean {
  return node.type === "if_statement" && node.parent?.type === "else_clause" && node.parent.namedChildren.length === 1;
}

function measure(unit: SyntaxNode, isUnit: (node: SyntaxNode) => boolean): Measures {
  const result: Measures = { cyclomatic: 1, cognitive: 0, maxNesting: 0, deepestLine: 0 };

  const visit = (node: SyntaxNode, nesting: number, depth: number): void => {
    if (node !== unit && isUnit(node)) return;
    const type = node.type;
    let childNesting = nesting;
    let childDepth = depth;

    if (DECISIONS.has(type)) result.cyclomatic++;
    const op = logicalOperator(node);
    if (op) {
      result.cyclomatic++;
      const parentOp = node.parent ? logicalOperator(node.parent) : undefined;
      if (!parentOp) {
        const chain: string[] = [];
        flattenLogical(node, chain);
        result.cognitive += chain.filter((item, index) => index === 0 || item !== chain[index - 1]).length;
      }
    }

    if (type === "if_statement") {
      // An `else if` is a flat continuation: +1, no nesting penalty (Sonar's "hybrid" increment).
      result.cognitive += isElseIf(node) ? 1 : 1 + nesting;
      childNesting = nesting + 1;
    } else if (type === "elif_clause" || (type === "else_clause" && !(node.namedChildren.length === 1 && node.namedChildren[0]!.type === "if_statement"))) {
      result.cognitive += 1;
    } else if (NESTING_INCREMENTS.has(type)) {
      result.cognitive += 1 + nesting;
      childNesting = nesting + 1;
    } else if ((type === "break_statement" || type === "continue_statement") && node.childForFieldName("label")) {
      result.cognitive += 1;
    } else if (node !== unit && isFunctionNode(node)) {
      childNesting = nesting + 1;
    }

    if (DEPTH_STRUCTURES.has(type)) {
      childDepth = depth + 1;
      if (childDepth > result.maxNesting) {
        result.maxNesting = childDepth;
        result.deepestLine = node.startPosition.row + 1;
      }
    }

    for (const child of node.namedChildren) {
      // else/elif branches sit at their if's own level; the body under them is one deeper,
      // except an `else if`, which continues the chain at the same level.
      if (child.type === "else_clause" || child.type === "elif_clause") {
        visit(child, nesting, depth);
      } else if (type === "else_clause" || type === "elif_clause") {
        const elseIf = child.type === "if_statement";
        visit(child, elseIf ? nesting : nesting + 1, elseIf ? depth : depth + 1);
      } else {
        visit(child, childNesting, childDepth);
      }
    }
  };

  visit(unit, 0, 0);
  return result;
}

/** Every named function of a file with its measures, outermost first. */
export function extractFunctions(tree: Tree, language: Language): FunctionUnit[] {
  const found: Array<{ node: SyntaxNode; unit: Omit<FunctionUnit, keyof Measures> }> = [];
  const seen = new Map<string, number>();

  const collect = (node: SyntaxNode, enclosing: string[], inClass: boolean, inFunction: boolean): void => {
    let nextEnclosing = enclosing;
    let nextInClass = inClass;
    let nextInFunction = inFunction;
    if (CLASS_NODES.has(node.type)) {
      nextEnclosing = [...enclosing, node.childForFieldName("name")?.text ?? "<class>"];
      nextInClass = true;
    } else if (isFunctionNode(node) && node.childForFieldName("body")) {
      const name = unitName(node);
      if (name !== undefined) {
        let qualified = [...enclosing, name].join(".");
        const count = (seen.get(qualified) ?? 0) + 1;
        seen.set(qualified, count);
        if (count > 1) qualified = `${qualified}#${count}`;
        const paramsNode = node.childForFieldName("parameters") ?? node.childForFieldName("parameter") ?? node;
        found.push({
          node,
          unit: {
            name: qualified,
            startLine: node.startPosition.row + 1,
            endLine: node.endPosition.row + 1,
            params: countParameters(node, language, inClass),
            exported: isExported(node, name, language, enclosing),
            signature: signatureOf(node, language),
            signatureLine: paramsNode.startPosition.row + 1,
            parameters: parametersOf(node, language, inClass),
            inFunction,
          },
        });
        nextEnclosing = [...enclosing, name];
        nextInClass = false;
      }
      nextInFunction = true;
    }
    for (const child of node.namedChildren) collect(child, nextEnclosing, nextInClass, nextInFunction);
  };
  collect(tree.rootNode, [], false, false);

  const unitIds = new Set(found.map((entry) => entry.node.id));
  const isUnit = (node: SyntaxNode) => unitIds.has(node.id);
  return found.map(({ node, unit }) => ({ ...unit, ...measure(node, isUnit) }));
}
