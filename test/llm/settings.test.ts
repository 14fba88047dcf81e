import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { resolveModelSettings } from "../../src/engines/llm/settings.js";
import { parseAgentDefinition } from "../../src/protocol/agent.js";
import type { BgrConfig } from "../../src/runtime/config.js";

const inherit = parseAgentDefinition("---\nname: runner\nmodel: inherit\n---\nBody\n", "builtin");
const pinned = parseAgentDefinition("---\nname: pinned\nmodel: sonnet\n---\nBody\n", ".claude/agents/pinned.md");
const noConfig: BgrConfig = { exclude: [], rules: { disable: [] } };
const config = (extra: Partial<BgrConfig>): BgrConfig => ({ ...noConfig, source: ".agents/config.yaml", ...extra });
const keys = { ANTHROPIC_API_KEY: "a-key", OPENAI_API_KEY: "o-key" };

function resolved(input: Parameters<typeof resolveModelSettings>[0]) {
  const result = resolveModelSettings(input);
  if (!result.ok) throw new Error(`expected settings, got blocker: ${result.blocker}`);
  return result.settings;
}

describe("model settings", () => {
  it("resolves inherit from --model, BGR_MODEL, the session, then the config", () => {
    const env = { ...keys, BGR_MODEL: "gpt-env" };
    const cfg = config({ model: "gpt-config" });
    const all = { agent: inherit, env, config: cfg };
    assert.equal(resolved({ ...all, options: { model: "gpt-flag", sessionModel: "gpt-session" } }).model, "gpt-flag");
    assert.equal(resolved({ ...all, options: { sessionModel: "gpt-session" } }).model, "gpt-env");
    const noEnv = { agent: inherit, env: keys, config: cfg };
    assert.deepEqual(
      [resolved({ ...noEnv, options: { sessionModel: "gpt-session" } }).modelSource, resolved({ ...noEnv, options: {} }).modelSource],
      ["session front matter", ".agents/config.yaml"],
    );
  });

  it("uses a pinned agent model (aliases expanded) unless --model overrides it", () => {
    const env = { ...keys, BGR_MODEL: "gpt-env" };
    const fromAgent = resolved({ agent: pinned, options: {}, env, config: noConfig });
    assert.deepEqual([fromAgent.model, fromAgent.provider, fromAgent.modelSource], ["claude-sonnet-4-5", "anthropic", "agent pinned"]);
    assert.equal(resolved({ agent: pinned, options: { model: "gpt-flag" }, env, config: noConfig }).model, "gpt-flag");
  });

  it("infers the provider from the model, and lets --provider, BGR_PROVIDER and the config choose", () => {
    assert.equal(resolved({ options: { model: "claude-opus-4-1" }, env: keys, config: noConfig }).provider, "anthropic");
    assert.equal(resolved({ options: { model: "llama3.1" }, env: keys, config: noConfig }).provider, "openai");
    assert.equal(resolved({ options: { model: "claude-x", provider: "openai" }, env: keys, config: noConfig }).provider, "openai");
    assert.equal(resolved({ options: { model: "m" }, env: { ...keys, BGR_PROVIDER: "Anthropic" }, config: noConfig }).provider, "anthropic");
    assert.equal(resolved({ options: { model: "m" }, env: keys, config: config({ provider: "anthropic" }) }).provider, "anthropic");
  });

  it("defaults the endpoint per provider and takes --base-url, BGR_BASE_URL or the config's", () => {
    assert.equal(resolved({ options: { model: "claude-x" }, env: keys, config: noConfig }).baseUrl, "https://api.anthropic.com");
    assert.equal(resolved({ options: { model: "gpt-x" }, env: keys, config: noConfig }).baseUrl, "https://api.openai.com/v1");
    const local = resolved({ options: { model: "llama3.1" }, env: { BGR_BASE_URL: "http://127.0.0.1:11434/v1" }, config: noConfig });
    assert.deepEqual([local.baseUrl, local.apiKey], ["http://127.0.0.1:11434/v1", undefined]);
  });

  it("answers with a blocker naming what to set", () => {
    const none = resolveModelSettings({ agent: inherit, options: {}, env: {}, config: noConfig });
    assert.equal(none.ok, false);
    assert.match((none as { blocker: string }).blocker, /^No model is configured for this model-driven run \(agent "runner" has model: inherit\): set one of: --model/);
    const noKey = resolveModelSettings({ options: { model: "gpt-4o" }, env: {}, config: noConfig });
    assert.deepEqual(noKey, {
      ok: false,
      blocker: 'Model "gpt-4o" uses the openai API but OPENAI_API_KEY is not set: export OPENAI_API_KEY, or point --base-url / BGR_BASE_URL at an OpenAI-compatible server that needs no key.',
    });
    const badProvider = resolveModelSettings({ options: { model: "m", provider: "gemini" }, env: keys, config: noConfig });
    assert.match((badProvider as { blocker: string }).blocker, /^Unknown provider "gemini" .*use anthropic or openai/);
    const badUrl = resolveModelSettings({ options: { model: "m", baseUrl: "localhost:11434" }, env: keys, config: noConfig });
    assert.match((badUrl as { blocker: string }).blocker, /^Base URL "localhost:11434" .* is not an http\(s\) URL/);
  });
});
