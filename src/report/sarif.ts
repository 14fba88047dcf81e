// SARIF 2.1.0, one run, the shape GitHub code scanning and most viewers read:
// rules carry CWE tags and a security-severity, results carry workspace-
// relative URIs against %SRCROOT%, data-flow traces become codeFlows.
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { EngineResult, TaskKind } from "../engines/types.js";
import { compareFindings, type Finding, type Severity } from "../protocol/finding.js";
import { VERSION } from "../version.js";

export interface SarifInput {
  kind: TaskKind;
  result: EngineResult;
  /** Absolute workspace root, recorded as %SRCROOT%. */
  root: string;
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  High: "error",
  Medium: "warning",
  Low: "note",
  Info: "note",
};

// GitHub maps security-severity to critical/high/medium/low at 9/7/4/0.1.
const SECURITY_SEVERITY: Record<Severity, string> = { High: "8.0", Medium: "5.5", Low: "3.0", Info: "0.0" };

function ruleFor(finding: Finding, kind: TaskKind) {
  const tags: string[] = [kind];
  const isSecurity = finding.cwe !== undefined || finding.owasp !== undefined || kind === "security-audit";
  if (isSecurity) tags.unshift("security");
  if (finding.cwe !== undefined) tags.push(`external/cwe/cwe-${finding.cwe}`);
  for (const cwe of alsoCwe(finding)) tags.push(`external/cwe/cwe-${cwe}`);
  if (finding.owasp) tags.push(`owasp/${finding.owasp}`);
  return {
    id: finding.ruleId,
    name: finding.ruleId.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")),
    shortDescription: { text: finding.title },
    help: { text: finding.recommendation },
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: {
      tags,
      ...(isSecurity ? { "security-severity": SECURITY_SEVERITY[finding.severity] } : {}),
      ...(finding.confidence ? { precision: finding.confidence === "High" ? "high" : finding.confidence === "Medium" ? "medium" : "low" } : {}),
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
    ...(endColumn ? { endColumn } : {}),
    ...(snippet ? { snippet: { text: snippet } } : {}),
  };
}

function physicalLocation(file: string, reg?: ReturnType<typeof region>) {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(file), uriBaseId: "%SRCROOT%" },
      ...(reg ? { region: reg } : {}),
    },
  };
}

export function buildSarif(input: SarifInput): Record<string, unknown> {
  const findings = [...input.result.findings].sort(compareFindings);
  const rules: ReturnType<typeof ruleFor>[] = [];
  const ruleIndex = new Map<string, number>();
  for (const f of findings) {
    if (!ruleIndex.has(f.ruleId)) {
      ruleIndex.set(f.ruleId, rules.length);
      rules.push(ruleFor(f, input.kind));
    }
  }
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: ruleIndex.get(f.ruleId),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [physicalLocation(f.file, region(f.line, f.endLine, f.column, f.endColumn, f.snippet))],
    partialFingerprints: {
      primaryLocationLineHash: createHash("sha256")
        .update(`${f.ruleId}\0${f.file}\0${(f.snippet ?? "").trim() || f.line}`)
        .digest("hex")
        .slice(0, 32),
    },
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
  const root = pathToFileURL(input.root.endsWith("/") ? input.root : `${input.root}/`).href;
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "bgr", version: VERSION, semanticVersion: VERSION, rules } },
        originalUriBaseIds: { "%SRCROOT%": { uri: root } },
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
