// What a code-scanning alert shows under "Show more": the rule's description,
// the rule's own flagged / not-flagged examples (the same ones its tests run),
// the remediation and the CWE and OWASP pages. Security rules are data under
// rules/security; findings of other rules (review checks, coverage, secret
// formats) describe themselves through their title and recommendation.
import type { Finding } from "../protocol/finding.js";
import { compiledRulesPath, lastLoadedRules, loadRules, readCompiledRules } from "../engines/security-audit/compiled-rules.js";
import { rulesHash } from "../engines/security-audit/rule-files.js";
import type { RuleSet, RuleSpec } from "../engines/security-audit/rules.js";

const OWASP_2021: Record<string, string> = {
  A01: "A01_2021-Broken_Access_Control",
  A02: "A02_2021-Cryptographic_Failures",
  A03: "A03_2021-Injection",
  A04: "A04_2021-Insecure_Design",
  A05: "A05_2021-Security_Misconfiguration",
  A06: "A06_2021-Vulnerable_and_Outdated_Components",
  A07: "A07_2021-Identification_and_Authentication_Failures",
  A08: "A08_2021-Software_and_Data_Integrity_Failures",
  A09: "A09_2021-Security_Logging_and_Monitoring_Failures",
  A10: "A10_2021-Server-Side_Request_Forgery_%28SSRF%29",
};

export function cweUrl(cwe: number): string {
  return `https://cwe.mitre.org/data/definitions/${cwe}.html`;
}

export function owaspUrl(owasp: string): string | undefined {
  const page = OWASP_2021[owasp.slice(0, 3)];
  return page && owasp.endsWith(":2021") ? `https://owasp.org/Top10/${page}/` : undefined;
}

let ruleSpecs: Map<string, RuleSpec> | undefined;

const byId = (ruleSet: RuleSet): Map<string, RuleSpec> => new Map(ruleSet.rules.map((rule) => [rule.id, rule]));

/**
 * Loads the rules' help before a report is rendered, from the YAML when the
 * build's compiled rules are stale. The YAML parser and its validator load
 * only then: start-up must not pay for them when the compiled set is fresh.
 */
export async function prepareRuleHelp(): Promise<void> {
  if (ruleSpecs) return;
  try {
    ruleSpecs = byId(lastLoadedRules() ?? (await loadRules()));
  } catch {
    ruleSpecs = new Map();
  }
}

/**
 * The security rules by id: the set this process's audit ran with, else the
 * build's compiled set; empty when neither is at hand and prepareRuleHelp was
 * not awaited (the renderer then uses the finding's own text).
 */
function specsById(): Map<string, RuleSpec> {
  if (!ruleSpecs) {
    try {
      const ruleSet = lastLoadedRules() ?? readCompiledRules(compiledRulesPath(), rulesHash());
      if (ruleSet) ruleSpecs = byId(ruleSet);
    } catch {
      // no packaged rules folder: the findings describe themselves
    }
  }
  return ruleSpecs ?? new Map();
}

export interface RuleHelp {
  title: string;
  description: string;
  remediation: string;
  cwe?: number;
  owasp?: string;
  confidence?: Finding["confidence"];
  severity: Finding["severity"];
  text: string;
  markdown: string;
  helpUri?: string;
}

function fence(code: string, language: string): string {
  const longestRun = Math.max(2, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = "`".repeat(longestRun + 1);
  return `${ticks}${language}\n${code.replace(/\n+$/, "")}\n${ticks}`;
}

export function ruleHelp(finding: Finding): RuleHelp {
  const spec = specsById().get(finding.ruleId);
  const title = spec?.title ?? finding.title;
  const description = spec?.message ?? finding.title;
  const remediation = spec?.remediation ?? finding.recommendation;
  const cwe = spec?.cwe ?? finding.cwe;
  const owasp = spec?.owasp ?? finding.owasp;
  const parts = [`**${title}**`, description];
  if (spec) {
    const language = spec.languages[0] === "python" ? "python" : "javascript";
    parts.push("## Example", "Flagged:", fence(spec.examples.positive[0]!.code, language), "Not flagged:", fence(spec.examples.negative[0]!.code, language));
  }
  parts.push("## Remediation", remediation);
  const references = [
    ...(cwe !== undefined ? [`- [CWE-${cwe}](${cweUrl(cwe)})`] : []),
    ...(owasp && owaspUrl(owasp) ? [`- [OWASP Top 10 ${owasp}](${owaspUrl(owasp)})`] : []),
  ];
  if (references.length) parts.push("## References", references.join("\n"));
  return {
    title,
    description,
    remediation,
    ...(cwe !== undefined ? { cwe } : {}),
    ...(owasp ? { owasp } : {}),
    confidence: spec?.confidence ?? finding.confidence,
    severity: spec?.severity ?? finding.severity,
    text: `${description}\n\nRemediation: ${remediation}`,
    markdown: parts.join("\n\n"),
    ...(cwe !== undefined ? { helpUri: cweUrl(cwe) } : owasp && owaspUrl(owasp) ? { helpUri: owaspUrl(owasp) } : {}),
  };
}
