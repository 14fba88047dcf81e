// Which model, which provider, which endpoint, which key: resolved once per
// run, in the documented order, and when something is missing the answer is
// a blocker that names exactly what to set (the seed's way to fail).
import { isAnthropicModel, modelForProvider, type AgentDefinition } from "../../protocol/agent.js";
import type { BgrConfig } from "../../runtime/config.js";
import type { EngineOptions } from "../types.js";
import { ANTHROPIC_DEFAULT_BASE_URL } from "./anthropic.js";
import { OPENAI_DEFAULT_BASE_URL } from "./openai.js";

import { PROVIDERS, type ProviderName } from "./provider-names.js";

export { PROVIDERS, type ProviderName };

export interface ModelSettings {
  provider: ProviderName;
  model: string;
  baseUrl: string;
  apiKey?: string;
  /** Where the model id came from, for the run log: "--model", "BGR_MODEL", "agent", "session", "config". */
  modelSource: string;
}

export type SettingsResolution = { ok: true; settings: ModelSettings } | { ok: false; blocker: string };

/** Claude Code agent files say `model: sonnet`; these are the API aliases those names mean. */

const HOW_TO_SET_MODEL =
  "set one of: --model <id> on bgr run/spawn (model in the MCP spawn tool), the BGR_MODEL environment variable, `model:` in the session file's front matter, " +
  "or `model:` in .agents/config.yaml; and pick the provider with --provider anthropic|openai or BGR_PROVIDER " +
  "(key in ANTHROPIC_API_KEY or OPENAI_API_KEY; --base-url / BGR_BASE_URL for a local OpenAI-compatible server such as Ollama)";

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;

function pickModel(agent: AgentDefinition | undefined, options: EngineOptions, env: NodeJS.ProcessEnv, config: BgrConfig) {
  const agentModel = agent && agent.model !== "inherit" ? text(agent.model) : undefined;
  // An explicit per-run flag beats the definition; the definition beats the ambient defaults it would otherwise inherit.
  const candidates: Array<[string | undefined, string]> = [
    [text(options.model), "--model"],
    [agentModel, `agent ${agent?.name ?? ""}`.trim()],
    [text(env.BGR_MODEL), "BGR_MODEL"],
    [text(options.sessionModel), "session front matter"],
    [text(config.model), config.source ?? "config"],
  ];
  for (const [value, source] of candidates) {
    // Aliases (sonnet, fast…) stay as written until the provider is known: modelForProvider maps or refuses them.
    if (value !== undefined && value !== "inherit") return { model: value, source };
  }
  return undefined;
}

function inferProvider(model: string): ProviderName {
  return isAnthropicModel(model) ? "anthropic" : "openai";
}

export function resolveModelSettings(input: {
  agent?: AgentDefinition;
  options: EngineOptions;
  env: NodeJS.ProcessEnv;
  config: BgrConfig;
}): SettingsResolution {
  const { agent, options, env, config } = input;
  const picked = pickModel(agent, options, env, config);
  if (!picked) {
    const who = agent ? `agent "${agent.name}" has model: ${agent.model}` : "no model was given";
    return { ok: false, blocker: `No model is configured for this model-driven run (${who}): ${HOW_TO_SET_MODEL}.` };
  }

  const explicitProvider = text(options.provider) ?? text(env.BGR_PROVIDER) ?? text(config.provider);
  let provider: ProviderName;
  if (explicitProvider !== undefined) {
    const normalized = explicitProvider.toLowerCase();
    if (!(PROVIDERS as readonly string[]).includes(normalized)) {
      return {
        ok: false,
        blocker: `Unknown provider "${explicitProvider}" (from --provider, BGR_PROVIDER or the config's provider:): use anthropic or openai (openai covers any OpenAI-compatible server).`,
      };
    }
    provider = normalized as ProviderName;
  } else {
    provider = inferProvider(picked.model);
  }

  const forProvider = modelForProvider(picked.model, provider);
  if ("error" in forProvider) return { ok: false, blocker: `${forProvider.error} (model from ${picked.source}).` };
  picked.model = forProvider.model;

  const defaultBaseUrl = provider === "anthropic" ? ANTHROPIC_DEFAULT_BASE_URL : OPENAI_DEFAULT_BASE_URL;
  const baseUrl = text(options.baseUrl) ?? text(env.BGR_BASE_URL) ?? text(config.baseUrl) ?? defaultBaseUrl;
  let parsedUrl: URL | undefined;
  try {
    parsedUrl = new URL(baseUrl);
  } catch {
    parsedUrl = undefined;
  }
  if (!parsedUrl || (parsedUrl.protocol !== "http:" && parsedUrl.protocol !== "https:")) {
    return { ok: false, blocker: `Base URL "${baseUrl}" (--base-url, BGR_BASE_URL or the config's baseUrl:) is not an http(s) URL: give e.g. http://127.0.0.1:11434/v1.` };
  }

  const keyVariable = provider === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
  const apiKey = text(env[keyVariable]);
  // Local servers (Ollama, llama.cpp) take no key; the public endpoints always do.
  if (!apiKey && baseUrl === defaultBaseUrl) {
    return {
      ok: false,
      blocker: `Model "${picked.model}" uses the ${provider} API but ${keyVariable} is not set: export ${keyVariable}, or point --base-url / BGR_BASE_URL at an OpenAI-compatible server that needs no key.`,
    };
  }
  return { ok: true, settings: { provider, model: picked.model, baseUrl, ...(apiKey ? { apiKey } : {}), modelSource: picked.source } };
}
