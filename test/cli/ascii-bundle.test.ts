// The build makes its bundles ASCII so that V8 holds them as one-byte strings
// (scripts/ascii-bundle.mjs); the rewrite must keep every pattern's meaning
// and refuse any place where an escape could change what the code does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
type AsciiBundle = (text: string, file: string) => string;
const { asciiBundle } = (await import(path.join(PACKAGE_ROOT, "scripts/ascii-bundle.mjs"))) as { asciiBundle: AsciiBundle };

test("every bundle the build wrote is ASCII", () => {
  const dir = path.join(PACKAGE_ROOT, "dist/src/bundle");
  const names = readdirSync(dir);
  assert.ok(["cli.cjs", "spawn.cjs", "audit.cjs", "worker.mjs"].every((name) => names.includes(name)), names.join(", "));
  for (const name of names) assert.doesNotMatch(readFileSync(path.join(dir, name), "latin1"), /[^\x00-\x7f]/, name);
});

test("non-ASCII in regex literals and comments is escaped and still matches the same text", () => {
  const source = 'module.exports = { bullet: /^[-*•]\\s+(.*)$/, tau: /π|𝜏/u, stop: /[.。]+$/ };\n/*! © Ünïcode */\n';
  const ascii = asciiBundle(source, "x.cjs");
  assert.doesNotMatch(ascii, /[^\x00-\x7f]/);
  const load = (text: string) => {
    const module = { exports: {} as Record<string, RegExp> };
    new Function("module", text)(module);
    return module.exports;
  };
  const before = load(source);
  const after = load(ascii);
  for (const [name, input] of [["bullet", "• item"], ["tau", "𝜏"], ["tau", "π"], ["stop", "end。"], ["bullet", "x item"]] as const) {
    assert.equal(after[name]!.test(input), before[name]!.test(input), `${name} on ${input}`);
  }
  assert.equal(asciiBundle("const plain = /a+/;\n", "x.cjs"), "const plain = /a+/;\n");
});

test("non-ASCII anywhere an escape could change meaning fails the build, naming the line", () => {
  assert.throws(() => asciiBundle("const a = 1;\nconst raw = String.raw`•`;\n", "x.cjs"), /x\.cjs:2: non-ASCII character U\+2022 outside a regular-expression literal/);
  assert.throws(() => asciiBundle("const r = /\\•/;\n", "x.cjs"), /after a backslash/);
});
