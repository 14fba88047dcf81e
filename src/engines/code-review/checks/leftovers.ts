// Things a reviewer asks to remove before merge: debugging output and
// breakpoints, focused or skipped tests, commented-out code, and new
// TODO/FIXME notes. Matched on the syntax tree (never inside strings) and
// only on added lines.
import { parseSource, type SyntaxNode } from "../../../lang/parsers.js";
import type { Finding } from "../../../protocol/finding.js";
import { makeFinding, type ReviewContext, type ReviewFile } from "../context.js";

const CONSOLE_DEBUG = new Set(["log", "debug", "trace", "dir", "table"]);
// Command-line entry points print on purpose.
const CLI_PATH = /(?:^|\/)(?:bin|scripts?|cli|tools|examples?|bench(?:marks?)?)\/|(?:^|\/)(?:__main__|cli|manage|setup)\.py$/;
const FOCUS_OBJECTS = new Set(["it", "test", "describe", "context", "suite", "specify"]);
const FOCUS_IDENTIFIERS = new Set(["fit", "fdescribe"]);
const SKIP_IDENTIFIERS = new Set(["xit", "xdescribe", "xtest", "xcontext"]);
const PY_DEBUGGERS = new Set(["pdb", "ipdb", "pudb", "wdb"]);

function line(node: SyntaxNode): number {
  return node.startPosition.row + 1;
}

function calleeParts(call: SyntaxNode): { object?: string; property?: string; name?: string } {
  const callee = call.childForFieldName("function");
  if (!callee) return {};
  if (callee.type === "identifier") return { name: callee.text };
  if (callee.type === "member_expression") {
    return { object: callee.childForFieldName("object")?.text, property: callee.childForFieldName("property")?.text };
  }
  if (callee.type === "attribute") {
    return { object: callee.childForFieldName("object")?.text, property: callee.childForFieldName("attribute")?.text };
  }
  return {};
}

function debugFinding(file: ReviewFile, at: number, what: string, severity: "Medium" | "Low", recommendation: string): Finding {
  return makeFinding(file, at, {
    ruleId: "review/leftover-debug",
    severity,
    title: `Leftover ${what}`,
    message: `The change adds \`${what}\`, which looks like debugging left behind.`,
    recommendation,
  });
}

export function scriptLike(file: ReviewFile): boolean {
  return CLI_PATH.test(file.path) || (file.language === "python" && /if\s+__name__\s*==\s*["']__main__["']/.test(file.newText ?? ""));
}

function jsNodeFindings(file: ReviewFile, node: SyntaxNode, out: Finding[]): void {
  if (node.type === "debugger_statement" && file.added.has(line(node))) {
    out.push(debugFinding(file, line(node), "debugger", "Medium", "Delete the `debugger` statement; it pauses every user with devtools open."));
    return;
  }
  if (node.type !== "call_expression" || !file.added.has(line(node))) return;
  const { object, property, name } = calleeParts(node);
  if (object === "console" && property && CONSOLE_DEBUG.has(property) && !scriptLike(file) && !file.isTest) {
    out.push(debugFinding(file, line(node), `console.${property}`, "Low", "Remove it, or log through the project's logger at debug level so it can be switched off."));
  } else if ((object && FOCUS_OBJECTS.has(object) && property === "only") || (name && FOCUS_IDENTIFIERS.has(name))) {
    out.push(
      makeFinding(file, line(node), {
        ruleId: "review/focused-test",
        severity: "High",
        title: `Focused test \`${name ?? `${object}.only`}\``,
        message: "A focused test makes the runner skip every other test in the suite, so CI stays green while testing almost nothing.",
        recommendation: `Remove the focus (\`${name ? name.slice(1) : object}\` instead of \`${name ?? `${object}.only`}\`) before merging.`,
      }),
    );
  } else if ((object && FOCUS_OBJECTS.has(object) && property === "skip") || (name && SKIP_IDENTIFIERS.has(name))) {
    out.push(
      makeFinding(file, line(node), {
        ruleId: "review/skipped-test",
        severity: "Low",
        title: `Skipped test \`${name ?? `${object}.skip`}\``,
        message: "The change adds a skipped test: the behaviour it covers is no longer checked.",
        recommendation: "Fix the test or delete it; if it must stay skipped, link the issue that tracks re-enabling it.",
      }),
    );
  }
}

function pythonNodeFindings(file: ReviewFile, node: SyntaxNode, out: Finding[]): void {
  const at = line(node);
  if (!file.added.has(at)) return;
  if (node.type === "import_statement" || node.type === "import_from_statement") {
    const modules = node.type === "import_statement" ? node.namedChildren.map((child) => child.text.split(/[ .]/)[0]!) : [node.childForFieldName("module_name")?.text ?? ""];
    const debuggerModule = modules.find((module) => PY_DEBUGGERS.has(module));
    if (debuggerModule) out.push(debugFinding(file, at, `import ${debuggerModule}`, "Medium", `Remove the \`${debuggerModule}\` import and its breakpoints.`));
    return;
  }
  if (node.type === "decorator" && /^@(?:pytest\.mark\.skip|unittest\.skip)\b/.test(node.text)) {
    out.push(
      makeFinding(file, at, {
        ruleId: "review/skipped-test",
        severity: "Low",
        title: "Skipped test",
        message: "The change adds a skip decorator: the behaviour that test covers is no longer checked.",
        recommendation: "Fix the test or delete it; if it must stay skipped, give a reason= that links the tracking issue.",
      }),
    );
    return;
  }
  if (node.type !== "call") return;
  const { object, property, name } = calleeParts(node);
  if (name === "breakpoint" || (object && PY_DEBUGGERS.has(object) && property === "set_trace")) {
    out.push(debugFinding(file, at, name ?? `${object}.set_trace()`, "Medium", "Remove the breakpoint: it blocks the process waiting for a debugger."));
  } else if (name === "print" && !scriptLike(file) && !file.isTest) {
    out.push(debugFinding(file, at, "print", "Low", "Remove it, or use the `logging` module at DEBUG level."));
  }
}

// Directives and doc comments are comments that must stay comments.
const NOT_CODE = /^\s*(?:eslint|@ts-|prettier-|istanbul|c8 |jshint|global |noqa|type:|pylint|pragma|fmt:|isort|mypy|-\*-|!|\/|\*)|TODO|FIXME|XXX|HACK/;
const CODE_HINT = /[(){};=[\]]|^\s*(?:return|import|from|def|class|if|for|while|const|let|var|function|await|raise|throw)\b/;

function stripComment(text: string): string {
  return text
    .replace(/^\s*(?:\/\/+|#+|\/\*+|\*+\/?)/gm, "")
    .replace(/\*+\/\s*$/, "")
    .trim();
}

function isTrivialStatement(node: SyntaxNode): boolean {
  if (node.type !== "expression_statement") return false;
  const inner = node.namedChildren[0];
  return !inner || ["identifier", "string", "number", "integer", "float", "true", "false", "none", "member_expression", "attribute"].includes(inner.type);
}

/** True when the comment text parses as real statements of the file's language. */
function looksLikeCode(file: ReviewFile, text: string): boolean {
  if (!text || NOT_CODE.test(text) || !CODE_HINT.test(text)) return false;
  const tree = parseSource(file.language!, text);
  if (tree.rootNode.hasError) return false;
  const statements = tree.rootNode.namedChildren.filter((node) => node.type !== "comment");
  return statements.length > 0 && !statements.every(isTrivialStatement);
}

function commentedOutCode(file: ReviewFile, comments: SyntaxNode[], out: Finding[]): void {
  // Consecutive line comments form one block: code is usually commented out several lines at a time.
  const blocks: SyntaxNode[][] = [];
  for (const comment of comments) {
    if (comment.text.startsWith("/**") || NOT_CODE.test(stripComment(comment.text))) {
      blocks.push([]);
      continue;
    }
    const last = blocks[blocks.length - 1];
    const previous = last?.[last.length - 1];
    if (previous && previous.endPosition.row + 1 === comment.startPosition.row) last.push(comment);
    else blocks.push([comment]);
  }
  for (const block of blocks) {
    if (block.length === 0) continue;
    const whole = block.map((comment) => stripComment(comment.text)).join("\n");
    if (looksLikeCode(file, whole)) {
      out.push(commentedOutFinding(file, block));
      continue;
    }
    // Code and prose mixed in one block: report the runs of lines that are code on their own.
    let run: SyntaxNode[] = [];
    for (const comment of [...block, undefined]) {
      if (comment && looksLikeCode(file, stripComment(comment.text))) {
        run.push(comment);
        continue;
      }
      if (run.length > 0) out.push(commentedOutFinding(file, run));
      run = [];
    }
  }
}

function commentedOutFinding(file: ReviewFile, block: SyntaxNode[]): Finding {
  return makeFinding(file, line(block[0]!), {
    ruleId: "review/commented-out-code",
    severity: "Low",
    title: "Commented-out code",
    message: `The change adds ${block.length > 1 ? `${block.length} lines of ` : ""}code inside a comment.`,
    recommendation: "Delete it: version control keeps the old code. If it documents an alternative, say so in prose.",
    endLine: block[block.length - 1]!.endPosition.row + 1,
  });
}

const TODO_MARK = /(?:\/\/|#|\/\*|^\s*\*|<!--|--|;)\s*(?:@?)(TODO|FIXME|XXX|HACK)\b[:\s(]?(.*)$/;

/** Lines of source files where a TODO sits in a comment, not in a string or a name. */
function commentTodoLines(file: ReviewFile): Set<number> | undefined {
  const tree = file.analysable ? file.tree("new") : undefined;
  if (!tree) return undefined;
  const lines = new Set<number>();
  for (const comment of tree.rootNode.descendantsOfType("comment")) {
    const start = comment.startPosition.row + 1;
    comment.text.split("\n").forEach((text, offset) => {
      if (TODO_MARK.test(text)) lines.add(start + offset);
    });
  }
  return lines;
}

function todoFindings(file: ReviewFile, out: Finding[]): void {
  const inComments = commentTodoLines(file);
  for (const [at, text] of file.change.patch.addedText) {
    const match = TODO_MARK.exec(text);
    if (!match || (inComments && !inComments.has(at))) continue;
    const tag = match[1]!;
    const note = match[2]!.replace(/\*\/\s*$|-->\s*$/, "").trim();
    out.push(
      makeFinding(file, at, {
        ruleId: "review/todo-added",
        severity: tag === "TODO" ? "Info" : "Low",
        title: `${tag} added`,
        message: `The change adds a ${tag}${note ? `: "${note.slice(0, 120)}"` : ""}.`,
        recommendation: "Do it in this change, or open an issue and reference it in the comment so the debt is tracked.",
      }),
    );
  }
}

export function leftoverFindings(ctx: ReviewContext): Finding[] {
  const findings: Finding[] = [];
  for (const file of ctx.files) {
    if (file.added.size === 0 || file.newText === undefined) continue;
    todoFindings(file, findings);
    if (!file.analysable) continue;
    const addedComments: SyntaxNode[] = [];
    file.forEachChangedNode((node) => {
      if (node.type === "comment") {
        if (file.added.has(line(node))) addedComments.push(node);
        return;
      }
      if (file.language === "python") pythonNodeFindings(file, node, findings);
      else jsNodeFindings(file, node, findings);
    });
    commentedOutCode(file, addedComments, findings);
  }
  return findings;
}
