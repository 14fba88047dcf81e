// From findings to the report's prose: summary counts, recommendations
// grouped by rule (most severe first), per-rule and per-CWE data.
import { type Finding, SEVERITIES, severityRank } from "../../protocol/finding.js";
import { compareText } from "../../protocol/collate.js";

export function summarize(findings: Finding[], files: number, errors: number, cached: number): string {
  if (findings.length === 0) {
    return `No security findings in ${files} file${files === 1 ? "" : "s"}${errors ? ` (${errors} could not be fully analysed, see Blockers/errors)` : ""}.`;
  }
  const counts = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
  const rules = new Set(findings.map((f) => f.ruleId)).size;
  const flows = findings.filter((f) => f.trace?.length).length;
  const parts = [
    `${findings.length} finding${findings.length === 1 ? "" : "s"} (${counts}) from ${rules} rule${rules === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}`,
    flows ? `${flows} ${flows === 1 ? "is a data flow" : "are data flows"} from request input to a dangerous call, with the path in each finding's trace` : "",
    errors ? `${errors} file${errors === 1 ? "" : "s"} could not be fully analysed` : "",
    cached ? `${cached} unchanged file${cached === 1 ? "" : "s"} came from the cache` : "",
  ].filter(Boolean);
  return parts.join("; ") + ".";
}

/** One line per rule, from `findings` in report order (sortFindings), as runAudit holds them. */
export function recommendationsFor(findings: readonly Finding[]): string[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byRule.get(f.ruleId) ?? [];
    list.push(f);
    byRule.set(f.ruleId, list);
  }
  const groups = [...byRule.values()].sort(
    (a, b) => severityRank(b[0]!.severity) - severityRank(a[0]!.severity) || b.length - a.length || compareText(a[0]!.ruleId, b[0]!.ruleId),
  );
  return groups.map((group) => {
    const first = group[0]!;
    const where = group.slice(0, 3).map((f) => `\`${f.file}:${f.line}\``).join(", ");
    const more = group.length > 3 ? ` and ${group.length - 3} more` : "";
    const cwe = first.cwe ? ` (CWE-${first.cwe}${first.owasp ? `, OWASP ${first.owasp}` : ""})` : "";
    return `**${first.severity}: ${first.title}**${cwe}, ${group.length} place${group.length === 1 ? "" : "s"} (${where}${more}): ${first.recommendation}`;
  });
}

export function countsBy(findings: Finding[], key: (f: Finding) => string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) {
    const k = key(f);
    if (k !== undefined) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
