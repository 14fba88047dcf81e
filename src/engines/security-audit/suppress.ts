// Inline suppressions, on the finding's line or the line above:
//   # nosec            (Bandit)       // nosemgrep          (Semgrep)
//   bgr-ignore         every rule     bgr-ignore: py.sql-injection, CWE-89
const MARKER = /(?:#|\/\/|\/\*|<!--)\s*(nosec|nosemgrep|bgr-ignore)\b(?:\s*[:\s]\s*([\w.,\s-]+))?/i;

function suppressesLine(line: string | undefined, ruleId: string, cwe: number | undefined): boolean {
  if (!line) return false;
  const m = MARKER.exec(line);
  if (!m) return false;
  const tool = m[1]!.toLowerCase();
  const list = (m[2] ?? "").split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
  // Bandit and Semgrep ids (B602, python.lang…) are not ours: a bare or foreign-id marker silences the line.
  if (tool !== "bgr-ignore" || list.length === 0) return true;
  return list.some((id) => id === ruleId || (cwe !== undefined && id.toUpperCase() === `CWE-${cwe}`));
}

export function isSuppressed(lines: readonly string[], line: number, ruleId: string, cwe?: number): boolean {
  const above = lines[line - 2];
  // The line above counts only when it is a comment of its own, not code with its own marker.
  const aboveIsComment = above !== undefined && /^\s*(#|\/\/|\/\*|\*)/.test(above);
  return suppressesLine(lines[line - 1], ruleId, cwe) || (aboveIsComment && suppressesLine(above, ruleId, cwe));
}
