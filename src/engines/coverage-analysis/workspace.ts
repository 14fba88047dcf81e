// What the workspace itself says: the Go module path that prefixes Go
// profile paths, and the source files no report mentions.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { listFiles } from "../../tools/walk.js";
import { loadCoveragePyConfig, measuredByConfig } from "./readers/coveragepy-config.js";
import { sensitiveAreas, type SensitiveArea } from "./risk.js";

export function goModulePath(root: string): string | undefined {
  const file = path.join(root, "go.mod");
  if (!existsSync(file)) return undefined;
  return /^module\s+(\S+)/m.exec(readFileSync(file, "utf8"))?.[1];
}

const SOURCE_EXTENSIONS = [".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".py", ".go", ".java", ".kt", ".php", ".rb", ".cs", ".scala"];

/** Tests, fixtures, configs and type declarations are not code that coverage is expected to reach. */
const NOT_MEASURED = [
  /(^|\/)(tests?|__tests__|__mocks__|spec|specs|fixtures?|testdata|e2e|examples?|docs?|scripts|bench|benchmarks?|migrations)\//,
  /\.(test|spec|stories|e2e)\.[cm]?[jt]sx?$/,
  /(^|\/)(test_[^/]*|[^/]*_test|conftest|setup|noxfile|manage)\.py$/,
  /_test\.go$/,
  /(Test|Tests|IT)\.(java|kt)$/,
  /(^|\/)[^/]*\.config\.[cm]?[jt]s$/,
  /(^|\/)\.[^/]*rc\.[cm]?js$/,
  /\.d\.[cm]?ts$/,
];

/**
 * Source files in scope, in the languages the reports cover, that no report
 * mentions. Limiting to the reports' languages keeps a Python report from
 * flagging every JavaScript build script.
 */
export async function filesWithoutCoverage(
  root: string,
  scope: string[],
  covered: Set<string>,
  exclude: string[],
): Promise<Array<{ file: string; sensitive: SensitiveArea[] }>> {
  const languages = new Set<string>();
  for (const file of covered) {
    const ext = path.posix.extname(file).toLowerCase();
    if (SOURCE_EXTENSIONS.includes(ext)) languages.add(ext);
  }
  // A .ts project measured through compiled .js still names .ts sources (source maps); keep both families together.
  if ([".js", ".ts"].some((e) => languages.has(e))) for (const e of [".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"]) languages.add(e);
  if (languages.size === 0) return [];
  const candidates = await listFiles(root, { scope, extensions: [...languages], exclude, onMissing: () => undefined });
  const pythonMeasured = languages.has(".py") ? measuredByConfig(loadCoveragePyConfig(root)) : () => true;
  return candidates
    .filter((file) => !covered.has(file) && !NOT_MEASURED.some((pattern) => pattern.test(file)))
    .filter((file) => !file.endsWith(".py") || pythonMeasured(path.join(root, file)))
    .filter((file) => {
      try {
        return statSync(path.join(root, file)).size > 0;
      } catch {
        return false;
      }
    })
    .map((file) => ({ file, sensitive: sensitiveAreas(file) }));
}
