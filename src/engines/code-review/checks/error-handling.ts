// Errors the change makes disappear: empty catch/except blocks, bare
// `except:`, promise rejections caught by a no-op, Node-style callbacks that
// never look at their error, and exit codes nobody checks.
import type { SyntaxNode } from "../../../lang/parsers.js";
import type { Finding } from "../../../protocol/finding.js";
import { makeFinding, type ReviewContext, type ReviewFile } from "../context.js";
import { isFunctionNode } from "../functions.js";

/** The added line a finding about `node` is placed on, or undefined when none of it is added. */
function changedLine(file: ReviewFile, node: SyntaxNode): number | undefined {
  const start = node.startPosition.row + 1;
  if (file.added.has(start)) return start;
  return file.addedBetween(start, node.endPosition.row + 1)[0];
}

function isEmptyPythonBlock(block: SyntaxNode | undefined): boolean {
  if (!block) return false;
  return block.namedChildren.every(
    (child) => child.type === "pass_statement" || (child.type === "expression_statement" && child.text === "..."),
  );
}

function pythonExcept(file: ReviewFile, node: SyntaxNode, out: Finding[]): void {
  const at = file.added.has(node.startPosition.row + 1) ? node.startPosition.row + 1 : undefined;
  if (at === undefined) return;
  const block = node.namedChildren.find((child) => child.type === "block");
  const caught = node.namedChildren.filter((child) => child.type !== "block" && child.type !== "comment");
  const catchesEverything = caught.length === 0 || /^\(?\s*BaseException\b/.test(caught[0]!.text);
  const reraises = block?.descendantsOfType("raise_statement").length ?? 0;
  if (catchesEverything && reraises === 0) {
    out.push(
      makeFinding(file, at, {
        ruleId: "review/bare-except",
        severity: "Medium",
        title: caught.length === 0 ? "Bare `except:`" : "`except BaseException`",
        message: "This handler also catches KeyboardInterrupt, SystemExit and programming errors (NameError, TypeError), hiding bugs and making the process hard to stop.",
        recommendation: "Catch the specific exceptions this code can recover from (e.g. `except (OSError, ValueError) as error:`), and log or re-raise the rest.",
        cwe: 396,
      }),
    );
    return;
  }
  if (isEmptyPythonBlock(block)) {
    out.push(
      makeFinding(file, at, {
        ruleId: "review/empty-catch",
        severity: "Medium",
        title: "Exception swallowed by an empty `except`",
        message: `\`${node.text.split("\n")[0]!.trim()}\` does nothing with the error, so failures vanish silently.`,
        recommendation: "Handle the error (retry, fall back, or re-raise with context), or at least log it; if ignoring is intended, write why in a comment and use contextlib.suppress.",
        cwe: 390,
      }),
    );
  }
}

function jsCatch(file: ReviewFile, node: SyntaxNode, out: Finding[]): void {
  const body = node.childForFieldName("body");
  if (!body || body.namedChildren.length > 0) return;
  const at = changedLine(file, node);
  if (at === undefined) return;
  out.push(
    makeFinding(file, at, {
      ruleId: "review/empty-catch",
      severity: "Medium",
      title: "Error swallowed by an empty `catch`",
      message: "The catch block is empty, so the failure disappears without a trace.",
      recommendation: "Handle the error (recover, rethrow with context, or log it); if ignoring it is deliberate, say why in a comment inside the block.",
      cwe: 390,
    }),
  );
}

function isNoOpFunction(node: SyntaxNode | undefined): boolean {
  if (!node) return false;
  if (node.type === "identifier") return /^(?:noop|_\.noop)$/i.test(node.text);
  if (!isFunctionNode(node)) return false;
  const body = node.childForFieldName("body");
  if (!body) return false;
  // `.catch(() => undefined)` supplies a fallback value on purpose; only a handler that does nothing at all swallows.
  return body.type === "statement_block" && body.namedChildren.length === 0;
}

function jsCall(file: ReviewFile, node: SyntaxNode, out: Finding[]): void {
  const callee = node.childForFieldName("function");
  if (callee?.type !== "member_expression" || callee.childForFieldName("property")?.text !== "catch") return;
  const args = node.childForFieldName("arguments")?.namedChildren ?? [];
  if (args.length > 1 || (args.length === 1 && !isNoOpFunction(args[0]))) return;
  const at = changedLine(file, callee.childForFieldName("property")!);
  if (at === undefined) return;
  out.push(
    makeFinding(file, at, {
      ruleId: "review/swallowed-rejection",
      severity: "Medium",
      title: "Promise rejection swallowed",
      message: "`.catch()` with a no-op handler turns every failure of this promise into silent success.",
      recommendation: "Handle the rejection (log it with context, fall back, or let it propagate); if it is truly ignorable, comment why inside the handler.",
      cwe: 390,
    }),
  );
}

function jsIgnoredCallbackError(file: ReviewFile, node: SyntaxNode, out: Finding[]): void {
  if (!isFunctionNode(node) || node.parent?.type !== "arguments") return;
  const first = node.childForFieldName("parameters")?.namedChildren[0] ?? node.childForFieldName("parameter");
  const name = first?.type === "identifier" ? first.text : first?.childForFieldName("pattern")?.text;
  if (!name || !/^(?:err|error)$/i.test(name)) return;
  const body = node.childForFieldName("body");
  if (!body || body.descendantsOfType("identifier").some((id) => id.text === name)) return;
  const at = changedLine(file, node);
  if (at === undefined || at !== node.startPosition.row + 1) return;
  out.push(
    makeFinding(file, at, {
      ruleId: "review/ignored-error",
      severity: "Medium",
      title: `Callback ignores its \`${name}\` argument`,
      message: `The callback receives \`${name}\` but never reads it, so a failure is treated like success.`,
      recommendation: `Check \`${name}\` first (\`if (${name}) return handle(${name});\`) or use the promise API and await it inside try/catch.`,
      cwe: 252,
    }),
  );
}

const PY_UNCHECKED_EXIT = /^(?:subprocess\.(?:call|run|Popen)|os\.system)$/;

function pythonIgnoredExit(file: ReviewFile, node: SyntaxNode, out: Finding[]): void {
  if (node.type !== "expression_statement") return;
  const call = node.namedChildren[0];
  if (call?.type !== "call") return;
  const callee = call.childForFieldName("function")?.text ?? "";
  if (!PY_UNCHECKED_EXIT.test(callee)) return;
  if (callee === "subprocess.run" && /\bcheck\s*=\s*True\b/.test(call.text)) return;
  const at = node.startPosition.row + 1;
  if (!file.added.has(at)) return;
  out.push(
    makeFinding(file, at, {
      ruleId: "review/ignored-error",
      severity: "Low",
      title: `Exit status of \`${callee}\` ignored`,
      message: `The result of \`${callee}(...)\` is discarded, so a failing command goes unnoticed.`,
      recommendation: "Use `subprocess.run([...], check=True)` (raises on failure) or inspect `returncode`.",
      cwe: 252,
    }),
  );
}

export function errorHandlingFindings(ctx: ReviewContext): Finding[] {
  const findings: Finding[] = [];
  for (const file of ctx.files) {
    if (!file.analysable || file.added.size === 0) continue;
    const python = file.language === "python";
    file.forEachChangedNode((node) => {
      if (python) {
        if (node.type === "except_clause") pythonExcept(file, node, findings);
        else pythonIgnoredExit(file, node, findings);
        return;
      }
      if (node.type === "catch_clause") jsCatch(file, node, findings);
      else if (node.type === "call_expression") jsCall(file, node, findings);
      else jsIgnoredCallbackError(file, node, findings);
    });
  }
  return findings;
}
