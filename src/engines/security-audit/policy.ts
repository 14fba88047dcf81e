// What the audit does with findings after analysis, per project and per run:
// test, example and fixture code is demoted (or kept, or skipped), and the
// user's --min-confidence / --severity filters apply. Runs after the cache,
// so changing a filter never re-analyses a file.
import { CONFIDENCES, type Confidence, type Finding, parseSeverity, SEVERITIES, type Severity, severityRank } from "../../protocol/finding.js";
import { ConfigError } from "../../runtime/config.js";

export const TEST_MODES = ["include", "demote", "skip"] as const;
export type TestMode = (typeof TEST_MODES)[number];

// Directories and file names that hold tests, examples, fixtures and demos by
// the conventions of pytest, unittest, Jest, Mocha, Vitest and Storybook.
const TEST_DIR = /(^|\/)(tests?|__tests__|__mocks__|__fixtures__|specs?|testing|test[-_]?utils|fixtures?|examples?|samples?|demos?|e2e|cypress|stories)\//i;
const TEST_FILE = /(^|\/)(test_[^/]*\.py|[^/]*_tests?\.py|conftest\.py|[^/]*\.(test|spec|stories|e2e)\.[cm]?[jt]sx?)$/i;

/** Whether a workspace-relative path is test, example or fixture code. */
export function isTestCode(file: string): boolean {
  return TEST_DIR.test(file) || TEST_FILE.test(file);
}

export function parseTestMode(value: unknown, source = "config audit.tests"): TestMode {
  if (value === undefined) return "demote";
  if (typeof value === "string" && (TEST_MODES as readonly string[]).includes(value)) return value as TestMode;
  throw new ConfigError(`${source}: ${JSON.stringify(value)} is not one of ${TEST_MODES.join(", ")}; use demote (the default) to report test code at Low`);
}

export function parseConfidence(value: string, source = "--min-confidence"): Confidence {
  const v = value.trim().toLowerCase();
  const hit = CONFIDENCES.find((c) => c.toLowerCase() === v);
  if (!hit) throw new ConfigError(`${source} ${value}: unknown confidence: use one of ${CONFIDENCES.join(", ")}`);
  return hit;
}

/** "High", "high,medium" or "Medium+" (that severity and above). */
export function parseSeverities(value: string, source = "--severity"): Severity[] {
  const out = new Set<Severity>();
  for (const part of value.split(",").map((p) => p.trim()).filter(Boolean)) {
    const atLeast = part.endsWith("+");
    const s = parseSeverity(atLeast ? part.slice(0, -1) : part);
    if (!s) throw new ConfigError(`${source} ${value}: unknown severity "${part}": use ${SEVERITIES.join(", ")}, a comma list, or e.g. Medium+`);
    if (atLeast) for (const x of SEVERITIES) if (severityRank(x) >= severityRank(s)) out.add(x);
    out.add(s);
  }
  if (out.size === 0) throw new ConfigError(`${source}: give at least one severity (${SEVERITIES.join(", ")})`);
  return [...out];
}

const CONFIDENCE_RANK: Record<Confidence, number> = { High: 3, Medium: 2, Low: 1 };

export function confidenceRank(c: Confidence | undefined): number {
  return c ? CONFIDENCE_RANK[c] : CONFIDENCE_RANK.High;
}

export interface FindingPolicy {
  tests: TestMode;
  minConfidence?: Confidence;
  severities?: Severity[];
}

/**
 * Test code is still attacker-free code run by developers: what it does is
 * worth knowing (a real key in a fixture leaks all the same) but it is not
 * the product's attack surface, so its findings drop to Low with a tag.
 */
export function applyPolicy(findings: Finding[], policy: FindingPolicy): Finding[] {
  const out: Finding[] = [];
  // A file's findings come together: its two path tests run once per run of the same file.
  let lastFile: string | undefined;
  let lastIsTest = false;
  for (const f of findings) {
    let finding = f;
    if (f.file !== lastFile) {
      lastFile = f.file;
      lastIsTest = isTestCode(f.file);
    }
    if (lastIsTest) {
      if (policy.tests === "skip") continue;
      if (policy.tests === "demote") {
        finding = {
          ...f,
          severity: severityRank(f.severity) > severityRank("Low") ? "Low" : f.severity,
          properties: { ...f.properties, testCode: true, ...(f.severity !== "Low" && f.severity !== "Info" ? { severityOutsideTests: f.severity } : {}) },
        };
      }
    }
    if (policy.minConfidence && confidenceRank(finding.confidence) < CONFIDENCE_RANK[policy.minConfidence]) continue;
    if (policy.severities && !policy.severities.includes(finding.severity)) continue;
    out.push(finding);
  }
  return out;
}
