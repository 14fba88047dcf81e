// From findings to what a reviewer finally says: approve, comment, or
// request changes, with the reasons spelled out, plus the prioritised
// recommendations the report ends with.
import { type Finding, severityRank } from "../../protocol/finding.js";

/** "nothing to review" is the verdict of an empty change: never an approval. */
export type Verdict = "approve" | "comment" | "request changes" | "nothing to review";

/** Rules that block a merge whatever severity they were given. */
const BLOCKING_RULES = new Set(["review/secret", "review/focused-test", "review/test-deleted"]);
/** This many Low findings together are worth a comment even with nothing worse. */
const LOW_FINDINGS_FOR_COMMENT = 3;

function locations(findings: Finding[], limit = 3): string {
  const shown = findings.slice(0, limit).map((finding) => `${finding.file}:${finding.line}`);
  return shown.join(", ") + (findings.length > limit ? `, +${findings.length - limit} more` : "");
}

function byRule(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const group = groups.get(finding.ruleId) ?? [];
    group.push(finding);
    groups.set(finding.ruleId, group);
  }
  return groups;
}

export function decideVerdict(findings: Finding[]): { verdict: Verdict; reasons: string[] } {
  const high = findings.filter((finding) => finding.severity === "High");
  const isBlocking = (finding: Finding) => finding.severity === "Medium" && BLOCKING_RULES.has(finding.ruleId);
  const blocking = findings.filter(isBlocking);
  const medium = findings.filter((finding) => finding.severity === "Medium" && !isBlocking(finding));
  const low = findings.filter((finding) => finding.severity === "Low");
  const reasons: string[] = [];
  for (const [rule, group] of byRule([...high, ...blocking])) {
    reasons.push(`${group.length} × ${rule} (${group[0]!.severity}) at ${locations(group)}`);
  }
  if (reasons.length > 0) return { verdict: "request changes", reasons };
  for (const [rule, group] of byRule(medium)) reasons.push(`${group.length} × ${rule} (Medium) at ${locations(group)}`);
  if (low.length >= LOW_FINDINGS_FOR_COMMENT) reasons.push(`${low.length} Low findings worth a look`);
  if (reasons.length > 0) return { verdict: "comment", reasons };
  reasons.push(findings.length === 0 ? "no findings on the changed lines" : `only ${findings.length} minor finding(s) (Low/Info)`);
  return { verdict: "approve", reasons };
}

/** One line per rule, most severe first: what to do and where. */
export function prioritizedRecommendations(findings: Finding[], limit = 15): string[] {
  // One line per distinct advice: findings of one rule can need different fixes.
  const byAdvice = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${finding.ruleId}\0${finding.recommendation}`;
    byAdvice.set(key, [...(byAdvice.get(key) ?? []), finding]);
  }
  const groups = [...byAdvice.values()].sort(
    (a, b) => severityRank(b[0]!.severity) - severityRank(a[0]!.severity) || b.length - a.length,
  );
  return groups.slice(0, limit).map((group) => {
    const first = group[0]!;
    return `${first.severity}: ${first.recommendation} (${first.ruleId}, ${locations(group)})`;
  });
}
