// The engine end to end on real temporary workspaces: scope, config
// excludes and disabled rules, .gitignore and vendored code, parse errors,
// the content-hash cache, the worker pool, and `bgr audit` itself.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runAudit } from "../../src/engines/security-audit/index.js";
import type { EngineContext, EngineResult } from "../../src/engines/types.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "bgr-audit-"));
  temps.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

async function run(root: string, scope: string[] = [], noCache = false): Promise<{ result: EngineResult; progress: number[] }> {
  const progress: number[] = [];
  const ctx: EngineContext = {
    root,
    scope,
    task: "Security audit",
    instructions: "",
    options: { noCache },
    signal: new AbortController().signal,
    log: () => {},
    progress: (done) => progress.push(done),
    cacheDir: path.join(root, ".agents", "cache", "security-audit"),
  };
  return { result: await runAudit(ctx), progress };
}

const VULN_PY = 'from flask import Flask, request\nimport os\napp = Flask(__name__)\n@app.route("/a")\ndef a():\n    os.system("ping " + request.args["h"])\n';
const VULN_JS = "const { exec } = require('child_process');\napp.get('/x', (req, res) => { exec('ls ' + req.query.d); });\n";

describe("security audit engine", () => {
  test("whole workspace: findings, files, skipped vendored, ignored and excluded code", async () => {
    const root = workspace({
      "src/app.py": VULN_PY,
      "web/server.js": VULN_JS,
      "node_modules/lib/index.js": VULN_JS,
      "vendor/old.py": VULN_PY,
      "build/out.js": VULN_JS,
      "generated/skip.js": VULN_JS,
      "legacy/skip.py": VULN_PY,
      ".gitignore": "generated/\n",
      ".agents/config.yaml": "exclude:\n  - legacy/\n",
    });
    const { result, progress } = await run(root);
    assert.deepEqual(result.filesAnalyzed, ["src/app.py", "web/server.js"]);
    assert.deepEqual(result.findings.map((f) => `${f.file}:${f.line}:${f.ruleId}`), ["src/app.py:6:py.command-injection", "web/server.js:2:js.command-injection"]);
    assert.deepEqual(result.errors, []);
    assert.equal(progress.at(-1), 2);
    assert.match(result.summary, /2 findings \(2 High\)/);
    assert.match(result.recommendations[0]!, /OS command injection/);
    assert.deepEqual((result.data as { cwe: Record<string, number> }).cwe, { "CWE-78": 2 });
  });

  test("scope limits the files; a missing scope entry is an error, not a crash", async () => {
    const root = workspace({ "a/app.py": VULN_PY, "b/app.py": VULN_PY });
    const { result } = await run(root, ["a", "nope.py"]);
    assert.deepEqual(result.filesAnalyzed, ["a/app.py"]);
    assert.ok(result.errors.some((e) => e.file === "nope.py" && /does not exist/.test(e.message)));
  });

  test("rules disabled in the config are not reported, by id or by CWE", async () => {
    const root = workspace({ "app.py": VULN_PY, "web.js": VULN_JS, "bgr.config.yaml": "rules:\n  disable: [py.command-injection, CWE-78]\n" });
    const { result } = await run(root);
    assert.deepEqual(result.findings, []);
  });

  test("a file that does not parse is listed in errors and the others still run", async () => {
    const root = workspace({ "ok.py": VULN_PY, "broken.js": "function (\n" });
    const { result } = await run(root);
    assert.equal(result.findings.length, 1);
    assert.deepEqual(result.errors.map((e) => e.file), ["broken.js"]);
    assert.equal(result.blockers, undefined);
  });

  test("the second run of unchanged files comes from the cache; a change is re-analysed", async () => {
    const root = workspace({ "app.py": VULN_PY, "web.js": VULN_JS });
    const first = await run(root);
    assert.equal((first.result.data as { cachedFiles: number }).cachedFiles, 0);
    assert.ok(readdirSync(path.join(root, ".agents", "cache", "security-audit")).length > 0, "cache folder is empty");
    const second = await run(root);
    assert.equal((second.result.data as { cachedFiles: number }).cachedFiles, 2);
    assert.deepEqual(second.result.findings, first.result.findings);
    writeFileSync(path.join(root, "web.js"), "const x = 1;\n");
    const third = await run(root);
    assert.equal((third.result.data as { cachedFiles: number }).cachedFiles, 1);
    assert.equal(third.result.findings.length, 1);
    // Same size, new content and time: the size+mtime index must not hide the change.
    const same = VULN_PY.replace("ping ", "pong ");
    writeFileSync(path.join(root, "app.py"), same);
    utimesSync(path.join(root, "app.py"), new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    const fourth = await run(root);
    assert.equal((fourth.result.data as { cachedFiles: number }).cachedFiles, 1);
    assert.match(fourth.result.findings[0]!.snippet!, /pong/);
    const uncached = await run(root, [], true);
    assert.equal((uncached.result.data as { cachedFiles: number }).cachedFiles, 0);
  });

  test("token formats come from secretlint's preset, once per line, and respect suppressions", async () => {
    // Assembled at run time so that this test file itself holds no token.
    const token = ["ghp", "R8kVq3nT6wYzP1mXc4bLd7fHs2jGa9uEo5Ni"].join("_");
    const root = workspace({
      "client.js": `fetch(url, { headers: { Authorization: "token ${token}" } });\nconst GITHUB_TOKEN = "${token}";\nconst other = "${token}"; // nosec\n`,
    });
    const { result } = await run(root, [], true);
    assert.deepEqual(result.findings.map((f) => `${f.line}:${f.ruleId}:${f.cwe}`), ["1:secretlint.github:798", "2:js.hardcoded-secret:798"]);
    assert.ok(!result.findings[0]!.message.includes(token), "the token itself must not be repeated in the report");
  });

  test("many files go through the worker pool and give the same findings as one thread", async () => {
    const files: Record<string, string> = {};
    const filler = "\n".concat("def helper_%(i)s(x):\n    return x * 2\n".repeat(120));
    for (let i = 0; i < 24; i++) files[`pkg/m${String(i).padStart(2, "0")}.py`] = VULN_PY + filler.replace(/%\(i\)s/g, String(i)).repeat(3);
    const root = workspace(files);
    const { result } = await run(root, [], true);
    assert.equal(result.filesAnalyzed.length, 24);
    assert.equal(result.findings.length, 24);
    assert.ok(result.findings.every((f) => f.ruleId === "py.command-injection" && f.line === 6));
  });
});

describe("bgr audit", () => {
  function bgr(args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test("--format json and --fail-on", () => {
    const root = workspace({ "app.py": VULN_PY });
    const ok = bgr(["audit", "--cwd", root, "--format", "json", "--no-cache"]);
    assert.equal(ok.code, 0, ok.stderr);
    const report = JSON.parse(ok.stdout) as { findings: Array<{ ruleId: string; cwe: number; trace: unknown[] }>; files: string[] };
    assert.equal(report.findings[0]!.ruleId, "py.command-injection");
    assert.equal(report.findings[0]!.cwe, 78);
    assert.ok(report.findings[0]!.trace.length >= 2);
    assert.deepEqual(report.files, ["app.py"]);
    assert.equal(bgr(["audit", "--cwd", root, "--fail-on", "High", "--no-cache"]).code, 1);
  });

  test("--format sarif tags rules with their CWE", () => {
    const root = workspace({ "web.js": VULN_JS });
    const r = bgr(["audit", "web.js", "--cwd", root, "--format", "sarif", "--no-cache"]);
    assert.equal(r.code, 0, r.stderr);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: Array<{ tool: { driver: { rules: Array<{ properties?: { tags?: string[] } }> } }; results: unknown[] }> };
    assert.equal(sarif.version, "2.1.0");
    assert.equal(sarif.runs[0]!.results.length, 1);
    assert.ok(sarif.runs[0]!.tool.driver.rules[0]!.properties!.tags!.includes("external/cwe/cwe-78"));
  });
});
