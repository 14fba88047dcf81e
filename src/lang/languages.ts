// Which language a path is, without loading any grammar: callers that only
// list or classify files (and warm cached audits) never pay for tree-sitter.
export type Language = "python" | "javascript" | "typescript" | "tsx" | "vue";
export const LANGUAGES: readonly Language[] = ["python", "javascript", "typescript", "tsx", "vue"];

const EXTENSION_LANGUAGE: Record<string, Language> = {
  ".py": "python",
  ".pyw": "python",
  ".js": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  // The JavaScript grammar parses JSX natively.
  ".jsx": "javascript",
  ".ts": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".tsx": "tsx",
  // Single-file components: their <script> blocks, parsed as TypeScript (src/lang/vue.ts).
  ".vue": "vue",
};

/** The language of a file by its extension, or undefined when no grammar covers it. */
export function languageForPath(path: string): Language | undefined {
  const dot = path.lastIndexOf(".");
  if (dot < 0 || dot < path.lastIndexOf("/")) return undefined;
  return EXTENSION_LANGUAGE[path.slice(dot).toLowerCase()];
}

/** Every extension some grammar covers, with the leading dot. */
export function supportedExtensions(): string[] {
  return Object.keys(EXTENSION_LANGUAGE);
}
