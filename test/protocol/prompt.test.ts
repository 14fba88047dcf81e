import { test } from "node:test";
import assert from "node:assert/strict";
import { parsePrompt, inferKind, pathsNamedIn } from "../../src/protocol/prompt.js";
import { SEED_PROMPT } from "../cli/helpers.js";
import { slugify, makeRunId, validateRunId, partialReportPath, idFromReportPath, defaultReportPath, sidecarPath } from "../../src/protocol/ids.js";


test("the seed's Example Task parses into every field", () => {
  assert.deepEqual(parsePrompt(SEED_PROMPT), {
    task: "Run security audit on auth module.",
    files: ["src/auth/endpoints.py", "src/auth/token.py"],
    scope: [],
    output: ".agents/reports/20260123-143000-auth-security.md",
    session: ".agents/sessions/20260123-140000-auth-feature.md",
    id: "bg-20260123-143000-auth-security",
    instructions: "Check for OWASP Top 10 vulnerabilities.",
  });
  assert.equal(inferKind("Run security audit on auth module."), "security-audit");
});

test("orchestrator variations: * bullets, inline Files, backticks, bold labels, extra lines", () => {
  const parsed = parsePrompt(`# Review the payment changes

**Files:** \`src/pay.ts\`, \`src/refund.ts\`
* Focus on error handling.
Scope:
  * \`src/lib/\`
  + docs/ (context only)

- **Write report to:** \`.agents/reports/x.md\`
Session file: ".agents/sessions/s.md"
Kind: code-review
Model: gpt-test
Timeout: 5m
Session:
Be terse.`);
  assert.equal(parsed.task, "Review the payment changes");
  assert.deepEqual(parsed.files, ["src/pay.ts", "src/refund.ts"]);
  assert.deepEqual(parsed.scope, ["src/lib/", "docs/"]);
  assert.equal(parsed.output, ".agents/reports/x.md");
  assert.equal(parsed.session, ".agents/sessions/s.md");
  assert.equal(parsed.kind, "code-review");
  assert.equal(parsed.model, "gpt-test");
  assert.equal(parsed.timeout, "5m");
  assert.equal(parsed.instructions, "* Focus on error handling.\n\nBe terse.");
});

test("a prompt with no task line has no task; labels alone are not tasks", () => {
  assert.equal(parsePrompt("Files:\n- a.py\n\nSession: s.md").task, undefined);
  assert.equal(parsePrompt("   \n\n").task, undefined);
  assert.equal(parsePrompt("Task: check coverage of utils\nFiles: a.py b.py").task, "check coverage of utils");
  assert.deepEqual(parsePrompt("Task: x\nFiles: a.py b.py").files, ["a.py", "b.py"]);
});

test("kind inference from the task, then from the instructions", () => {
  assert.equal(inferKind("Check OWASP issues"), "security-audit");
  assert.equal(inferKind("Find vulnerabilities in uploads"), "security-audit");
  assert.equal(inferKind("Analyze test coverage for utils"), "coverage-analysis");
  assert.equal(inferKind("Review PR #12"), "code-review");
  assert.equal(inferKind("Look at the diff against main"), "code-review");
  assert.equal(inferKind("Summarize the architecture"), "llm");
  assert.equal(inferKind("Look at the auth module", "Check for OWASP Top 10"), "security-audit");
  assert.equal(inferKind("Code review the security fixes"), "code-review");
  assert.equal(inferKind("Security review of the auth module"), "security-audit");
  assert.equal(inferKind("Which functions lack tests?"), "coverage-analysis");
  assert.equal(inferKind("List modules without tests"), "coverage-analysis");
});

test("ids, slugs and derived paths", () => {
  assert.equal(slugify("Run security audit on auth module."), "security-audit-auth-module");
  assert.equal(slugify("!!!"), "task");
  assert.equal(slugify("Prüfe die Sicherheit: Anmeldung, Café-Konten"), "prufe-die-sicherheit-anmeldung");
  assert.equal(slugify("Audit ünïcödé handling"), "audit-unicode-handling");
  assert.equal(makeRunId("auth security", new Date("2026-01-23T14:30:00Z")), "bg-20260123-143000-auth-security");
  assert.equal(validateRunId("bg-20260123-143000-auth-security"), "bg-20260123-143000-auth-security");
  for (const bad of ["bg-../../etc", "bg-a/b", "../x", "bg-A", "bg-", "x-1", "bg-a b"]) {
    assert.throws(() => validateRunId(bad), /invalid run id .*no path characters/);
  }
  assert.equal(defaultReportPath("bg-20260123-143000-x"), ".agents/reports/20260123-143000-x.md");
  assert.equal(partialReportPath(".agents/reports/a.md"), ".agents/reports/a-partial.md");
  assert.equal(partialReportPath(".agents/reports/a-partial.md"), ".agents/reports/a-partial.md");
  assert.equal(sidecarPath(".agents/reports/a.md", "sarif"), ".agents/reports/a.sarif");
  assert.equal(idFromReportPath(".agents/reports/20260123-143000-auth-security.md"), "bg-20260123-143000-auth-security");
  assert.equal(idFromReportPath("notes.md"), undefined);
});

test("pathsNamedIn: path-shaped words of the task line, not prose with slashes or URLs", () => {
  const shaped = (task: string) => pathsNamedIn(task).filter((p) => p.pathShaped).map((p) => p.path);
  assert.deepEqual(shaped("Security audit of web/src/auth"), ["web/src/auth"]);
  assert.deepEqual(shaped("Review `src/api/*.ts` for errors and/or leaks"), ["src/api/*.ts"]);
  assert.deepEqual(shaped("Audit lib/util.js and ./scripts (see https://example.com/a/b/c)."), ["lib/util.js", "scripts"]);
  assert.deepEqual(shaped("Check input/output handling in src/"), ["src"]);
  assert.deepEqual(shaped("Run security audit on auth module."), []);
  // Bare words are candidates only; the request keeps those the workspace has.
  assert.ok(pathsNamedIn("Security audit of auth").some((p) => p.path === "auth" && !p.pathShaped));
});
