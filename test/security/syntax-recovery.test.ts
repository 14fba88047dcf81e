// A syntax error in one Python definition must not hide the definitions
// after it: tree-sitter flattens the rest of the file into one ERROR node,
// and recovery blanks only the damaged definition (or just its decorator).
import assert from "node:assert/strict";
import { test } from "node:test";
import { lowerSource } from "../../src/lang/index.js";
import { repairPython } from "../../src/lang/python-recovery.js";

const BROKEN = [
  "from flask import Flask, request",
  "import sqlite3",
  "app = Flask(__name__)",
  "",
  "@app.route('/a', methods=['POST']",
  "def broken_decorator():",
  "    return request.form['a']",
  "",
  "def broken_body(:",
  "    pass",
  "",
  "@app.route('/b')",
  "def fine():",
  "    sqlite3.connect('x').execute(\"SELECT '%s'\" % request.args['b'])",
  "",
].join("\n");

test("a broken decorator loses the decorator, a broken definition is blanked, the rest keeps its structure and lines", () => {
  const repaired = repairPython(BROKEN)!;
  assert.ok(repaired !== undefined);
  const lines = repaired.split("\n");
  assert.equal(lines.length, BROKEN.split("\n").length, "positions stay");
  assert.equal(lines[4], "", "the unclosed decorator call is blanked");
  assert.equal(lines[5], "def broken_decorator():", "its function is kept");
  assert.equal(lines[8], "", "a definition that cannot parse is blanked");
  assert.equal(lines[12], "def fine():");
  const { module, problems } = lowerSource("python", BROKEN);
  assert.ok(problems.length > 0, "the original syntax errors are still reported");
  const names = module.body.flatMap((s) => (s.k === "func" ? [s.fn.name] : []));
  assert.deepEqual(names, ["broken_decorator", "fine"]);
  const fine = module.body.find((s) => s.k === "func" && s.fn.name === "fine");
  assert.equal(fine?.loc.line, 12, "the decorated definition starts at its decorator, as in the original file");
});

test("a file that parses is left alone, and one that no blanking repairs gives undefined", () => {
  const clean = "def f():\n    return 1\n";
  assert.deepEqual(lowerSource("python", clean).problems, []);
  assert.equal(repairPython("x = (\n"), undefined);
});
