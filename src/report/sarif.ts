// SARIF 2.1.0, one run, the shape GitHub code scanning reads: rules with
// help, CWE/OWASP tags, precision and security-severity; results with
// %SRCROOT%-relative URIs, data-flow traces as codeFlows, and bgr's own
// fingerprint. The machine's absolute path never goes into the file: the
// upload resolves %SRCROOT% against the checkout. primaryLocationLineHash is
// left to GitHub's upload, which computes it from the file's text.
import type { EngineResult, TaskKind } from "../engines/types.js";
import { sortFindings, type Finding, type Severity } from "../protocol/finding.js";
import { VERSION } from "../version.js";
import { FINGERPRINT_KEY, fingerprintsOf } from "./fingerprint.js";
import { ruleHelp } from "./rule-help.js";

export interface SarifInput {
  kind: TaskKind;
  result: EngineResult;
  /** Absolute workspace root. Deliberately not written: %SRCROOT% is wherever the reader checked the code out. */
  root?: string;
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  High: "error",
  Medium: "warning",
  Low: "note",
  Info: "note",
};

/** CodeQL's vocabulary, which GitHub shows for non-security alerts. */
const PROBLEM_SEVERITY: Record<Severity, "error" | "warning" | "recommendation"> = {
  High: "error",
  Medium: "warning",
  Low: "recommendation",
  Info: "recommendation",
};

// GitHub maps security-severity to critical/high/medium/low at 9/7/4/0.1.
const SECURITY_SEVERITY: Record<Severity, string> = { High: "8.0", Medium: "5.5", Low: "3.0", Info: "0.0" };

const PRECISION = { High: "high", Medium: "medium", Low: "low" } as const;

/** One upload per kind: an audit upload and a review upload must not replace each other's alerts. */
export const AUTOMATION_CATEGORY: Record<TaskKind, string> = {
  "security-audit": "bgr/audit/",
  "code-review": "bgr/review/",
  "coverage-analysis": "bgr/coverage/",
  llm: "bgr/llm/",
};

function camelName(ruleId: string): string {
  return ruleId.replace(/^[^A-Za-z]+/, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""));
}

function ruleFor(finding: Finding, kind: TaskKind) {
  const help = ruleHelp(finding);
  const isSecurity = help.cwe !== undefined || help.owasp !== undefined || kind === "security-audit";
  const tags = [
    ...(isSecurity ? ["security"] : []),
    kind,
    ...(help.cwe !== undefined ? [`external/cwe/cwe-${help.cwe}`] : []),
    ...alsoCwe(finding).map((cwe) => `external/cwe/cwe-${cwe}`),
    ...(help.owasp ? [`external/owasp/${help.owasp}`] : []),
  ];
  return {
    id: finding.ruleId,
    name: camelName(finding.ruleId) || finding.ruleId,
    shortDescription: { text: help.title },
    fullDescription: { text: help.description },
    help: { text: help.text, markdown: help.markdown },
    ...(help.helpUri ? { helpUri: help.helpUri } : {}),
    defaultConfiguration: { level: LEVEL[help.severity] },
    properties: {
      tags,
      "problem.severity": PROBLEM_SEVERITY[help.severity],
      ...(isSecurity ? { "security-severity": SECURITY_SEVERITY[help.severity] } : {}),
      ...(help.confidence ? { precision: PRECISION[help.confidence] } : {}),
    },
  };
}

/** Secondary CWEs a finding is also an instance of (security audit: `properties.alsoCwe`). */
function alsoCwe(finding: Finding): number[] {
  const list = finding.properties?.alsoCwe;
  return Array.isArray(list) ? list.filter((c): c is number => typeof c === "number") : [];
}

function region(line: number, endLine: number, column?: number, endColumn?: number, snippet?: string) {
  if (line < 1) return undefined;
  return {
    startLine: line,
    endLine: Math.max(line, endLine),
    ...(column ? { startColumn: column } : {}),
    // A same-line end before the start is not a region SARIF viewers accept.
    ...(endColumn && !(endLine <= line && column && endColumn < column) ? { endColumn } : {}),
    ...(snippet ? { snippet: { text: snippet } } : {}),
  };
}

/** A workspace-relative path as a relative URI reference: each segment percent-encoded, slashes kept. */
export function relativeUri(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

function physicalLocation(file: string, reg?: ReturnType<typeof region>) {
  return {
    physicalLocation: {
      artifactLocation: { uri: relativeUri(file), uriBaseId: "%SRCROOT%" },
      ...(reg ? { region: reg } : {}),
    },
  };
}

export function buildSarif(input: SarifInput): Record<string, unknown> {
  const findings = sortFindings([...input.result.findings]);
  const fingerprints = fingerprintsOf(findings);
  const rules: ReturnType<typeof ruleFor>[] = [];
  const ruleIndex = new Map<string, number>();
  for (const f of findings) {
    if (!ruleIndex.has(f.ruleId)) {
      ruleIndex.set(f.ruleId, rules.length);
      rules.push(ruleFor(f, input.kind));
    }
  }
  const results = findings.map((f, i) => ({
    ruleId: f.ruleId,
    ruleIndex: ruleIndex.get(f.ruleId),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [physicalLocation(f.file, region(f.line, f.endLine, f.column, f.endColumn, f.snippet))],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprints[i]! },
    ...(f.trace?.length
      ? {
          codeFlows: [
            {
              threadFlows: [
                {
                  locations: f.trace.map((step) => ({
                    location: { ...physicalLocation(step.file, region(step.line, step.line)), message: { text: step.note } },
                  })),
                },
              ],
            },
          ],
        }
      : {}),
    properties: {
      severity: f.severity,
      ...(f.cwe !== undefined ? { cwe: f.cwe } : {}),
      ...(f.owasp ? { owasp: f.owasp } : {}),
      ...(f.confidence ? { confidence: f.confidence } : {}),
      // Test, example and fixture code: reported, but a reader filters it apart.
      ...(f.properties?.testCode === true ? { tags: ["test-code"] } : {}),
    },
  }));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "bgr",
            version: VERSION,
            semanticVersion: VERSION,
            rules,
          },
        },
        automationDetails: { id: AUTOMATION_CATEGORY[input.kind] },
        // No uri: the base is wherever the repository is checked out (the upload's checkout path).
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "The root of the analysed workspace." } } },
        results,
        invocations: [
          {
            executionSuccessful: !input.result.blockers?.length,
            toolExecutionNotifications: input.result.errors.map((e) => ({
              level: "warning",
              message: { text: e.message },
              ...(e.file ? { locations: [physicalLocation(e.file, e.line ? region(e.line, e.line) : undefined)] } : {}),
            })),
          },
        ],
      },
    ],
  };
}

export function renderSarif(input: SarifInput): string {
  return `${JSON.stringify(buildSarif(input), null, 2)}\n`;
}
