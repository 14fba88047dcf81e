// Scoring of the security engine against the labeled corpus in
// test/fixtures/security/<language>/. Shared by test/security/corpus.test.ts
// (asserts every label) and bench/corpus-score.mjs (prints the table).
//
// Labels. A comment line standing alone directly above the target line:
//   # expect: CWE-89            (Python)   // expect: CWE-89, CWE-88   (JS/TS)
//   # safe: CWE-89              the next line looks dangerous but is not
//   {/* expect: CWE-79 */}      inside JSX, where a line comment cannot stand alone
// The target is the first following line that is not itself a label.
//
// Matching. A finding matches a label when the target line lies within
// [finding.line, finding.endLine] and finding.cwe is the labeled CWE or its
// twin (94/95, 327/328, 330/338, 259/798, 614/1004, 489/215 count as one).
// CWE-916 (weak password hash) and CWE-1336 (template injection) are scored
// on their own, not as twins of 328 and 79: the narrower CWE is the claim.
//
// Metrics, per canonical CWE (the smaller number of a twin pair names it):
//   recall    = expect labels matched / expect labels
//   flagged   = safe labels that some finding of that CWE matched
//   stray     = findings of that CWE matching no label at all
//   FP        = flagged + stray (every finding not backed by an expect label)
//   FP rate   = FP / (FP + safe labels not flagged), i.e. FP / (FP + TN) with
//               each unflagged safe label a true negative
//   precision = matched expect labels / (matched expect labels + FP)
// A finding without a CWE is stray under the pseudo-CWE 0. A Low-confidence
// finding on a line labeled safe is not a false positive (it claims no more).
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { Finding } from "../../src/protocol/finding.js";

export const CORPUS_LANGUAGES = ["python", "javascript", "typescript"] as const;
export type CorpusLanguage = (typeof CORPUS_LANGUAGES)[number];

const LANGUAGE_EXTENSIONS: Record<CorpusLanguage, readonly string[]> = {
  python: [".py"],
  javascript: [".js", ".mjs", ".cjs", ".jsx"],
  typescript: [".ts", ".tsx", ".mts", ".cts"],
};

const TWIN_CWES: ReadonlyArray<readonly [number, number]> = [
  [94, 95],
  [327, 328],
  [330, 338],
  [259, 798],
  [614, 1004],
  [215, 489],
];

const CANONICAL_CWE = new Map<number, number>();
for (const [a, b] of TWIN_CWES) {
  CANONICAL_CWE.set(a, Math.min(a, b));
  CANONICAL_CWE.set(b, Math.min(a, b));
}

export function canonicalCwe(cwe: number): number {
  return CANONICAL_CWE.get(cwe) ?? cwe;
}

/** "94/95" for a twin pair, "89" otherwise. */
export function cweLabel(canonical: number): string {
  const twin = TWIN_CWES.find(([a, b]) => Math.min(a, b) === canonical);
  return twin ? `${Math.min(...twin)}/${Math.max(...twin)}` : String(canonical);
}

export interface Label {
  kind: "expect" | "safe";
  /** Workspace-relative to the language folder, posix. */
  file: string;
  /** 1-based line of the label comment itself. */
  commentLine: number;
  /** 1-based line the label is about. */
  line: number;
  cwe: number;
}

// Inside JSX a line comment cannot stand alone, so `{/* expect: CWE-79 */}` is accepted too.
const LABEL_LINE = /^\s*(?:#|\/\/|\{?\/\*)\s*(expect|safe)\s*:\s*(CWE-\d+(?:\s*,\s*CWE-\d+)*)\s*(?:\*\/\}?)?\s*$/i;

/** Labels of one fixture file; throws on a label with nothing below it. */
export function parseLabels(file: string, source: string): Label[] {
  const lines = source.split(/\r?\n/);
  const labels: Label[] = [];
  for (let index = 0; index < lines.length; index++) {
    const match = LABEL_LINE.exec(lines[index]!);
    if (!match) continue;
    let target = index + 1;
    while (target < lines.length && LABEL_LINE.test(lines[target]!)) target++;
    if (target >= lines.length || lines[target]!.trim() === "") {
      throw new Error(`${file}:${index + 1}: label has no code line directly below it; put the label right above the line it describes`);
    }
    for (const cweText of match[2]!.split(",")) {
      labels.push({
        kind: match[1]!.toLowerCase() as Label["kind"],
        file,
        commentLine: index + 1,
        line: target + 1,
        cwe: Number(cweText.trim().slice(4)),
      });
    }
  }
  return labels;
}

/** Fixture files of one language, relative to its folder, sorted. */
export function listFixtureFiles(languageRoot: string, language: CorpusLanguage): string[] {
  const extensions = LANGUAGE_EXTENSIONS[language];
  const entries = readdirSync(languageRoot, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => relative(languageRoot, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}

export function loadLabels(languageRoot: string, files: string[]): Label[] {
  return files.flatMap((file) => parseLabels(file, readFileSync(join(languageRoot, file), "utf8")));
}

function covers(finding: Finding, label: Label): boolean {
  const end = Math.max(finding.endLine || finding.line, finding.line);
  return (
    finding.cwe !== undefined &&
    canonicalCwe(finding.cwe) === canonicalCwe(label.cwe) &&
    label.line >= finding.line &&
    label.line <= end
  );
}

export interface Miss {
  file: string;
  line: number;
  cwe: number;
}

export interface FalsePositive {
  file: string;
  line: number;
  cwe: number | undefined;
  ruleId: string;
  /** Set when the finding hit a line labeled safe. */
  safeLabelLine?: number;
}

export interface FileScore {
  file: string;
  labels: Label[];
  misses: Miss[];
  falsePositives: FalsePositive[];
}

/** Scores one fixture file: which expect labels were missed, which findings are false positives. */
export function scoreFile(file: string, labels: Label[], findings: Finding[]): FileScore {
  const own = findings.filter((finding) => finding.file === file);
  const expects = labels.filter((label) => label.kind === "expect");
  const safes = labels.filter((label) => label.kind === "safe");
  const misses = expects
    .filter((label) => !own.some((finding) => covers(finding, label)))
    .map((label) => ({ file, line: label.line, cwe: label.cwe }));
  const falsePositives: FalsePositive[] = [];
  for (const finding of own) {
    if (expects.some((label) => covers(finding, label))) continue;
    const safe = safes.find((label) => covers(finding, label));
    // A wherever-written pattern (a weak hash, Math.random, a cookie without Secure) is reported at
    // Low confidence where nothing makes it a security control: on a line labeled safe, that is the right answer.
    if (safe && finding.confidence === "Low") continue;
    falsePositives.push({
      file,
      line: finding.line,
      cwe: finding.cwe,
      ruleId: finding.ruleId,
      ...(safe ? { safeLabelLine: safe.line } : {}),
    });
  }
  return { file, labels, misses, falsePositives };
}

export function describeFileScore(score: FileScore): string {
  const lines: string[] = [];
  for (const miss of score.misses) {
    lines.push(`  missed  ${miss.file}:${miss.line}  CWE-${miss.cwe}`);
  }
  for (const fp of score.falsePositives) {
    const cwe = fp.cwe === undefined ? "no CWE" : `CWE-${fp.cwe}`;
    const where = fp.safeLabelLine === undefined ? "unlabeled line" : "line labeled safe";
    lines.push(`  false positive  ${fp.file}:${fp.line}  ${cwe}  (${fp.ruleId}, ${where})`);
  }
  return lines.join("\n");
}

export interface CweRow {
  cwe: string;
  expected: number;
  matched: number;
  safe: number;
  flaggedSafe: number;
  stray: number;
  recall: number | null;
  fpRate: number | null;
  precision: number | null;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Per-CWE rows (plus a final "all" row) over every scored file of every language. */
export function tabulate(scores: FileScore[]): CweRow[] {
  interface Tally { expected: number; matched: number; safe: number; flaggedSafe: number; stray: number }
  const tallies = new Map<number, Tally>();
  const tally = (cwe: number): Tally => {
    let entry = tallies.get(cwe);
    if (!entry) {
      entry = { expected: 0, matched: 0, safe: 0, flaggedSafe: 0, stray: 0 };
      tallies.set(cwe, entry);
    }
    return entry;
  };
  for (const score of scores) {
    const missed = new Set(score.misses.map((miss) => `${miss.line}:${miss.cwe}`));
    const flaggedSafe = new Set(
      score.falsePositives.filter((fp) => fp.safeLabelLine !== undefined && fp.cwe !== undefined)
        .map((fp) => `${fp.safeLabelLine}:${canonicalCwe(fp.cwe!)}`),
    );
    for (const label of score.labels) {
      const entry = tally(canonicalCwe(label.cwe));
      if (label.kind === "expect") {
        entry.expected++;
        if (!missed.has(`${label.line}:${label.cwe}`)) entry.matched++;
      } else {
        entry.safe++;
        if (flaggedSafe.has(`${label.line}:${canonicalCwe(label.cwe)}`)) entry.flaggedSafe++;
      }
    }
    for (const fp of score.falsePositives) {
      if (fp.safeLabelLine === undefined) tally(fp.cwe === undefined ? 0 : canonicalCwe(fp.cwe)).stray++;
    }
  }
  const row = (cwe: string, t: Tally): CweRow => {
    const falsePositives = t.flaggedSafe + t.stray;
    return {
      cwe,
      ...t,
      recall: ratio(t.matched, t.expected),
      fpRate: ratio(falsePositives, falsePositives + (t.safe - t.flaggedSafe)),
      precision: ratio(t.matched, t.matched + falsePositives),
    };
  };
  const rows = [...tallies.entries()]
    .sort(([a], [b]) => a - b)
    .map(([cwe, t]) => row(cwe === 0 ? "none" : cweLabel(cwe), t));
  const total = [...tallies.values()].reduce(
    (sum, t) => ({
      expected: sum.expected + t.expected,
      matched: sum.matched + t.matched,
      safe: sum.safe + t.safe,
      flaggedSafe: sum.flaggedSafe + t.flaggedSafe,
      stray: sum.stray + t.stray,
    }),
    { expected: 0, matched: 0, safe: 0, flaggedSafe: 0, stray: 0 },
  );
  rows.push(row("all", total));
  return rows;
}

function percent(value: number | null): string {
  return value === null ? "-" : `${(value * 100).toFixed(0)}%`;
}

/** A markdown table, ready for a terminal or a closing note. */
export function formatTable(rows: CweRow[]): string {
  const header = "| CWE | expected | found | recall | safe | flagged safe | stray | FP rate | precision |";
  const rule = "|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  const body = rows.map((r) =>
    `| ${r.cwe} | ${r.expected} | ${r.matched} | ${percent(r.recall)} | ${r.safe} | ${r.flaggedSafe} | ${r.stray} | ${percent(r.fpRate)} | ${percent(r.precision)} |`,
  );
  return [header, rule, ...body].join("\n");
}
