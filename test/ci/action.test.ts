// The composite Action at the repository root: its shape, and its run step
// executed for real (the script, with the environment the runner gives it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { sarifSchemaErrors } from "../report/schema.js";
import { copyExample } from "../security/example-workspace.js";

const PACKAGE = fileURLToPath(new URL("../../..", import.meta.url));

interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  id?: string;
  if?: string;
}

test("action.yml is a composite action whose steps use only declared inputs and files that exist", async () => {
  const text = await readFile(path.join(PACKAGE, "action.yml"), "utf8");
  const action = parseYaml(text) as { name: string; inputs: Record<string, { description: string; default?: string }>; runs: { using: string; steps: Step[] }; outputs: Record<string, { value: string }> };
  assert.equal(action.runs.using, "composite");
  const declared = new Set(Object.keys(action.inputs));
  for (const [, name] of text.matchAll(/inputs\.([\w-]+)/g)) assert.ok(declared.has(name!), `inputs.${name} is declared`);
  for (const input of Object.values(action.inputs)) assert.ok(input.description);
  const uses = action.runs.steps.flatMap((s) => (s.uses ? [s.uses] : []));
  assert.ok(uses.includes("actions/setup-node@v4"));
  assert.ok(uses.includes("github/codeql-action/upload-sarif@v3"));
  for (const step of action.runs.steps) {
    for (const [, file] of (step.run ?? "").matchAll(/\$GITHUB_ACTION_PATH\/([\w./-]+)/g)) assert.ok(existsSync(path.join(PACKAGE, file!)), `${file} exists`);
  }
  assert.match(action.outputs["sarif-file"]!.value, /steps\.run\.outputs\.sarif-file/);
});

function runStep(cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("bash", [path.join(PACKAGE, "scripts/github-action.sh")], { cwd, env: { ...process.env, GITHUB_ACTION_PATH: PACKAGE, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test("the run step writes valid SARIF, names it as an output, annotates, and fails on --fail-on", async () => {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-action-")));
  copyExample(root);
  const runnerTemp = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-runner-")));
  const outputs = path.join(runnerTemp, "outputs");
  await writeFile(outputs, "");
  const env = { BGR_COMMAND: "audit", BGR_PATHS: "web", BGR_ARGS: "", BGR_BASELINE: "", BGR_FAIL_ON: "high", BGR_SARIF: "true", BGR_POST_REVIEW: "false", RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: outputs };
  const run = await runStep(root, env);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /^::error file=web\/[^,]+,line=\d+/m);
  assert.ok(!/file=src\//.test(run.stdout), "the paths input limits the audit");
  const sarifFile = path.join(runnerTemp, "bgr-audit.sarif");
  assert.equal(await readFile(outputs, "utf8"), `sarif-file=${sarifFile}\n`);
  const sarif = JSON.parse(await readFile(sarifFile, "utf8"));
  assert.deepEqual(sarifSchemaErrors(sarif), []);
  assert.equal(sarif.runs[0].automationDetails.id, "bgr/audit/");

  const lenient = await runStep(root, { ...env, BGR_FAIL_ON: "none", BGR_SARIF: "false" });
  assert.equal(lenient.code, 0, lenient.stderr);

  const wrong = await runStep(root, { ...env, BGR_COMMAND: "scan" });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stdout, /^::error title=bgr action::input command is 'scan': use audit, review or coverage$/m);
  const badPost = await runStep(root, { ...env, BGR_SARIF: "false", BGR_POST_REVIEW: "true" });
  assert.equal(badPost.code, 2);
  assert.match(badPost.stdout, /post-review is for command review, not audit/);
  const badArgs = await runStep(root, { ...env, BGR_ARGS: "--fail-on sometimes" });
  assert.equal(badArgs.code, 2, "a usage error stops the step");
  await writeFile(outputs, "");
  const noSarif = await runStep(root, { ...env, BGR_ARGS: "--no-such-flag" });
  assert.equal(noSarif.code, 2);
  assert.equal(await readFile(outputs, "utf8"), "", "no SARIF output named when the run never analysed");
});

test("the run step analyses a checkout in a sub-folder (working-directory), once for both outputs", async () => {
  const workspace = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-action-ws-")));
  copyExample(path.join(workspace, "repo"));
  const runnerTemp = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-runner-")));
  const outputs = path.join(runnerTemp, "outputs");
  await writeFile(outputs, "");
  const env = { BGR_COMMAND: "audit", BGR_PATHS: "web", BGR_ARGS: "--no-cache", BGR_BASELINE: "", BGR_FAIL_ON: "none", BGR_SARIF: "true", BGR_POST_REVIEW: "false", BGR_WORKING_DIRECTORY: "repo", RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: outputs };
  const run = await runStep(workspace, env);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^::error file=web\/[^,]+,line=\d+/m);
  const sarif = JSON.parse(await readFile(path.join(runnerTemp, "bgr-audit.sarif"), "utf8"));
  assert.deepEqual(sarifSchemaErrors(sarif), []);
  const annotated = new Set([...run.stdout.matchAll(/^::\w+ file=([^,]+),line=(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`));
  const inSarif = new Set(sarif.runs[0].results.map((r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }) => `${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine}`));
  assert.deepEqual([...annotated].sort(), [...inSarif].sort(), "annotations and SARIF come from the same analysis");

  const missing = await runStep(workspace, { ...env, BGR_WORKING_DIRECTORY: "nope" });
  assert.equal(missing.code, 2);
  assert.match(missing.stdout, /input working-directory 'nope' is not a folder/);
});
