// One fingerprint for a finding wherever it must be recognised again: SARIF's
// partialFingerprints (so code scanning keeps one alert per finding across
// pushes), baselines (so only what a branch added is reported) and posted
// review comments (so a re-run does not comment twice). Line numbers are left
// out on purpose: an edit above a finding must not make it "new". What stays
// is the rule, the file, the offending code with its whitespace normalised,
// and the finding's rank among same-looking ones in that file, so two
// identical `eval(x)` lines in one file stay two alerts instead of merging.
import { createHash } from "node:crypto";
import type { Finding } from "../protocol/finding.js";

/** The key under partialFingerprints; bump the version if the recipe changes. */
export const FINGERPRINT_KEY = "bgr/v1";

function normalizedCode(finding: Finding): string {
  return (finding.snippet ?? "").replace(/\s+/g, " ").trim();
}

function identity(finding: Finding): string {
  return `${finding.ruleId}\0${finding.file}\0${normalizedCode(finding)}`;
}

function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.endLine - b.endLine || a.message.localeCompare(b.message);
}

// A finding's rank is among the findings of its whole run; once a baseline
// drops some of them, the survivors keep the fingerprints they had there.
const pinned = new WeakMap<Finding, string>();

/** Fingerprints of every finding in the list, in the list's order. */
export function fingerprintsOf(findings: readonly Finding[]): string[] {
  if (findings.length > 0 && findings.every((f) => pinned.has(f))) return findings.map((f) => pinned.get(f)!);
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = identity(finding);
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  const occurrence = new Map<Finding, number>();
  for (const group of groups.values()) {
    group.sort(byPosition).forEach((finding, index) => occurrence.set(finding, index));
  }
  return findings.map((finding) =>
    createHash("sha256")
      .update(`${identity(finding)}\0${occurrence.get(finding)}`)
      .digest("hex")
      .slice(0, 32),
  );
}

/** Each finding with its fingerprint (the same finding object, not a copy). */
export function fingerprinted(findings: readonly Finding[]): Array<{ finding: Finding; fingerprint: string }> {
  const prints = fingerprintsOf(findings);
  return findings.map((finding, i) => ({ finding, fingerprint: prints[i]! }));
}

/** Computes the fingerprints over the full list and keeps them for these objects, before a filter removes some. */
export function pinFingerprints(findings: readonly Finding[]): string[] {
  const prints = fingerprintsOf(findings);
  findings.forEach((finding, i) => pinned.set(finding, prints[i]!));
  return prints;
}
