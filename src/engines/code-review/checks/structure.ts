// Size and shape of the functions the change touched, compared with the same
// function before the change (matched by qualified name, or by a nearly equal
// body when the change renamed it). A function that
// was already complex and did not get worse is not the change's fault and is
// not reported.
import type { Finding } from "../../../protocol/finding.js";
import { makeFinding, type ReviewContext, type ReviewFile } from "../context.js";
import type { FunctionUnit } from "../functions.js";

function describeRaise(label: string, after: number, before: number | undefined, limit: number): string {
  const was = before === undefined ? "" : ` (was ${before}, ${after - before >= 0 ? "+" : ""}${after - before})`;
  return `${label} complexity ${after}${was}, limit ${limit}`;
}

function complexityFinding(ctx: ReviewContext, file: ReviewFile, unit: FunctionUnit, before: FunctionUnit | undefined, line: number): Finding | undefined {
  const { maxCognitive, maxCyclomatic, complexityRaise } = ctx.settings;
  const rose = (after: number, prior: number | undefined) => prior === undefined || after > prior;
  const cognitiveOver = unit.cognitive > maxCognitive && rose(unit.cognitive, before?.cognitive);
  const cyclomaticOver = unit.cyclomatic > maxCyclomatic && rose(unit.cyclomatic, before?.cyclomatic);
  const bigRaise = before !== undefined && unit.cognitive - before.cognitive >= complexityRaise;
  if (!cognitiveOver && !cyclomaticOver && !bigRaise) return undefined;

  const measures = [
    describeRaise("cognitive", unit.cognitive, before?.cognitive, maxCognitive),
    describeRaise("cyclomatic", unit.cyclomatic, before?.cyclomatic, maxCyclomatic),
  ].join("; ");
  const over = cognitiveOver || cyclomaticOver;
  const renamed = before !== undefined && before.name !== unit.name ? ` (renamed from \`${before.name}\`)` : "";
  return makeFinding(file, line, {
    ruleId: before ? "review/complexity-increase" : "review/complex-function",
    severity: over ? "Medium" : "Low",
    title: before ? `Change raises the complexity of ${unit.name}` : `New function ${unit.name} is too complex`,
    message: `\`${unit.name}\`${renamed} (lines ${unit.startLine}-${unit.endLine}) ${before ? "now has" : "has"} ${measures}.`,
    recommendation: over
      ? `Split \`${unit.name}\`: move each branch-heavy step into a named helper, return early instead of nesting, and replace flag-driven conditionals with separate functions, until cognitive complexity is at most ${maxCognitive}.`
      : `Keep \`${unit.name}\` from growing: extract the newly added branches into a helper with a descriptive name.`,
    endLine: unit.endLine,
    properties: {
      function: unit.name,
      ...(renamed ? { renamedFrom: before!.name } : {}),
      cognitive: { before: before?.cognitive ?? null, after: unit.cognitive },
      cyclomatic: { before: before?.cyclomatic ?? null, after: unit.cyclomatic },
    },
  });
}

function shapeFindings(ctx: ReviewContext, file: ReviewFile, unit: FunctionUnit, before: FunctionUnit | undefined, line: number): Finding[] {
  const { maxFunctionLines, maxNesting, maxParams } = ctx.settings;
  const findings: Finding[] = [];
  const length = unit.endLine - unit.startLine + 1;
  const lengthBefore = before ? before.endLine - before.startLine + 1 : undefined;
  if (length > maxFunctionLines && (lengthBefore === undefined || length > lengthBefore)) {
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

export function structureFindings(ctx: ReviewContext): Finding[] {
  const findings: Finding[] = [];
  for (const file of ctx.files) {
    if (!file.analysable || file.added.size === 0) continue;
    for (const unit of file.functions("new")) {
      const touched = file.addedBetween(unit.startLine, unit.endLine);
      if (touched.length === 0) continue;
      const prior = file.priorVersion(unit);
      const complexity = complexityFinding(ctx, file, unit, prior, touched[0]!);
      if (complexity) findings.push(complexity);
      findings.push(...shapeFindings(ctx, file, unit, prior, touched[0]!));
    }
    const lineCount = file.newLines().length;
    const oldCount = file.oldText === undefined ? 0 : file.oldText.split("\n").length - (file.oldText.endsWith("\n") ? 1 : 0);
    if (lineCount > ctx.settings.maxFileLines && lineCount > oldCount) {
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
