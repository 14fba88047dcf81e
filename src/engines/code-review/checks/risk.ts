// Changes that are risky whatever the code looks like: a public signature
// that callers depend on, tests that disappear, a lockfile moving on its own,
// build output or binaries in version control, credentials, submodule bumps.
import path from "node:path";
import type { SyntaxNode } from "../../../lang/parsers.js";
import type { Finding } from "../../../protocol/finding.js";
import { makeFinding, type ReviewContext, type ReviewFile } from "../context.js";

function exportedApiFindings(file: ReviewFile, out: Finding[]): void {
  if (!file.analysable || file.oldText === undefined || file.isTest) return;
  const after = new Map(file.functions("new").filter((unit) => unit.exported).map((unit) => [unit.name, unit]));
  for (const before of file.functions("old")) {
    if (!before.exported) continue;
    const unit = after.get(before.name);
    if (!unit) {
      const renamed = file.renamedTo(before);
      out.push(
        makeFinding(file, 0, {
          ruleId: "review/export-removed",
          severity: "Medium",
          title: renamed ? `Exported \`${before.name}\` renamed to \`${renamed.name}\`` : `Exported \`${before.name}\` removed`,
          message: `\`${before.name}${before.signature}\` was part of ${file.change.oldPath ?? file.path}'s public API and no longer exists there${renamed ? ` (the change renamed it to \`${renamed.name}\`)` : ""}; every importer breaks.`,
          recommendation: renamed
            ? `Keep \`${before.name}\` as a deprecated alias of \`${renamed.name}\` for one release, or confirm no caller (including other packages) imports it.`
            : "Keep a deprecated wrapper that forwards to the replacement for one release, or confirm no caller (including other packages) imports it.",
          ...(renamed ? { properties: { function: before.name, renamedTo: renamed.name } } : {}),
        }),
      );
      continue;
    }
    if (unit.signature === before.signature) continue;
    const at = file.added.has(unit.signatureLine) ? unit.signatureLine : file.addedBetween(unit.startLine, unit.endLine)[0];
    if (at === undefined) continue;
    out.push(
      makeFinding(file, at, {
        ruleId: "review/exported-signature-changed",
        severity: "Medium",
        title: `Signature of exported \`${unit.name}\` changed`,
        message: `\`${unit.name}\` changed from \`${before.signature}\` to \`${unit.signature}\`; callers outside this change may now pass the wrong arguments.`,
        recommendation: "Update every caller in the same change, or keep the old parameters working (optional new parameters at the end, an overload, or a deprecated wrapper) and note the change in the changelog.",
        properties: { function: unit.name, before: before.signature, after: unit.signature },
      }),
    );
  }
}

function countTests(file: ReviewFile, side: "old" | "new"): number {
  const tree = file.tree(side);
  if (!tree) return 0;
  if (file.language === "python") {
    return tree.rootNode.descendantsOfType("function_definition").filter((node) => /^test/.test(node.childForFieldName("name")?.text ?? "")).length;
  }
  return tree.rootNode.descendantsOfType("call_expression").filter((node: SyntaxNode) => {
    const callee = node.childForFieldName("function");
    const head = callee?.type === "member_expression" ? callee.childForFieldName("object")?.text : callee?.text;
    return head === "it" || head === "test" || head === "specify";
  }).length;
}

function deletedTestFindings(file: ReviewFile, out: Finding[]): void {
  if (file.change.status === "deleted" && file.isTest) {
    out.push(
      makeFinding(file.path, 0, {
        ruleId: "review/test-deleted",
        severity: "Medium",
        title: `Test file ${file.path} deleted`,
        message: "The change deletes a test file; the behaviour it checked is no longer covered.",
        recommendation: "Keep the tests (move them next to the new code) unless the feature itself was removed; say which in the description.",
      }),
    );
    return;
  }
  if (!file.isTest || !file.analysable || file.oldText === undefined) return;
  const before = countTests(file, "old");
  const after = countTests(file, "new");
  if (after >= before) return;
  out.push(
    makeFinding(file, file.firstAddedLine(), {
      ruleId: "review/test-deleted",
      severity: "Medium",
      title: `${before - after} test case(s) removed from ${file.path}`,
      message: `${file.path} had ${before} test cases and now has ${after}.`,
      recommendation: "Restore the removed cases or replace them with equivalent ones, unless the behaviour they covered was removed on purpose.",
      properties: { testsBefore: before, testsAfter: after },
    }),
  );
}

const LOCKFILE_MANIFESTS: Record<string, string[]> = {
  "package-lock.json": ["package.json"],
  "npm-shrinkwrap.json": ["package.json"],
  "yarn.lock": ["package.json"],
  "pnpm-lock.yaml": ["package.json", "pnpm-workspace.yaml"],
  "poetry.lock": ["pyproject.toml"],
  "uv.lock": ["pyproject.toml"],
  "Pipfile.lock": ["Pipfile"],
  "Cargo.lock": ["Cargo.toml"],
  "go.sum": ["go.mod"],
  "Gemfile.lock": ["Gemfile"],
  "composer.lock": ["composer.json"],
};

function lockfileFindings(ctx: ReviewContext, out: Finding[]): void {
  const changed = new Set(ctx.files.map((file) => file.path));
  for (const file of ctx.files) {
    const manifests = LOCKFILE_MANIFESTS[path.posix.basename(file.path)];
    if (!manifests || file.change.status === "deleted") continue;
    const dir = path.posix.dirname(file.path);
    const siblings = manifests.map((name) => (dir === "." ? name : `${dir}/${name}`));
    if (siblings.some((manifest) => changed.has(manifest))) continue;
    out.push(
      makeFinding(file.path, 0, {
        ruleId: "review/lockfile-without-manifest",
        severity: "Medium",
        title: `${file.path} changed without ${siblings[0]}`,
        message: `The lockfile changed but ${siblings.join(" / ")} did not: dependency versions moved without a declared reason (an accidental reinstall, or a supply-chain change).`,
        recommendation: `Revert the lockfile, or regenerate it from a deliberate change to ${siblings[0]} and explain the upgrade in the description.`,
      }),
    );
  }
}

const GENERATED_PATH =
  /(?:^|\/)(?:dist|build|out|coverage|node_modules|__pycache__|\.next|target)\/|\.(?:min\.js|min\.css|pyc|pyo|class|o|so|dll|exe)$|(?:^|\/)\.DS_Store$/;
// Only a marker in a comment near the top counts: code that merely talks
// about generated files (a walker's skip list) is not generated.
const GENERATED_MARK = /^\s*(?:\/\/|#|\/\*|\*|<!--|--)[^\n]*(?:@generated|DO NOT EDIT|auto-?generated|Code generated by)/im;

function hasGeneratedMarker(text: string): boolean {
  return GENERATED_MARK.test(text.split("\n", 10).join("\n"));
}

function artifactFindings(file: ReviewFile, out: Finding[]): void {
  if (file.change.status === "deleted") return;
  if (file.change.submodule) {
    out.push(
      makeFinding(file.path, 0, {
        ruleId: "review/submodule-changed",
        severity: "Info",
        title: `Submodule ${file.path} moved`,
        message: "The change points the submodule at a different commit; its own changes are not reviewed here.",
        recommendation: "Review the submodule's commit range separately and name it in the description.",
      }),
    );
    return;
  }
  const generated = GENERATED_PATH.test(file.path) || (file.newText !== undefined && hasGeneratedMarker(file.newText));
  if (generated && !file.change.binary) {
    out.push(
      makeFinding(file.path, 0, {
        ruleId: "review/generated-file",
        severity: "Low",
        title: `Generated file ${file.path} committed`,
        message: "The file is build output or marked as generated; committing it invites merge conflicts and drift from its source.",
        recommendation: "Remove it from version control, add its folder or pattern to .gitignore, and generate it in the build.",
      }),
    );
  } else if (file.change.binary) {
    out.push(
      makeFinding(file.path, 0, {
        ruleId: "review/binary-file",
        severity: "Low",
        title: `Binary file ${file.path} ${file.change.status === "added" ? "added" : "changed"}`,
        message: "Binary content cannot be reviewed line by line and bloats the repository history for good.",
        recommendation: "Check that it belongs in the repository; large or generated binaries go to release assets, Git LFS or the build.",
      }),
    );
  }
}

interface SecretPattern {
  name: string;
  pattern: RegExp;
  severity: "High" | "Medium";
}

const SECRET_PATTERNS: SecretPattern[] = [
  { name: "AWS access key id", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, severity: "High" },
  { name: "GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/, severity: "High" },
  { name: "Slack token", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/, severity: "High" },
  { name: "Stripe live key", pattern: /\b[rs]k_live_[0-9A-Za-z]{20,}\b/, severity: "High" },
  { name: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, severity: "High" },
  { name: "private key", pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY( BLOCK)?-----/, severity: "High" },
  {
    name: "hard-coded credential",
    pattern: /\b(?:password|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?key|auth[_-]?token|client[_-]?secret|token)\b["']?\s*[:=]\s*["']([^"'\s]{8,})["']/i,
    severity: "Medium",
  },
];
const PLACEHOLDER = /^(?:\$\{|<|%\(|\{\{)|changeme|example|dummy|placeholder|your[_-]|xxxx|\*\*\*\*|redacted|secret123|password123/i;

function redact(line: string, value: string): string {
  return line.replace(value, `${value.slice(0, 4)}…(redacted)`).trim().slice(0, 200);
}

function secretFindings(file: ReviewFile, out: Finding[]): void {
  if (file.change.binary || path.posix.basename(file.path) in LOCKFILE_MANIFESTS) return;
  for (const [at, text] of file.change.patch.addedText) {
    for (const secret of SECRET_PATTERNS) {
      const match = secret.pattern.exec(text);
      if (!match) continue;
      const value = match[1] ?? match[0];
      if (secret.severity === "Medium" && PLACEHOLDER.test(value)) continue;
      // Test fixtures carry fake keys on purpose; still worth a look, never a merge blocker.
      const finding = makeFinding(file, at, {
        ruleId: "review/secret",
        severity: file.isTest ? "Low" : secret.severity,
        title: `Possible ${secret.name} committed`,
        message: `Line ${at} adds what looks like a secret (${secret.name})${file.isTest ? " in a test file; fine if it is a fake" : ""}; anything real pushed to a shared repository must be treated as leaked.`,
        recommendation: "Remove it from the change, rotate the credential now, and load it from the environment or a secret manager instead.",
        cwe: 798,
      });
      out.push({ ...finding, snippet: redact(text, value), owasp: "A07:2021" });
      break;
    }
  }
}

export function riskFindings(ctx: ReviewContext): Finding[] {
  const findings: Finding[] = [];
  for (const file of ctx.files) {
    exportedApiFindings(file, findings);
    deletedTestFindings(file, findings);
    artifactFindings(file, findings);
    secretFindings(file, findings);
  }
  lockfileFindings(ctx, findings);
  return findings;
}
