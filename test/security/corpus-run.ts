// Runs the registered security-audit engine over one language folder of the
// labeled corpus, exactly as the runtime would (through the registry, whole
// workspace scope, a live AbortSignal, a private cache folder).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEngine } from "../../src/engines/registry.js";
import type { EngineResult } from "../../src/engines/types.js";
import {
  CORPUS_LANGUAGES,
  type CorpusLanguage,
  type FileScore,
  listFixtureFiles,
  loadLabels,
  scoreFile,
} from "./corpus-scoring.js";

/** Repository root, found from this module's place in dist/test/security/. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const CORPUS_ROOT = join(REPO_ROOT, "test", "fixtures", "security");

export function languageRoot(language: CorpusLanguage): string {
  return join(CORPUS_ROOT, language);
}

export async function auditLanguage(language: CorpusLanguage): Promise<EngineResult> {
  const engine = await loadEngine("security-audit");
  if (!engine) {
    throw new Error(
      'no engine is registered for "security-audit": add its line to src/engines/registry.ts, then rebuild (npx tsc -p .)',
    );
  }
  const cacheDir = mkdtempSync(join(tmpdir(), "bgr-corpus-cache-"));
  try {
    return await engine.run({
      root: languageRoot(language),
      scope: [],
      task: `Security audit of the ${language} corpus`,
      instructions: "",
      options: { noCache: true },
      signal: new AbortController().signal,
      log: () => {},
      progress: () => {},
      cacheDir,
    });
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

export interface LanguageScore {
  language: CorpusLanguage;
  files: FileScore[];
  errors: EngineResult["errors"];
}

export async function scoreLanguage(language: CorpusLanguage): Promise<LanguageScore> {
  const root = languageRoot(language);
  const files = listFixtureFiles(root, language);
  const labels = loadLabels(root, files);
  const result = await auditLanguage(language);
  return {
    language,
    errors: result.errors,
    files: files.map((file) => scoreFile(file, labels.filter((label) => label.file === file), result.findings)),
  };
}

export async function scoreCorpus(): Promise<LanguageScore[]> {
  const scores: LanguageScore[] = [];
  for (const language of CORPUS_LANGUAGES) scores.push(await scoreLanguage(language));
  return scores;
}
