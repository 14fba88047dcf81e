// Command line, environment and terminal input are taint sources of their own
// kind: the program's user wrote them, so their flows are Low, and a flow that
// also carries request data keeps the request's severity.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { analyzeSource } from "../../src/engines/security-audit/analyze-file.js";
import { loadRuleSet } from "../../src/engines/security-audit/rules.js";

const ruleSet = loadRuleSet();

function commandFindings(code: string) {
  return analyzeSource("tool.py", code, "python", ruleSet, new Set()).findings.filter((f) => f.ruleId === "py.command-injection");
}

describe("local input sources (python)", () => {
  test("sys.argv, os.environ and input() reach a shell at Low severity, Medium confidence", () => {
    for (const source of ["sys.argv[1]", 'os.environ["TARGET"]', 'os.getenv("TARGET")', 'input("host: ")']) {
      const found = commandFindings(`import os, sys\ndef main():\n    os.system("ping -c 1 " + ${source})\n`);
      assert.equal(found.length, 1, `${source}: expected one command-injection finding`);
      assert.equal(found[0]!.severity, "Low", `${source}: severity`);
      assert.equal(found[0]!.confidence, "Medium", `${source}: confidence`);
    }
  });

  test("request data joined with local input keeps High", () => {
    const found = commandFindings(
      [
        "import os, sys",
        "from flask import request",
        "def run():",
        '    host = request.args["host"] if len(sys.argv) < 2 else sys.argv[1]',
        '    os.system("ping -c 1 " + host)',
        "",
      ].join("\n"),
    );
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, "High");
  });

  test("a constant environment lookup that never reaches a sink reports nothing", () => {
    assert.equal(commandFindings('import os\ndef main():\n    home = os.environ["HOME"]\n    os.system("ls")\n').length, 0);
  });
});
