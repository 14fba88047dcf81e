// A review never runs the reviewed repository's code unless asked with
// --allow-exec: not its node_modules ESLint, not a flake8 plugin its config
// loads. Each "linter" here is a program that leaves a marker file when run.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { bgr, notesOf, repo, type TestRepo } from "./helpers.js";


/** A JS project whose "ESLint" in node_modules records that it ran and prints an empty result. */
function eslintTrap(): TestRepo {
  const r = repo();
  r.write(".gitignore", "node_modules\n");
  r.write("eslint.config.js", "export default [];\n").write("src/a.js", "export const a = 1;\n").commit("base");
  r.write("node_modules/eslint/bin/eslint.js", `require("node:fs").writeFileSync(${JSON.stringify(path.join(r.root, "eslint-ran"))}, "x");\nprocess.stdout.write("[]");\n`);
  r.write("node_modules/eslint/package.json", '{"name":"eslint","version":"9.0.0"}\n');
  r.write("src/a.js", "export const a = 1;\nexport const b = 2;\n");
  return r;
}

describe("no execution without --allow-exec", () => {
  it("does not run the repository's node_modules ESLint, and says which flag would", async () => {
    const r = eslintTrap();
    const result = await r.review({});
    assert.equal(existsSync(path.join(r.root, "eslint-ran")), false, "the repository's eslint ran");
    assert.match(notesOf(result), /Linters: ESLint \(eslint\.config\.js\) configured but not run: .*pass --allow-exec \(MCP: allowExec: true\)/);
    await r.review({ allowExec: true });
    assert.equal(existsSync(path.join(r.root, "eslint-ran")), true, "with allowExec the project's linter runs");
  });

  describe("flake8 local plugins", () => {
    before(() => execFileSync("flake8", ["--version"], { stdio: "ignore" }));

    it("does not load a plugin the project's flake8 config names, unless allowed", async () => {
      const r = repo();
      const marker = path.join(r.root, "plugin-ran");
      r.write(".flake8", "[flake8]\n\n[flake8:local-plugins]\nextension =\n    XTR = trap:Plugin\npaths = ./\n");
      r.write("trap.py", `open(${JSON.stringify(marker)}, "w").write("x")\n\n\nclass Plugin:\n    name = "trap"\n    version = "1"\n\n    def __init__(self, tree):\n        pass\n\n    def run(self):\n        return iter(())\n`);
      r.write("pkg/calc.py", "def total(xs):\n    return sum(xs)\n").commit("base");
      r.git("checkout", "-q", "-b", "feature");
      r.write("pkg/calc.py", "def total(xs):\n    return sum(xs) + 1\n").commit("off by one");
      await r.review({});
      assert.equal(existsSync(marker), false, "flake8 loaded the repository's plugin");
      await r.review({ allowExec: true });
      assert.equal(existsSync(marker), true, "with allowExec flake8 runs with the project's plugins");
    });
  });

  it("bgr review: --allow-exec opts in, --no-exec is a no-op that says so, both together are a usage error", async () => {
    const r = eslintTrap();
    const old = await bgr(["review", "--json", "--no-exec"], r.root);
    assert.equal(old.code, 0, old.stderr);
    assert.match(old.stderr, /--no-exec is now the default and does nothing: a review runs the project's linters only with --allow-exec/);
    assert.equal(existsSync(path.join(r.root, "eslint-ran")), false);
    const both = await bgr(["review", "--allow-exec", "--no-exec"], r.root);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--allow-exec and --no-exec contradict each other/);
    const allowed = await bgr(["review", "--json", "--allow-exec"], r.root);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(existsSync(path.join(r.root, "eslint-ran")), true);
  });

  it("bgr run of a code review does not run linters unless --allow-exec is given", async () => {
    const r = eslintTrap();
    const run = await bgr(["run", "--kind", "code-review", "--task", "Review the working tree"], r.root);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(existsSync(path.join(r.root, "eslint-ran")), false);
    const allowed = await bgr(["run", "--kind", "code-review", "--task", "Review the working tree", "--allow-exec"], r.root);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(existsSync(path.join(r.root, "eslint-ran")), true);
  });
});
