import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { reviewSettingsSchema } from "../../src/engines/code-review/context.js";
import { ConfigError, effectiveConfig, loadConfig, parseConfig, REVIEW_DEFAULTS, REVIEW_RULE_IDS, securityRuleIds } from "../../src/runtime/config.js";

test("config: .agents/config.yaml is read with defaults filled in", async () => {
  const root = mkdtempSync(path.join(tmpdir(), "bgr-config-"));
  mkdirSync(path.join(root, ".agents"));
  writeFileSync(path.join(root, ".agents/config.yaml"), "exclude: tests/fixtures/\nrules:\n  disable: [py.weak-hash]\nmodel: claude-x\n");
  const config = await loadConfig(root);
  assert.deepEqual(config.exclude, ["tests/fixtures/"]);
  assert.deepEqual(config.rules.disable, ["py.weak-hash"]);
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
  assert.throws(() => parseConfig("exclude: [a\n", ".agents/config.yaml"), (e: unknown) => e instanceof ConfigError && /\.agents\/config\.yaml:\d+: cannot parse/.test(e.message));
  assert.throws(() => parseConfig("rules:\n  disable: 5\n", "bgr.config.yaml"), /bgr\.config\.yaml:2: rules\.disable: expected a rule id or CWE-N, or a list of them: fix or remove that key$/);
  assert.throws(() => parseConfig("exclude: 5\n", "bgr.config.yaml"), /:1: exclude: expected a path or a list of them/);
  // The position is the file's, without the parser's trailing code-frame colon.
  assert.throws(() => parseConfig("model: m\nexclude: {a\n", ".agents/config.yaml"), /^ConfigError: \.agents\/config\.yaml:\d+: cannot parse, [^:]+: fix the syntax$/);
});

test("config: unknown keys are refused with the line and the nearest known key", () => {
  assert.throws(() => parseConfig("exclde: [tests/]\n", ".agents/config.yaml"), /^ConfigError: \.agents\/config\.yaml:1: exclde: unknown key: did you mean exclude\?$/);
  assert.throws(() => parseConfig("exclude: [a]\naudit:\n  exclud: [tests/]\n", ".agents/config.yaml"), /^ConfigError: \.agents\/config\.yaml:3: audit\.exclud: unknown key: did you mean exclude\?$/);
  assert.throws(() => parseConfig("zzz: 1\n", "bgr.config.yaml"), /bgr\.config\.yaml:1: zzz: unknown key: known keys are exclude, rules, audit, coverage, review, model, provider, baseUrl, allowExec$/);
  assert.throws(() => parseConfig('{\n  "exclude": [],\n  "revew": {}\n}\n', "bgr.config.json"), /^ConfigError: bgr\.config\.json:3: revew: unknown key: did you mean review\?$/);
});

test("config: rule ids are checked against the rule set, with did-you-mean", () => {
  assert.throws(() => parseConfig("rules:\n  disable:\n    - py.weak-hash\n    - py.nope-rule\n", ".agents/config.yaml"), /^ConfigError: \.agents\/config\.yaml:4: rules\.disable: py\.nope-rule is not a rule: rule ids look like/);
  assert.throws(() => parseConfig("rules:\n  disable: [py.sql-injektion]\n", ".agents/config.yaml"), /:2: rules\.disable: py\.sql-injektion is not a rule: did you mean py\.sql-injection\?$/);
  assert.throws(() => parseConfig("rules:\n  disable: weak-hash\n", ".agents/config.yaml"), /did you mean js\.weak-hash or py\.weak-hash\?$/);
  const ok = parseConfig("rules:\n  disable: [py.weak-hash, CWE-327, review/long-function, eslint/no-console, secretlint]\n", ".agents/config.yaml");
  assert.equal(ok.rules.disable.length, 5);
});

test("config: ranges and types are checked where they are written", () => {
  assert.throws(() => parseConfig("coverage:\n  thresholds:\n    lines: 101\n", ".agents/config.yaml"), /^ConfigError: \.agents\/config\.yaml:3: coverage\.thresholds\.lines: expected a percentage from 0 to 100, got 101: fix or remove that key$/);
  assert.throws(() => parseConfig("review:\n  maxNesting: 0\n", ".agents/config.yaml"), /:2: review\.maxNesting: expected a positive whole number, got 0/);
  assert.throws(() => parseConfig("provider: claude\n", ".agents/config.yaml"), /:1: provider: use anthropic or openai/);
  assert.throws(() => parseConfig("baseUrl: localhost:11434\n", ".agents/config.yaml"), /:1: baseUrl: expected an http\(s\) URL/);
  assert.throws(() => parseConfig("audit:\n  tests: sometimes\n", ".agents/config.yaml"), /:2: audit\.tests: use one of include, demote, skip/);
  assert.throws(() => parseConfig("audit:\n  severity: Critical\n", ".agents/config.yaml"), /:2: audit\.severity: use High, Medium, Low or Info/);
  const audit = parseConfig("allowExec: true\naudit:\n  tests: skip\n  min-confidence: high\n  severity: Medium+\n", ".agents/config.yaml");
  assert.deepEqual([audit.allowExec, audit.audit?.tests, audit.audit?.["min-confidence"], audit.audit?.severity], [true, "skip", "high", "Medium+"]);
});

test("config: effective settings say where each value came from", () => {
  const config = parseConfig("exclude: [tests/]\nreview:\n  maxNesting: 3\nmodel: m1\n", ".agents/config.yaml");
  const entries = new Map(effectiveConfig(config, {}).map((e) => [e.key, e]));
  assert.deepEqual(entries.get("exclude"), { key: "exclude", value: ["tests/"], from: ".agents/config.yaml:1" });
  assert.deepEqual(entries.get("review.maxNesting"), { key: "review.maxNesting", value: 3, from: ".agents/config.yaml:3" });
  assert.equal(entries.get("review.maxParams")!.from, "default");
  assert.equal(entries.get("model")!.from, ".agents/config.yaml:4");
  assert.deepEqual(new Map(effectiveConfig(config, { BGR_MODEL: "m2" }).map((e) => [e.key, e])).get("model"), { key: "model", value: "m2", from: "env BGR_MODEL" });
});

test("config: the reviewer's rule ids and thresholds listed here are the engine's", () => {
  const engine = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../src/engines/code-review");
  const ids = new Set<string>();
  for (const file of readdirSync(engine, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"))) {
    for (const match of readFileSync(path.join(engine, file), "utf8").matchAll(/["`](review\/[a-z-]+)["`]/g)) ids.add(match[1]!);
  }
  assert.deepEqual([...ids].sort(), [...REVIEW_RULE_IDS].sort());
  assert.deepEqual(Object.keys(REVIEW_DEFAULTS).sort(), Object.keys(reviewSettingsSchema.shape).sort());
  assert.deepEqual(REVIEW_DEFAULTS, reviewSettingsSchema.parse({}));
  assert.ok(securityRuleIds().includes("py.sql-injection") && securityRuleIds().includes("js.xss"));
});
