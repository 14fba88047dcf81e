// Size and shape of the functions the change touched, compared with the same
// function before the change (matched by qualified name, or by a nearly equal
// body when the change renamed it). A function that
// was already complex and did not get worse is not the change's fault and is
// not reported.
import { type Finding, severityRank } from "../../../protocol/finding.js";
import { makeFinding, type ReviewContext, type ReviewFile } from "../context.js";
import type { FunctionUnit } from "../functions.js";
import { code, lineSpan, signed } from "../messages.js";

/** Growth of an already too long function or file that is still the change's doing. */
export const FUNCTION_GROWTH_LINES = 20;
export const FILE_GROWTH_LINES = 100;

function describeMeasure(label: string, after: number, before: number | undefined, limit: number): string {
  const was = before === undefined || before === after ? "" : ` (was ${before}, ${signed(after - before)})`;
  return `${label} complexity ${after}${was}, limit ${limit}`;
}

/**
 * A new function over a limit is reported (Medium only when its cognitive
 * complexity is over: that is what readers feel); an existing one only when the
 * change pushes it over a limit or raises its cognitive complexity by at
 * least complexityRaise. A function that was already over and got a little
 * worse (a bug fix adding one condition) is not the change's fault.
 */
function complexityFinding(ctx: ReviewContext, file: ReviewFile, unit: FunctionUnit, before: FunctionUnit | undefined, line: number): Finding | undefined {
  const { maxCognitive, maxCyclomatic, complexityRaise } = ctx.settings;
  const over = unit.cognitive > maxCognitive || unit.cyclomatic > maxCyclomatic;
  let severity: "Medium" | "Low";
  if (!before) {
    if (!over) return undefined;
    // Cyclomatic complexity alone over-counts flat code (a switch of simple cases); it reads easily.
    severity = unit.cognitive > maxCognitive ? "Medium" : "Low";
  } else {
    const crossed = (unit.cognitive > maxCognitive && before.cognitive <= maxCognitive) || (unit.cyclomatic > maxCyclomatic && before.cognitive <= maxCognitive && before.cyclomatic <= maxCyclomatic);
    const raise = unit.cognitive - before.cognitive;
    if (!crossed && raise < complexityRaise) return undefined;
    // Medium when the change pushes it over with a real raise, or adds a whole function's worth to one already over.
    const wasOver = before.cognitive > maxCognitive;
    severity = over && raise >= complexityRaise && (!wasOver || raise >= maxCognitive) ? "Medium" : "Low";
  }

  const measures = [
    describeMeasure("cognitive", unit.cognitive, before?.cognitive, maxCognitive),
    describeMeasure("cyclomatic", unit.cyclomatic, before?.cyclomatic, maxCyclomatic),
  ].join("; ");
  const renamed = before !== undefined && before.name !== unit.name ? ` (renamed from ${code(before.name)})` : "";
  return makeFinding(file, line, {
    ruleId: before ? "review/complexity-increase" : "review/complex-function",
    severity,
    title: before ? `Change raises the complexity of ${unit.name}` : `New function ${unit.name} is too complex`,
    message: `${code(unit.name)}${renamed} (${lineSpan(unit.startLine, unit.endLine)}) ${before ? "now has" : "has"} ${measures}.`,
    recommendation: over
      ? `Split ${code(unit.name)}: move each branch-heavy step into a named helper, return early instead of nesting, and replace flag-driven conditionals with separate functions, until cognitive complexity is at most ${maxCognitive}.`
      : `Keep ${code(unit.name)} from growing: extract the newly added branches into a helper with a descriptive name.`,
    endLine: unit.endLine,
    properties: {
      function: unit.name,
      ...(renamed ? { renamedFrom: before!.name } : {}),
      cognitive: { before: before?.cognitive ?? null, after: unit.cognitive },
      cyclomatic: { before: before?.cyclomatic ?? null, after: unit.cyclomatic },
    },
  });
}

/** Over the limit because of the change: new and over, pushed over, or grown by at least `growth` while over. */
function grewPast(limit: number, after: number, before: number | undefined, growth: number): boolean {
  if (after <= limit) return false;
  return before === undefined || before <= limit || after - before >= growth;
}

function shapeFindings(ctx: ReviewContext, file: ReviewFile, unit: FunctionUnit, before: FunctionUnit | undefined, line: number): Finding[] {
  const { maxFunctionLines, maxNesting, maxParams } = ctx.settings;
  const findings: Finding[] = [];
  const length = unit.endLine - unit.startLine + 1;
  const lengthBefore = before ? before.endLine - before.startLine + 1 : undefined;
  if (grewPast(maxFunctionLines, length, lengthBefore, FUNCTION_GROWTH_LINES)) {
    findings.push(
      makeFinding(file, line, {
        ruleId: "review/long-function",
        severity: "Low",
        title: `${unit.name} is ${length} lines long`,
        message: `\`${unit.name}\` spans ${length} lines${lengthBefore !== undefined ? ` (was ${lengthBefore})` : ""}; the limit is ${maxFunctionLines}.`,
        recommendation: `Extract the added block into a well-named function so that \`${unit.name}\` reads as a short sequence of steps (at most ${maxFunctionLines} lines).`,
        properties: { function: unit.name, lines: length, linesBefore: lengthBefore ?? null },
      }),
    );
  }
  if (unit.maxNesting > maxNesting && (!before || unit.maxNesting > before.maxNesting)) {
    const where = file.added.has(unit.deepestLine) ? unit.deepestLine : line;
    findings.push(
      makeFinding(file, where, {
        ruleId: "review/deep-nesting",
        severity: "Low",
        title: `Nesting depth ${unit.maxNesting} in ${unit.name}`,
        message: `Control structures in \`${unit.name}\` are nested ${unit.maxNesting} deep${before ? ` (was ${before.maxNesting})` : ""}; the limit is ${maxNesting}.`,
        recommendation: "Flatten it: invert conditions and return or continue early, and move the innermost loop body into its own function.",
        properties: { function: unit.name, nesting: unit.maxNesting, nestingBefore: before?.maxNesting ?? null },
      }),
    );
  }
  if (unit.params > maxParams && file.added.has(unit.signatureLine) && (!before || unit.params > before.params)) {
    findings.push(
      makeFinding(file, unit.signatureLine, {
        ruleId: "review/long-parameter-list",
        severity: "Low",
        title: `${unit.name} takes ${unit.params} parameters`,
        message: `\`${unit.name}\` takes ${unit.params} parameters${before ? ` (was ${before.params})` : ""}; the limit is ${maxParams}.`,
        recommendation: "Group the related parameters into one options object (or a dataclass in Python) so call sites name what they pass.",
        properties: { function: unit.name, params: unit.params },
      }),
    );
  }
  return findings;
}

/**
 * A function that is too complex is usually also too long or too deeply
 * nested: one cause, one finding. The shape findings become a sentence of the
 * complexity finding (their rule ids stay in its properties).
 */
function foldShapes(complexity: Finding, shapes: Finding[]): Finding {
  if (shapes.length === 0) return complexity;
  const severity = shapes.some((shape) => severityRank(shape.severity) > severityRank(complexity.severity)) ? shapes[0]!.severity : complexity.severity;
  return {
    ...complexity,
    severity,
    message: `${complexity.message} Also: ${shapes.map((shape) => shape.message.replace(/\.$/, "")).join("; ")}.`,
    properties: { ...complexity.properties, alsoReported: shapes.map((shape) => shape.ruleId) },
  };
}

export function structureFindings(ctx: ReviewContext): Finding[] {
  const findings: Finding[] = [];
  for (const file of ctx.files) {
    if (!file.analysable || file.added.size === 0) continue;
    for (const unit of file.functions("new")) {
      const touched = file.addedBetween(unit.startLine, unit.endLine);
      if (touched.length === 0) continue;
      const prior = file.priorVersion(unit);
      const complexity = complexityFinding(ctx, file, unit, prior, touched[0]!);
      const shapes = shapeFindings(ctx, file, unit, prior, touched[0]!);
      if (complexity) findings.push(foldShapes(complexity, shapes));
      else findings.push(...shapes);
    }
    const lineCount = file.newLines().length;
    const oldCount = file.oldText === undefined ? 0 : file.oldText.split("\n").length - (file.oldText.endsWith("\n") ? 1 : 0);
    if (grewPast(ctx.settings.maxFileLines, lineCount, file.oldText === undefined ? undefined : oldCount, FILE_GROWTH_LINES)) {
      findings.push(
        makeFinding(file, file.firstAddedLine(), {
          ruleId: "review/long-file",
          severity: "Low",
          title: `${file.path} grows to ${lineCount} lines`,
          message: `The file has ${lineCount} lines after the change (${oldCount} before); the limit is ${ctx.settings.maxFileLines}.`,
          recommendation: "Move the added code into a new module with one responsibility instead of growing this one.",
          properties: { lines: lineCount, linesBefore: oldCount },
        }),
      );
    }
  }
  return findings;
}
