// What coverage.py learns by parsing a Python file at report time, estimated
// from the tree-sitter grammar for when only the `.coverage` data file is at
// hand: which lines are statements, which lines are branch points and how
// many ways each can exit (coverage.py's `exit_counts`), and which lines
// belong to a statement that starts on an earlier line (its `first_line`).
import { parseSource, type SyntaxNode } from "../../../lang/parsers.js";

export interface PythonShape {
  statements: Set<number>;
  /** Branch line → how many distinct exits coverage.py sees (always 2 or more). */
  branchExits: Map<number, number>;
  /** A line inside a multi-line statement or header → the line it starts on. */
  firstLine: Map<number, number>;
}

/**
 * Statement kinds whose first line holds no bytecode. `try:` has had a line of
 * its own since Python 3.10 (a NOP), so coverage.py counts it there.
 */
const NOT_EXECUTABLE = new Set(["global_statement", "nonlocal_statement", "else_clause", "finally_clause", "block", "module"]);
/** Expressions coverage.py analyses as code objects of their own: each adds an exit to the function's end. */
const CODE_OBJECT_EXPRESSIONS = new Set(["lambda", "generator_expression", "list_comprehension", "set_comprehension", "dictionary_comprehension"]);
const JUMPS = new Set(["return_statement", "raise_statement", "continue_statement", "break_statement"]);
/** Compound statements: only their header (up to the body) is one logical line. */
const COMPOUND = new Set([
  "if_statement", "elif_clause", "else_clause", "for_statement", "while_statement", "try_statement", "except_clause", "finally_clause",
  "with_statement", "function_definition", "class_definition", "match_statement", "case_clause", "decorated_definition",
]);

const lineOf = (node: SyntaxNode): number => node.startPosition.row + 1;

function isDocstring(node: SyntaxNode): boolean {
  if (node.type !== "expression_statement" || node.firstNamedChild?.type !== "string") return false;
  const parent = node.parent;
  const first = parent?.firstNamedChild;
  return first?.id === node.id && (parent?.type === "module" || parent?.type === "block");
}

function isStatementStart(node: SyntaxNode): boolean {
  return (
    (node.type.endsWith("_statement") || node.type === "function_definition" || node.type === "class_definition" || node.type === "decorator" || node.type === "elif_clause" || node.type === "except_clause" || node.type === "case_clause") &&
    !NOT_EXECUTABLE.has(node.type) &&
    !isDocstring(node)
  );
}

/** `while True:` and `while 1:` never take the exit arm; coverage.py sees one exit. */
function constantlyTrue(condition: SyntaxNode | null): boolean {
  return condition !== null && (condition.type === "true" || (condition.type === "integer" && condition.text !== "0"));
}

/**
 * A body on its header's line (`if x: y = 1`) makes the header and body one
 * line; its two arms then reach the same next line unless the body jumps away.
 */
function ifExits(node: SyntaxNode): number {
  const body = node.childForFieldName("consequence");
  const hasAlternative = node.type === "if_statement" ? node.childForFieldName("alternative") !== null : false;
  if (!body || lineOf(body) !== lineOf(node) || hasAlternative) return 2;
  const last = body.lastNamedChild;
  return last && JUMPS.has(last.type) ? 2 : 1;
}

/**
 * coverage.py (6.x) lets a match fall through past its last case unless some
 * case pattern is a bare capture, `_` or an `as` pattern.
 */
function caseExits(node: SyntaxNode): number {
  const isLast = node.nextNamedSibling === null;
  if (!isLast) return 2;
  const cases = node.parent?.namedChildren.filter((c) => c.type === "case_clause") ?? [];
  const captures = cases.some((c) => {
    const pattern = c.namedChildren.find((p) => p.type === "case_pattern");
    if (!pattern) return false;
    const inner = pattern.namedChildren;
    if (inner.length === 0) return true; // `_`
    const only = inner[0]!;
    return inner.length === 1 && (only.type === "as_pattern" || (only.type === "dotted_name" && only.namedChildCount === 1));
  });
  return captures ? 1 : 2;
}

function headerEnd(node: SyntaxNode): number {
  const body = node.namedChildren.find((c) => c.type === "block");
  if (!body) return node.endPosition.row + 1;
  return Math.max(lineOf(node), lineOf(body) - 1);
}

export function analyzePython(source: string): PythonShape {
  const shape: PythonShape = { statements: new Set(), branchExits: new Map(), firstLine: new Map() };
  const codeObjectLines = new Set<number>();
  const visit = (node: SyntaxNode) => {
    const start = lineOf(node);
    if (isStatementStart(node)) {
      shape.statements.add(start);
      const end = COMPOUND.has(node.type) ? headerEnd(node) : node.endPosition.row + 1;
      for (let line = start + 1; line <= end; line++) if (!shape.firstLine.has(line)) shape.firstLine.set(line, start);
    }
    let exits = 0;
    if (node.type === "if_statement" || node.type === "elif_clause") exits = ifExits(node);
    else if (node.type === "for_statement") exits = 2;
    else if (node.type === "while_statement") exits = constantlyTrue(node.childForFieldName("condition")) ? 1 : 2;
    else if (node.type === "case_clause") exits = caseExits(node);
    if (exits > 1) shape.branchExits.set(start, exits);
    if (CODE_OBJECT_EXPRESSIONS.has(node.type)) codeObjectLines.add(start);
    for (const child of node.namedChildren) visit(child);
  };
  visit(parseSource("python", source).rootNode);
  // A lambda or comprehension adds one exit to its statement's first line (the jump out of its own code object).
  const extraExit = new Set<number>();
  for (const line of codeObjectLines) extraExit.add(shape.firstLine.get(line) ?? line);
  for (const line of extraExit) shape.branchExits.set(line, (shape.branchExits.get(line) ?? 1) + 1);
  return shape;
}

/**
 * coverage.py's branch counts for one file from its executed arcs: per branch
 * line, the distinct lines it was seen jumping to (after folding multi-line
 * statements onto their first line), capped at the exits the line has.
 */
export function branchArms(shape: PythonShape, arcs: Array<[number, number]>): Map<number, { covered: number; total: number }> {
  const first = (line: number) => (line < 0 ? -(shape.firstLine.get(-line) ?? -line) : (shape.firstLine.get(line) ?? line));
  const seen = new Map<number, Set<number>>();
  for (const [rawFrom, rawTo] of arcs) {
    const from = first(rawFrom);
    const to = first(rawTo);
    if (from === to || !shape.branchExits.has(from)) continue;
    let targets = seen.get(from);
    if (!targets) seen.set(from, (targets = new Set()));
    targets.add(to);
  }
  const arms = new Map<number, { covered: number; total: number }>();
  for (const [line, total] of shape.branchExits) arms.set(line, { covered: Math.min(total, seen.get(line)?.size ?? 0), total });
  return arms;
}
