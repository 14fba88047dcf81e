// The flat syntax table the lowering reads (src/lang/tree.ts): it keeps named
// nodes and the tokens a field names (operators), drops the rest of the
// punctuation, and gives 1-based locations from its own line table.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFile } from "../../src/lang/index.js";
import type { LiteNode } from "../../src/lang/tree.js";

function first(node: LiteNode, type: string): LiteNode {
  const found = node.type === type ? node : node.descendantsOfType(type)[0];
  assert.ok(found, `no ${type} node`);
  return found;
}

test("punctuation in no field is dropped; an operator in a field is kept and named by it", () => {
  const { root } = parseFile("python", "f(a, b)\nx = 1 + 2\n");
  assert.deepEqual(first(root, "argument_list").children.map((c) => c.type), ["identifier", "identifier"]);
  const sum = first(root, "binary_operator");
  assert.equal(sum.childForFieldName("operator")?.type, "+");
  assert.deepEqual(sum.fields, ["left", "operator", "right"]);
  const js = parseFile("javascript", "a.b(c, d);\n").root;
  assert.deepEqual(first(js, "arguments").children.map((c) => c.type), ["identifier", "identifier"]);
});

test("comparison operators stay: their tokens carry the meaning", () => {
  const { root } = parseFile("python", "if x not in ALLOWED:\n    pass\n");
  const comparison = first(root, "comparison_operator");
  assert.deepEqual(comparison.children.map((c) => c.type), ["identifier", "not in", "identifier"]);
});

test("locations are 1-based, span lines, and leaves have no children", () => {
  const text = "x = 1\ncall(\n    arg,\n)\n";
  const { root } = parseFile("python", text);
  const call = first(root, "call");
  assert.deepEqual(call.loc, { line: 2, column: 1, endLine: 4, endColumn: 2 });
  const arg = first(call, "argument_list").namedChildren[0]!;
  assert.equal(arg.text, "arg");
  assert.deepEqual(arg.loc, { line: 3, column: 5, endLine: 3, endColumn: 8 });
  assert.deepEqual(arg.startPosition, { row: 2, column: 4 });
  assert.equal(arg.childCount, 0);
  // Asked out of order, the line table still answers right.
  assert.deepEqual(first(root, "integer").loc, { line: 1, column: 5, endLine: 1, endColumn: 6 });
});
