// Kind → engine. Engines load lazily so that `bgr status` never pays for
// tree-sitter. A kind with no entry here fails the seed's way (partial report
// whose Blockers name the missing engine).
import { optimize } from "../runtime/tiering.js";
import type { Engine, TaskKind } from "./types.js";

type EngineLoader = () => Promise<Engine>;

const loaders: Partial<Record<TaskKind, EngineLoader>> = {
  "coverage-analysis": async () => (await import("./coverage-analysis/index.js")).coverageAnalysisEngine,
  llm: async () => (await import("./llm/index.js")).llmEngine,
  // Each engine adds exactly one line here.
  "code-review": async () => (await import("./code-review/index.js")).codeReviewEngine,
  "security-audit": async () => (await import("./security-audit/index.js")).securityAuditEngine,
};

export function hasEngine(kind: TaskKind): boolean {
  return loaders[kind] !== undefined;
}

export async function loadEngine(kind: TaskKind): Promise<Engine | undefined> {
  const loader = loaders[kind];
  // A run starts on baseline code for the audit's sake (runtime/tiering.ts); other work gets the optimising compiler back.
  if (kind !== "security-audit") optimize();
  return loader ? loader() : undefined;
}
