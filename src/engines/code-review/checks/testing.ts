// Does the change come with tests? Two questions a reviewer always asks:
// was any test touched at all, and is each new public function referred to
// by some test in the repository (on the new side of the change).
import type { Finding } from "../../../protocol/finding.js";
import { makeFinding, type ReviewContext, type ReviewFile } from "../context.js";
import type { FunctionUnit } from "../functions.js";
import { gitMaybe } from "../git.js";
import { scriptLike } from "./leftovers.js";

/** Start lines of Python functions that carry a decorator. */
function decoratedLines(file: ReviewFile): Set<number> {
  const lines = new Set<number>();
  for (const node of file.tree("new")?.rootNode.descendantsOfType("decorated_definition") ?? []) {
    const definition = node.childForFieldName("definition");
    if (definition) lines.add(definition.startPosition.row + 1);
  }
  return lines;
}

// git pathspecs for the test-file conventions isTestPath recognises.
const TEST_PATHSPECS = [
  ":(glob)**/test/**",
  ":(glob)**/tests/**",
  ":(glob)**/__tests__/**",
  ":(glob)**/spec/**",
  ":(glob)**/*.test.*",
  ":(glob)**/*.spec.*",
  ":(glob)**/test_*.py",
  ":(glob)**/*_test.py",
];

/** Names (of those asked) that occur as whole words in some test file on the new side. */
async function namesUsedInTests(ctx: ReviewContext, names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const where =
    ctx.change.mode === "range" ? [ctx.change.head!] : ctx.change.mode === "staged" ? ["--cached"] : ["--untracked"];
  const patterns = names.flatMap((name) => ["-e", name]);
  // Exit status 1 means "no match": not an error here.
  const out = await gitMaybe(ctx.root, ["grep", "-I", "-F", "-w", "-o", "-h", "--no-color", ...patterns, ...where, "--", ...TEST_PATHSPECS], ctx.signal);
  const found = new Set<string>();
  for (const line of (out ?? "").split("\n")) {
    // In range mode git prefixes each match with "<commit>:"; -h drops the path only.
    const word = line.includes(":") ? line.slice(line.lastIndexOf(":") + 1) : line;
    if (word) found.add(word);
  }
  return found;
}

export async function testingFindings(ctx: ReviewContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  // Files reviewed in full are not a change: "no test touched" would be meaningless.
  if (ctx.change.mode === "files") return findings;
  // Scripts, benchmarks and examples are run, not unit-tested.
  const sources = ctx.files.filter((file) => file.language && !file.isTest && !scriptLike(file) && file.change.status !== "deleted" && file.added.size > 0);
  const testsTouched = ctx.files.some((file) => file.isTest && file.change.status !== "deleted" && file.added.size > 0);
  if (sources.length > 0 && !testsTouched) {
    const first = sources[0]!;
    const names = sources.map((file) => `\`${file.path}\``);
    findings.push(
      makeFinding(first, first.firstAddedLine(), {
        ruleId: "review/no-tests",
        severity: "Low",
        title: "Source changed, no test touched",
        message: `The change edits ${sources.length} source file(s) (${names.slice(0, 10).join(", ")}${names.length > 10 ? ", …" : ""}) and adds or changes no test.`,
        recommendation: "Add or update a test that fails without this change and passes with it; if the change needs none (pure refactor), say so in the description.",
        properties: { files: sources.map((file) => file.path) },
      }),
    );
  }

  // A function moved from one changed file to another is not new API.
  const exportedBefore = new Set(ctx.files.flatMap((file) => (file.analysable && file.oldText !== undefined ? file.functions("old") : []).filter((unit) => unit.exported).map((unit) => unit.name)));
  const newExports = sources.flatMap((file) => {
    // Scripts and examples are run, not imported; decorated Python functions are called by a framework.
    if (!file.analysable || scriptLike(file)) return [];
    const decorated = file.language === "python" ? decoratedLines(file) : new Set<number>();
    const existing = new Set(file.functions("old").filter((unit) => unit.exported).map((unit) => unit.name));
    return file
      .functions("new")
      .filter((unit) => unit.exported && !unit.name.includes(".") && !existing.has(unit.name) && !exportedBefore.has(unit.name) && file.added.has(unit.startLine) && !decorated.has(unit.startLine))
      .map((unit) => ({ file, unit, word: unit.name.split(".").pop()! }))
      .filter((entry) => /^[A-Za-z_$][\w$]*$/.test(entry.word) && entry.word !== "default" && !entry.word.startsWith("__"));
  });
  const referenced = await namesUsedInTests(ctx, [...new Set(newExports.map((entry) => entry.word))]);
  const untested = newExports.filter((entry) => !referenced.has(entry.word));
  if (untested.length > ctx.settings.maxUntestedExportFindings) {
    findings.push(untestedSummary(untested));
    return findings;
  }
  for (const { file, unit, word } of untested) {
    findings.push(
      makeFinding(file, unit.startLine, {
        ruleId: "review/untested-export",
        severity: "Low",
        title: `New exported \`${unit.name}\` has no test`,
        message: `\`${unit.name}\` is new public API, and no test file in the repository mentions \`${word}\`.`,
        recommendation: `Add a test that calls \`${word}\` with a normal case and an edge case (empty input, error path).`,
        properties: { function: unit.name },
      }),
    );
  }
  return findings;
}

/** Names spelled out in the message of the folded finding; all of them are in its properties. */
const NAMES_IN_MESSAGE = 30;

interface UntestedExport { file: ReviewFile; unit: FunctionUnit; word: string }

/**
 * On a large change one finding per untested export buries everything else
 * in the report; past the threshold they become one finding that still
 * carries every name and location in its properties.
 */
function untestedSummary(untested: UntestedExport[]): Finding {
  const first = untested[0]!;
  const fileCount = new Set(untested.map((entry) => entry.file.path)).size;
  const names = untested.map((entry) => `\`${entry.unit.name}\``);
  const shown = names.slice(0, NAMES_IN_MESSAGE).join(", ") + (names.length > NAMES_IN_MESSAGE ? `, and ${names.length - NAMES_IN_MESSAGE} more` : "");
  return makeFinding(first.file, first.unit.startLine, {
    ruleId: "review/untested-export",
    severity: "Low",
    title: `${untested.length} new exported functions have no test`,
    message: `The change adds ${untested.length} exported functions in ${fileCount} file(s) that no test file in the repository mentions: ${shown}.`,
    recommendation: "Start with the functions other modules call most, or the ones with error paths: give each a test with a normal case and an edge case.",
    properties: {
      functions: untested.map((entry) => ({ name: entry.unit.name, file: entry.file.path, line: entry.unit.startLine })),
    },
  });
}
