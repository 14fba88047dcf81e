// The provider names alone, so that request validation (on the spawn fast
// path) can check --provider without loading the provider clients.
export const PROVIDERS = ["anthropic", "openai"] as const;
export type ProviderName = (typeof PROVIDERS)[number];
