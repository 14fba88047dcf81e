// What coverage.py learns by parsing a Python file at report time, estimated
// from the tree-sitter grammar for when only the `.coverage` data file is at
// hand: which lines are statements, which lines are branch points and how
// many ways each can exit (coverage.py's `exit_counts`), and which lines
// belong to a statement that starts on an earlier line (its `first_line`).
import { parseSource, type SyntaxNode } from "../../../lang/parsers.js";

export interface PythonShape {
  statements: Set<number>;
  /** Lines coverage.py excludes (exclude_lines / exclude_also and the suites they open), as first lines. */
  excluded: Set<number>;
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

/** `x: int` with no value inside a function compiles to nothing (module and class bodies evaluate the annotation). */
function isBareAnnotationInFunction(node: SyntaxNode): boolean {
  if (node.type !== "expression_statement") return false;
  const inner = node.firstNamedChild;
  if (inner?.type !== "assignment" || inner.childForFieldName("right") || !inner.childForFieldName("type")) return false;
  for (let scope = node.parent; scope; scope = scope.parent) {
    if (scope.type === "function_definition") return true;
    if (scope.type === "class_definition" || scope.type === "module") return false;
  }
  return false;
}

function isStatementStart(node: SyntaxNode): boolean {
  if (isBareAnnotationInFunction(node)) return false;
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

/** The line of the `:` that opens a compound statement's own suite: coverage.py excludes the suite when that line matches. */
function colonLine(node: SyntaxNode): number | undefined {
  let colon: number | undefined;
  for (const child of node.children) {
    if (child.type === "block") break;
    if (child.type === ":") colon = lineOf(child);
  }
  return colon;
}

interface BranchTargets {
  line: number;
  /** First line of each way out that coverage.py would see an arc to, when it lies inside the statement. */
  targets: number[];
}

function firstStatementLine(block: SyntaxNode | null | undefined): number | undefined {
  const first = block?.namedChildren.find((c) => c.type !== "comment");
  return first ? lineOf(first) : undefined;
}

/** Where an if/elif can jump: its body, and its next elif or else body (falling out is not in the statement). */
function ifTargets(node: SyntaxNode): number[] {
  const targets: number[] = [];
  const body = firstStatementLine(node.childForFieldName("consequence"));
  if (body !== undefined) targets.push(body);
  const next = node.type === "if_statement" ? node.namedChildren.find((c) => c.type === "elif_clause" || c.type === "else_clause") : node.nextNamedSibling;
  if (next?.type === "elif_clause") targets.push(lineOf(next));
  else if (next?.type === "else_clause") {
    const line = firstStatementLine(next.childForFieldName("body") ?? next.namedChildren.find((c) => c.type === "block"));
    if (line !== undefined) targets.push(line);
  }
  return targets;
}

function matchingLines(lines: string[], patterns: RegExp[]): Set<number> {
  const found = new Set<number>();
  if (patterns.length === 0) return found;
  lines.forEach((text, i) => {
    if (patterns.some((p) => p.test(text))) found.add(i + 1);
  });
  return found;
}

/** Physical lines matching coverage.py's partial_branches (and _always) patterns: their missing arcs are not missing. */
export function noBranchLines(source: string, patterns: RegExp[]): Set<number> {
  return matchingLines(source.split(/\r?\n/), patterns);
}

const SCOPES = new Set(["function_definition", "class_definition", "lambda", "module"]);
const LOOPS = new Set(["for_statement", "while_statement"]);

/** Statements of `block` (comments aside) end in a jump, so control never falls out of it. */
function endsInJump(block: SyntaxNode | undefined): boolean {
  const last = block?.namedChildren.filter((c) => c.type !== "comment").at(-1);
  return last !== undefined && JUMPS.has(last.type);
}

/** Where control goes after `node` falls through: a line, the enclosing loop's line, or the scope's exit. */
function nextTarget(node: SyntaxNode): string {
  for (let n: SyntaxNode = node; ; ) {
    const parent = n.parent;
    if (!parent) return "exit";
    if (parent.type === "block" || parent.type === "module") {
      let sibling = n.nextNamedSibling;
      while (sibling?.type === "comment") sibling = sibling.nextNamedSibling;
      if (sibling) return `L${lineOf(sibling)}`;
      if (parent.type === "module") return "exit";
      n = parent;
      continue;
    }
    if (parent.type === "function_definition" || parent.type === "lambda") return "exit";
    if (parent.type === "class_definition") return `class${lineOf(parent)}`;
    if (LOOPS.has(parent.type) && n.type === "block") return `L${lineOf(parent)}`;
    if (parent.type === "with_statement") return `L${lineOf(parent)}`;
    n = parent;
  }
}

/**
 * Python 3.10+ leaves a `with` through its own line (coverage.py's
 * exit_through_with): the line jumps into the body, and on to whatever
 * follows, to the function's exit for a return inside (only the outermost
 * `with` gets that arc), out of the loop for a break and to the loop's top
 * for a continue. Distinct targets are its exits.
 */
function withExits(node: SyntaxNode): number {
  const body = node.childForFieldName("body") ?? node.namedChildren.find((c) => c.type === "block");
  const targets = new Set<string>(["body"]);
  if (!endsInJump(body)) targets.add(nextTarget(node));
  let outermost = true;
  let loop: SyntaxNode | undefined;
  for (let p = node.parent; p && !SCOPES.has(p.type); p = p.parent) {
    if (p.type === "with_statement") outermost = false;
    if (LOOPS.has(p.type) && !loop) loop = p;
  }
  const jumps = new Set<string>();
  const scan = (n: SyntaxNode, inLoop: boolean) => {
    for (const child of n.namedChildren) {
      if (SCOPES.has(child.type)) continue;
      if (child.type === "return_statement") jumps.add("return");
      else if (!inLoop && child.type === "break_statement") jumps.add("break");
      else if (!inLoop && child.type === "continue_statement") jumps.add("continue");
      scan(child, inLoop || LOOPS.has(child.type));
    }
  };
  if (body) scan(body, false);
  if (jumps.has("return") && outermost) targets.add("exit");
  if (loop && outermost) {
    if (jumps.has("break")) targets.add(nextTarget(loop));
    if (jumps.has("continue")) targets.add(`L${lineOf(loop)}`);
  }
  return targets.size;
}

/**
 * CPython 3.11+ traces a decorated definition's lines again after the
 * function object is made (coverage.py's trace_decorator_line_again): the
 * `def` line jumps back to the last decorator and on to what follows, and
 * with several decorators each one jumps both up and down the stack. Their
 * exit counts make those lines branches (a `class` line loses the extra exit
 * coverage.py takes from every class definition).
 */
function decoratorExits(node: SyntaxNode, shape: PythonShape, branchTargets: BranchTargets[]): void {
  const definition = node.childForFieldName("definition") ?? node.namedChildren.find((c) => c.type === "function_definition" || c.type === "class_definition");
  if (!definition) return;
  const lines = [...new Set(node.namedChildren.filter((c) => c.type === "decorator").map(lineOf))];
  const main = lineOf(definition);
  if (lines.length === 0 || lines.includes(main)) return;
  if (definition.type === "function_definition") {
    shape.branchExits.set(main, Math.max(2, shape.branchExits.get(main) ?? 0));
    const next = nextTarget(node);
    if (next.startsWith("L")) branchTargets.push({ line: main, targets: [Number(next.slice(1))] });
  }
  if (lines.length < 2) return;
  for (const line of lines) shape.branchExits.set(line, Math.max(2, shape.branchExits.get(line) ?? 0));
}

export function analyzePython(source: string, exclude: RegExp[] = []): PythonShape {
  const shape: PythonShape = { statements: new Set(), excluded: new Set(), branchExits: new Map(), firstLine: new Map() };
  const codeObjectLines = new Set<number>();
  const rawExcluded = matchingLines(source.split(/\r?\n/), exclude);
  const branchTargets: BranchTargets[] = [];
  const decorated: SyntaxNode[] = [];
  const excludeSuite = (node: SyntaxNode, from: number) => {
    for (let line = from; line <= node.endPosition.row + 1; line++) rawExcluded.add(line);
  };
  const visit = (node: SyntaxNode) => {
    if (rawExcluded.size > 0) {
      if (node.type === "decorated_definition") {
        // A matching decorator excludes the decorators after it and the whole definition.
        const hit = node.namedChildren.find((c) => c.type === "decorator" && rawExcluded.has(lineOf(c)));
        if (hit) excludeSuite(node, lineOf(hit));
      } else if (COMPOUND.has(node.type) && node.type !== "decorated_definition") {
        const colon = colonLine(node);
        const suite = node.namedChildren.find((c) => c.type === "block");
        if (colon !== undefined && suite && rawExcluded.has(colon)) {
          rawExcluded.add(colon);
          for (let line = lineOf(suite); line <= suite.endPosition.row + 1; line++) rawExcluded.add(line);
        }
      }
    }
    const start = lineOf(node);
    if (isStatementStart(node)) {
      shape.statements.add(start);
      const end = COMPOUND.has(node.type) ? headerEnd(node) : node.endPosition.row + 1;
      for (let line = start + 1; line <= end; line++) if (!shape.firstLine.has(line)) shape.firstLine.set(line, start);
    }
    let exits = 0;
    if (node.type === "if_statement" || node.type === "elif_clause") {
      exits = ifExits(node);
      branchTargets.push({ line: start, targets: ifTargets(node) });
    }
    else if (node.type === "for_statement") exits = 2;
    else if (node.type === "while_statement") exits = constantlyTrue(node.childForFieldName("condition")) ? 1 : 2;
    else if (node.type === "case_clause") exits = caseExits(node);
    else if (node.type === "with_statement") exits = withExits(node);
    // A handler that does not match hands the exception to the next handler line.
    else if (node.type === "except_clause" || node.type === "except_group_clause") exits = node.nextNamedSibling?.type === node.type ? 2 : 1;
    if (exits > 1) shape.branchExits.set(start, exits);
    if (CODE_OBJECT_EXPRESSIONS.has(node.type)) codeObjectLines.add(start);
    if (node.type === "decorated_definition") decorated.push(node);
    for (const child of node.namedChildren) visit(child);
  };
  visit(parseSource("python", source).rootNode);
  // A lambda or comprehension adds one exit to its statement's first line (the jump out of its own code object).
  const extraExit = new Set<number>();
  for (const line of codeObjectLines) extraExit.add(shape.firstLine.get(line) ?? line);
  for (const line of extraExit) shape.branchExits.set(line, (shape.branchExits.get(line) ?? 1) + 1);
  for (const node of decorated) decoratorExits(node, shape, branchTargets);
  if (rawExcluded.size > 0) {
    // coverage.py maps excluded lines to their statement's first line, then drops them from statements
    // and drops arcs into them from the exit counts: a branch whose other arm is excluded is no branch.
    for (const line of rawExcluded) shape.excluded.add(shape.firstLine.get(line) ?? line);
    for (const line of shape.excluded) {
      shape.statements.delete(line);
      shape.branchExits.delete(line);
    }
    for (const { line, targets } of branchTargets) {
      const exits = shape.branchExits.get(line);
      if (exits === undefined) continue;
      const lost = targets.filter((t) => shape.excluded.has(shape.firstLine.get(t) ?? t)).length;
      if (exits - lost < 2) shape.branchExits.delete(line);
      else shape.branchExits.set(line, exits - lost);
    }
  }
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
