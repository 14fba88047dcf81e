// Token formats (GitHub, Slack, AWS, npm, private keys, …) come from
// secretlint's recommended preset, run through its API on each file: a
// maintained rule set beats re-deriving every vendor's token grammar.
// Names-and-values heuristics for passwords and keys stay in our YAML rules.
import { lintSource } from "@secretlint/core";
import { secretLintProfiler } from "@secretlint/profiler";
import { creator as recommendedPreset } from "@secretlint/secretlint-rule-preset-recommend";
import type { Finding } from "../../protocol/finding.js";

// secretlint's profiler records a performance mark per rule per file into a
// list it searches linearly and never empties: over a large audit that cost
// more CPU than our whole analysis. We do not read its measurements.
secretLintProfiler.mark = () => {};

const CONFIG = { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommendedPreset }] };

export const SECRET_RULE_PREFIX = "secretlint.";

export async function scanSecrets(file: string, text: string, lines: readonly string[]): Promise<Finding[]> {
  const result = await lintSource({
    source: { filePath: `/${file}`, content: text, ext: file.slice(file.lastIndexOf(".")), contentType: "text" },
    options: { config: CONFIG as Parameters<typeof lintSource>[0]["options"]["config"], maskSecrets: true },
  });
  return result.messages.map((m): Finding => {
    const line = m.loc.start.line;
    const shortId = m.ruleId.replace(/^@secretlint\/secretlint-rule-/, "");
    return {
      ruleId: `${SECRET_RULE_PREFIX}${shortId}`,
      title: "Hard-coded secret (token format)",
      severity: "High",
      file,
      line,
      endLine: m.loc.end.line,
      column: m.loc.start.column + 1,
      endColumn: m.loc.end.column + 1,
      message: `${m.message} A credential committed to source control must be considered leaked.`,
      recommendation: "Revoke and rotate the credential, remove it from the code (and history), and load it from the environment or a secret manager.",
      confidence: "High",
      cwe: 798,
      owasp: "A07:2021",
      snippet: (lines[line - 1] ?? "").trim().slice(0, 200),
    };
  });
}
