import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError, loadConfig, parseConfig } from "../../src/runtime/config.js";

test("config: .agents/config.yaml is read with defaults filled in", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "bgr-config-"));
  mkdirSync(path.join(root, ".agents"));
  writeFileSync(path.join(root, ".agents/config.yaml"), "exclude: tests/fixtures/\nrules:\n  disable: [py-weak-hash]\nmodel: claude-x\n");
  const config = await loadConfig(root);
  assert.deepEqual(config.exclude, ["tests/fixtures/"]);
  assert.deepEqual(config.rules.disable, ["py-weak-hash"]);
  assert.equal(config.model, "claude-x");
  assert.equal(config.source, ".agents/config.yaml");
});

test("config: no file means empty defaults; bgr.config.json is accepted", async () => {
  const empty = mkdtempSync(path.join(tmpdir(), "bgr-config-"));
  assert.deepEqual(await loadConfig(empty), { exclude: [], rules: { disable: [] } });
  const json = mkdtempSync(path.join(tmpdir(), "bgr-config-"));
  writeFileSync(path.join(json, "bgr.config.json"), JSON.stringify({ exclude: ["a/", "b/"] }));
  assert.deepEqual((await loadConfig(json)).exclude, ["a/", "b/"]);
});

test("config: broken syntax and wrong types name the file and the key", () => {
  assert.throws(() => parseConfig("exclude: [a\n", ".agents/config.yaml"), (e: unknown) => e instanceof ConfigError && /\.agents\/config\.yaml: cannot parse/.test(e.message));
  assert.throws(() => parseConfig("rules:\n  disable: 5\n", "bgr.config.yaml"), /bgr\.config\.yaml: rules\.disable: expected a rule id or CWE-N, or a list of them: fix or remove that key$/);
  assert.throws(() => parseConfig("exclude: 5\n", "bgr.config.yaml"), /exclude: expected a gitignore-style path, or a list of them/);
  // The position is the file's, without the parser's trailing code-frame colon.
  assert.throws(() => parseConfig("model: m\nexclude: {a\n", ".agents/config.yaml"), /^ConfigError: \.agents\/config\.yaml: cannot parse, at line \d+, column \d+: [^:]+: fix the syntax$/);
});
