// Released like a package people install: the tarball `npm pack` makes is
// installed globally into a temp prefix (dependencies from npm's cache, else
// the registry), and the installed `bgr` audits a copy of the example and
// serves MCP to the SDK's client. Runs under whatever node runs the suite, so
// .ci/run repeats it on Node 22 and 24.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, realpath, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { copyExample } from "../security/example-workspace.js";

const run = promisify(execFile);
const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

test("npm pack → npm install -g --prefix → bgr audit and bgr mcp from the install", async () => {
  const work = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-pack-")));
  // The installed bin's `#!/usr/bin/env node` must find the node running this suite (22 or 24 in CI).
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}` };
  try {
    // dist/ is built by `npm test` already; `prepare` would rebuild it under the running suite.
    const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: PACKAGE_ROOT, env, maxBuffer: 64 * 1024 * 1024 });
    const manifest = JSON.parse(packed.stdout)[0] as { filename: string; files: Array<{ path: string }> };
    const files = manifest.files.map((f) => f.path);
    for (const required of ["LICENSE", "CHANGELOG.md", "README.md", "package.json", "dist/src/cli/main.js", "dist/src/cli/main.cjs", "dist/src/bundle/spawn.cjs", "dist/src/bundle/audit.cjs", "dist/src/bundle/cli.cjs", "dist/src/compiled-rules.json", "ui/app.js", "agents/background-runner.md"]) {
      assert.ok(files.includes(required), `${required} is in the package`);
    }
    assert.ok(files.some((f) => f.startsWith("rules/security/python/")), "the rules ship");
    assert.equal(files.some((f) => f.startsWith("dist/test/") || f.startsWith("test/") || f.startsWith("src/")), false, "no tests or TypeScript sources");

    const prefix = path.join(work, "prefix");
    await run("npm", ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", path.join(work, manifest.filename)], {
      cwd: work, env, maxBuffer: 64 * 1024 * 1024,
    });
    const bin = path.join(prefix, "bin", "bgr");
    assert.ok((await stat(bin)).isFile());

    const app = path.join(work, "auth-app");
    copyExample(app);
    const version = await run(bin, ["--version"], { cwd: app, env });
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    const audit = await run(bin, ["audit", "src/auth", "--format", "json"], { cwd: app, env, maxBuffer: 64 * 1024 * 1024 });
    const result = JSON.parse(audit.stdout) as { findings: Array<{ ruleId: string; file: string }>; files: string[] };
    assert.ok(result.findings.some((f) => f.ruleId === "py.sql-injection"), JSON.stringify(result.findings.map((f) => f.ruleId)));
    assert.ok(result.files.includes("src/auth/endpoints.py"));

    const client = new Client({ name: "bgr-pack-test", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: bin, args: ["mcp", "--cwd", app], cwd: app, env: { PATH: env.PATH!, HOME: process.env.HOME ?? app }, stderr: "pipe" }));
    try {
      const { tools } = await client.listTools();
      assert.equal(tools.length, 9);
      const reports = await client.callTool({ name: "list_reports", arguments: {} });
      assert.deepEqual((reports.structuredContent as { reports: unknown[] }).reports, []);
    } finally {
      await client.close();
    }
    // The install is self-contained: bgr's own files came from the tarball, not this checkout.
    const installed = path.join(prefix, "lib", "node_modules", "bgr");
    assert.deepEqual((await readdir(installed)).filter((f) => f === "src" || f === "test"), []);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
