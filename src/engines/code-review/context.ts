// What every check sees: the change, both sides of each file (text, syntax
// tree, functions, computed once), the thresholds, and one way to build a
// finding so that locations and snippets look the same everywhere.
import { z } from "zod";
import { type Language, languageForPath, parseSource, type SyntaxNode, type Tree } from "../../lang/parsers.js";
import type { Finding, Severity } from "../../protocol/finding.js";
import type { ChangeSet, ChangedFile } from "./change.js";
import { splitLines } from "./diff.js";
import { extractFunctions, type FunctionUnit } from "./functions.js";
import { matchPriorVersions } from "./renames.js";

const positive = z.number().int().positive();

/** `review:` in the project config; every threshold has SonarSource-like defaults. */
export const reviewSettingsSchema = z
  .object({
    maxCognitive: positive.default(15),
    maxCyclomatic: positive.default(10),
    /** A raise of at least this much is reported even below the thresholds. */
    complexityRaise: positive.default(5),
    maxFunctionLines: positive.default(60),
    maxFileLines: positive.default(500),
    maxNesting: positive.default(4),
    maxParams: positive.default(5),
    minCloneTokens: positive.default(50),
    minCloneLines: positive.default(5),
    /** More untested new exports than this are folded into one finding listing them all. */
    maxUntestedExportFindings: positive.default(3),
    /** Run the project's ESLint / ruff / flake8 when it configures them. */
    linters: z.boolean().default(true),
    /** Fold in the security engine's findings on changed lines. */
    security: z.boolean().default(true),
  })
  .strict();

export type ReviewSettings = z.infer<typeof reviewSettingsSchema>;

export function parseReviewSettings(raw: unknown, source: string): ReviewSettings {
  const parsed = reviewSettingsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path.join(".") || (issue && "keys" in issue ? String((issue as { keys: string[] }).keys[0]) : "");
  throw new Error(
    `${source}: review.${key}: ${issue?.message ?? "invalid"}: use one of ${Object.keys(reviewSettingsSchema.shape).join(", ")} with a positive integer (or true/false for linters, security)`,
  );
}

/** Largest file parsed; bigger ones are listed as errors, not analysed. */
const MAX_PARSE_BYTES = 1024 * 1024;

export class ReviewFile {
  readonly language: Language | undefined;
  readonly isTest: boolean;
  private trees = new Map<"old" | "new", Tree | undefined>();
  private units = new Map<"old" | "new", FunctionUnit[]>();
  private lines: string[] | undefined;
  private priors: Map<FunctionUnit, FunctionUnit> | undefined;
  private sortedAdded: number[] | undefined;

  constructor(
    readonly change: ChangedFile,
    readonly newText: string | undefined,
    readonly oldText: string | undefined,
  ) {
    this.language = languageForPath(change.path);
    this.isTest = isTestPath(change.path);
  }

  get path(): string {
    return this.change.path;
  }

  get added(): Set<number> {
    return this.change.patch.addedLines;
  }

  /** Parsable source on at least the new side. */
  get analysable(): boolean {
    return this.language !== undefined && this.newText !== undefined && this.newText.length <= MAX_PARSE_BYTES;
  }

  newLines(): string[] {
    this.lines ??= this.newText === undefined ? [] : splitLines(this.newText);
    return this.lines;
  }

  tree(side: "old" | "new"): Tree | undefined {
    if (!this.trees.has(side)) {
      const text = side === "new" ? this.newText : this.oldText;
      const usable = this.language && text !== undefined && text.length <= MAX_PARSE_BYTES;
      this.trees.set(side, usable ? parseSource(this.language!, text!) : undefined);
    }
    return this.trees.get(side);
  }

  functions(side: "old" | "new"): FunctionUnit[] {
    let list = this.units.get(side);
    if (!list) {
      const tree = this.tree(side);
      list = tree && this.language ? extractFunctions(tree, this.language) : [];
      this.units.set(side, list);
    }
    return list;
  }

  /** The old-side function a new-side one continues: same name, or renamed with a nearly equal body. */
  priorVersion(unit: FunctionUnit): FunctionUnit | undefined {
    this.priors ??= matchPriorVersions(
      { units: this.functions("old"), lines: this.oldText === undefined ? [] : splitLines(this.oldText) },
      { units: this.functions("new"), lines: this.newLines() },
    );
    return this.priors.get(unit);
  }

  /** The new-side function an old-side one was renamed to, if it was. */
  renamedTo(prior: FunctionUnit): FunctionUnit | undefined {
    for (const unit of this.functions("new")) {
      if (unit.name !== prior.name && this.priorVersion(unit) === prior) return unit;
    }
    return undefined;
  }

  private addedSorted(): number[] {
    this.sortedAdded ??= [...this.added].sort((a, b) => a - b);
    return this.sortedAdded;
  }

  /** Index of the first added line >= line (binary search). */
  private firstAddedIndexFrom(line: number): number {
    const sorted = this.addedSorted();
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (sorted[mid]! < line) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Added lines within [start, end], ascending. */
  addedBetween(start: number, end: number): number[] {
    const sorted = this.addedSorted();
    const lines: number[] = [];
    for (let i = this.firstAddedIndexFrom(start); i < sorted.length && sorted[i]! <= end; i++) lines.push(sorted[i]!);
    return lines;
  }

  touches(start: number, end: number): boolean {
    const sorted = this.addedSorted();
    const index = this.firstAddedIndexFrom(start);
    return index < sorted.length && sorted[index]! <= end;
  }

  firstAddedLine(): number {
    return this.addedSorted()[0] ?? 0;
  }

  /** Visits the new-side syntax nodes that overlap added lines, outermost first. */
  forEachChangedNode(visit: (node: SyntaxNode) => void): void {
    const tree = this.tree("new");
    if (!tree || this.added.size === 0) return;
    const walk = (node: SyntaxNode): void => {
      if (!this.touches(node.startPosition.row + 1, node.endPosition.row + 1)) return;
      visit(node);
      for (const child of node.namedChildren) walk(child);
    };
    walk(tree.rootNode);
  }
}

export interface ReviewContext {
  root: string;
  change: ChangeSet;
  files: ReviewFile[];
  settings: ReviewSettings;
  signal: AbortSignal;
  log(message: string): void;
}

const TEST_PATH =
  /(?:^|\/)(?:tests?|__tests__|specs?|e2e)\/|\.(?:test|spec|e2e)\.[cm]?[jt]sx?$|(?:^|\/)test_[^/]*\.py$|_test\.py$|(?:^|\/)conftest\.py$/;

export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

export interface FindingInit {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  recommendation: string;
  endLine?: number;
  column?: number;
  cwe?: number;
  properties?: Record<string, unknown>;
}

export function makeFinding(file: ReviewFile | string, line: number, init: FindingInit): Finding {
  const path = typeof file === "string" ? file : file.path;
  const snippet = typeof file !== "string" && line > 0 ? file.newLines()[line - 1]?.trim().slice(0, 200) : undefined;
  return {
    ruleId: init.ruleId,
    title: init.title,
    severity: init.severity,
    file: path,
    line,
    endLine: init.endLine ?? line,
    message: init.message,
    recommendation: init.recommendation,
    ...(init.column !== undefined ? { column: init.column } : {}),
    ...(init.cwe !== undefined ? { cwe: init.cwe } : {}),
    ...(snippet ? { snippet } : {}),
    ...(init.properties ? { properties: init.properties } : {}),
  };
}
