import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { runTool, TOOLS, toolJsonSchema } from "../../src/tools/index.js";
import { makeWorkspace, readOnlyContext, type TempWorkspace } from "./workspace.js";

describe("Glob", () => {
  let ws: TempWorkspace;
  before(async () => {
    ws = await makeWorkspace({
      ".gitignore": "build/\n*.log\n",
      "src/auth/endpoints.py": "x\n",
      "src/auth/token.py": "x\n",
      "src/app.ts": "x\n",
      "src/web/.env.example": "x\n",
      "src/web/nested/.gitignore": "secret.py\n",
      "src/web/nested/secret.py": "x\n",
      "src/web/nested/ok.py": "x\n",
      "build/out.py": "x\n",
      "debug.log": "x\n",
      "node_modules/pkg/index.py": "x\n",
      ".agents/reports/r.md": "x\n",
      "README.md": "x\n",
    });
  });
  after(() => ws.cleanup());
  const glob = (input: unknown) => runTool("Glob", input, readOnlyContext(ws.root));

  it("matches recursively, sorted, honouring nested .gitignore files", async () => {
    const out = await glob({ pattern: "**/*.py" });
    assert.deepEqual(out, {
      ok: true,
      text: ["src/auth/endpoints.py", "src/auth/token.py", "src/web/nested/ok.py"].join("\n"),
    });
  });

  it("matches relative to path, with braces and dotfiles", async () => {
    assert.equal((await glob({ pattern: "*.py", path: "src/auth" })).text, "src/auth/endpoints.py\nsrc/auth/token.py");
    assert.equal((await glob({ pattern: "*.{ts,md}" })).text, "README.md");
    assert.equal((await glob({ pattern: "**/*.{ts,md}" })).text, "README.md\nsrc/app.ts");
    assert.equal((await glob({ pattern: "**/.env*" })).text, "src/web/.env.example");
  });

  it("says when nothing matches", async () => {
    assert.deepEqual(await glob({ pattern: "**/*.rb", path: "src" }), { ok: true, text: "No files match **/*.rb in src" });
  });

  it("refuses patterns and paths that leave the workspace", async () => {
    assert.deepEqual(await glob({ pattern: "../**/*.py" }), {
      ok: false,
      text: 'glob "../**/*.py" must be relative and stay inside the search path: drop the leading "/" or ".."',
    });
    assert.equal((await glob({ pattern: "/etc/*" })).ok, false);
    const outside = await glob({ pattern: "*", path: ws.outside });
    assert.equal(outside.ok, false);
    assert.match(outside.text, /is outside the workspace/);
  });

  it("rejects a missing directory or a file as path", async () => {
    assert.deepEqual(await glob({ pattern: "*", path: "nope" }), {
      ok: false,
      text: "nope does not exist: give a directory inside the workspace",
    });
    assert.deepEqual(await glob({ pattern: "*", path: "README.md" }), {
      ok: false,
      text: "README.md is a file, not a directory: pass its folder as path",
    });
  });
});

describe("tool registry", () => {
  it("offers the seed's four tools with strict JSON schemas", () => {
    assert.deepEqual(Object.keys(TOOLS), ["Read", "Edit", "Glob", "Grep"]);
    for (const tool of Object.values(TOOLS)) {
      const schema = toolJsonSchema(tool);
      assert.equal(schema.type, "object", tool.name);
      assert.equal(schema.additionalProperties, false, tool.name);
      assert.equal("$schema" in schema, false, tool.name);
      assert.ok(tool.description.length > 40, tool.name);
    }
    assert.deepEqual(toolJsonSchema(TOOLS.Read).required, ["file_path"]);
    assert.equal(TOOLS.Edit.readonly, false);
    assert.equal(TOOLS.Grep.readonly, true);
  });

  it("names unknown tools and the available ones", async () => {
    assert.deepEqual(await runTool("Bash", { command: "ls" }, readOnlyContext("/")), {
      ok: false,
      text: 'unknown tool "Bash": available tools are Read, Edit, Glob, Grep',
    });
  });
});
