// An EngineContext for driving the llm engine directly, as the runtime would.
import path from "node:path";
import type { EngineContext, EngineOptions } from "../../src/engines/types.js";

export interface TestContext extends EngineContext {
  logs: string[];
  controller: AbortController;
}

export function engineContext(root: string, options: EngineOptions, overrides: Partial<EngineContext> = {}): TestContext {
  const logs: string[] = [];
  const controller = new AbortController();
  return {
    root,
    scope: [],
    task: "Run security audit on auth module.",
    instructions: "Check for OWASP Top 10 vulnerabilities.",
    options: { retryBaseMs: 1, ...options },
    signal: controller.signal,
    log: (message) => logs.push(message),
    progress: () => {},
    cacheDir: path.join(root, ".agents/cache/llm"),
    ...overrides,
    logs,
    controller,
  };
}

/** The model env vars bgr reads, cleared so the machine's own settings cannot leak into a test. */
export function clearModelEnv(): void {
  for (const name of ["BGR_MODEL", "BGR_PROVIDER", "BGR_BASE_URL", "ANTHROPIC_API_KEY", "OPENAI_API_KEY"]) delete process.env[name];
}
