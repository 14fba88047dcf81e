// The README's first command must show something real: the bundled example
// workspace, run through the built CLI exactly as a user would, reports the
// flaws it was built with and leaves its safe code alone.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Finding } from "../../src/protocol/finding.js";
import { canonicalCwe } from "./corpus-scoring.js";
import { REPO_ROOT } from "./corpus-run.js";
import { copyExample } from "./example-workspace.js";

const CLI = join(REPO_ROOT, "dist", "src", "cli", "main.js");
const scratch = mkdtempSync(join(tmpdir(), "bgr-example-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function freshCopy(name: string): string {
  return copyExample(join(scratch, name));
}

function bgr(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
}

/** 1-based line of the first line of `file` containing `text`; fails loudly if the example changed. */
function lineOf(root: string, file: string, text: string): number {
  const index = readFileSync(join(root, file), "utf8").split("\n").findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `examples/auth-app/${file} no longer contains ${JSON.stringify(text)}; update this test`);
  return index + 1;
}

function has(findings: Finding[], file: string, cwe: number, line?: number): boolean {
  return findings.some(
    (f) => f.file === file && f.cwe !== undefined && canonicalCwe(f.cwe) === canonicalCwe(cwe) &&
      (line === undefined || (f.line <= line && line <= Math.max(f.endLine, f.line))),
  );
}

test("bgr run on the seed's Example Task audits the two listed files and completes the session entry", () => {
  const root = freshCopy("run");
  const result = bgr(["run", "--cwd", root, "-p", join(root, "task.md")], root);
  assert.equal(result.status, 0, `bgr run exited ${result.status}\n${result.stdout}\n${result.stderr}`);

  const session = readFileSync(join(root, ".agents/sessions/20260123-140000-auth-feature.md"), "utf8");
  const entry = session.slice(session.indexOf('id: "bg-20260123-143000-auth-security"'));
  assert.match(entry, /status: completed/);
  assert.match(entry, /result_location: "\.agents\/reports\/20260123-143000-auth-security\.md"/);
  assert.match(session, /id: "bg-20260123-141500-login-review"/, "the existing entry must survive");

  const report = readFileSync(join(root, ".agents/reports/20260123-143000-auth-security.md"), "utf8");
  assert.match(report, /background_agent_id: "bg-20260123-143000-auth-security"/);
  const sidecar = JSON.parse(readFileSync(join(root, ".agents/reports/20260123-143000-auth-security.json"), "utf8")) as {
    findings: Finding[];
    files: string[];
  };
  assert.deepEqual([...sidecar.files].sort(), ["src/auth/endpoints.py", "src/auth/token.py"]);

  const findings = sidecar.findings;
  const endpoints = "src/auth/endpoints.py";
  const token = "src/auth/token.py";
  assert.ok(has(findings, endpoints, 89, lineOf(root, endpoints, "db().execute(query)")), "SQL injection in login");
  assert.ok(has(findings, endpoints, 601, lineOf(root, endpoints, "return redirect(next_url)")), "open redirect after login");
  assert.ok(has(findings, endpoints, 916, lineOf(root, endpoints, "hashlib.md5(")), "MD5 password hash");
  assert.ok(has(findings, token, 798, lineOf(root, token, "SECRET_KEY = ")), "hard-coded signing key");
  assert.ok(has(findings, token, 347, lineOf(root, token, '"verify_signature": False')), "JWT decoded without verification");

  assert.ok(!has(findings, endpoints, 89, lineOf(root, endpoints, "INSERT INTO users")), "parameterized INSERT is safe");
  assert.ok(!has(findings, endpoints, 89, lineOf(root, endpoints, "SELECT role FROM users WHERE id = ?")), "parameterized SELECT is safe");
  assert.ok(!has(findings, token, 347, lineOf(root, token, 'algorithms=["HS256"]')), "verified decode is safe");
  assert.ok(!has(findings, endpoints, 601, lineOf(root, endpoints, 'return redirect("/")')), "constant redirect is safe");
});

test("bgr audit over the whole example also covers the Express/TypeScript half", () => {
  const root = freshCopy("audit");
  const out = join(scratch, "audit.json");
  const result = bgr(["audit", "--cwd", root, "--format", "json", "--out", out], root);
  assert.equal(result.status, 0, `bgr audit exited ${result.status}\n${result.stderr}`);
  const { findings, files } = JSON.parse(readFileSync(out, "utf8")) as { findings: Finding[]; files: string[] };
  const routes = "web/src/auth/routes.ts";
  assert.ok(files.includes(routes) && files.includes("web/src/auth/session.ts"), `files analysed: ${files.join(", ")}`);
  assert.ok(has(findings, routes, 22, lineOf(root, routes, "createReadStream(file)")), "path traversal in avatar download");
  assert.ok(has(findings, routes, 78, lineOf(root, routes, "exec(`auth-audit export")), "command injection in export");
  assert.ok(has(findings, routes, 614, lineOf(root, routes, 'res.cookie("sid"')), "session cookie without secure/httpOnly");
  assert.deepEqual(
    findings.filter((f) => f.file === "web/src/auth/session.ts").map((f) => `${f.line} ${f.ruleId}`),
    [],
    "session.ts (scrypt, random ids, constant-time compare) has nothing to report",
  );
});
