// When there is no change to diff — not a git repository, or the prompt's
// Files did not change — the reviewer reads the given files in full, as if
// every line were new. An orchestrator asking "review src/auth/token.py"
// gets a review of that file, not an empty diff.
import { listFiles } from "../../tools/walk.js";
import type { ChangeSet, ChangedFile } from "./change.js";
import { readInsideWorkspace } from "./change.js";
import { looksBinary, wholeFileAdded } from "./diff.js";

const MAX_FILE_BYTES = 2 * 1024 * 1024;

function textOf(bytes: Buffer | undefined): string | undefined {
  return bytes && !looksBinary(bytes) ? bytes.toString("utf8") : undefined;
}

export async function wholeFilesChange(root: string, scope: string[], exclude: string[]): Promise<ChangeSet> {
  const paths = await listFiles(root, { scope, exclude, maxFileBytes: MAX_FILE_BYTES });
  const files: ChangedFile[] = [];
  const texts = new Map<string, string | undefined>();
  for (const relative of paths) {
    const bytes = await readInsideWorkspace(root, relative);
    if (!bytes) continue;
    const text = textOf(bytes);
    texts.set(relative, text);
    const patch = text === undefined ? { ...wholeFileAdded(""), binary: true } : wholeFileAdded(text);
    files.push({ path: relative, status: "added", binary: text === undefined, submodule: false, symlink: false, patch });
  }
  return {
    mode: "files",
    base: "",
    baseLabel: "nothing (files reviewed in full)",
    headLabel: "working tree",
    files,
    readOld: async () => undefined,
    readNew: async (file) => texts.get(file.path),
    readSides: async (wanted) => wanted.map((file) => ({ newText: texts.get(file.path) })),
    listNewSide: () => listFiles(root, { exclude, maxFileBytes: MAX_FILE_BYTES }),
    readNewSide: async (wanted) => {
      const out = new Map<string, string>();
      for (const relative of wanted) {
        const text = texts.has(relative) ? texts.get(relative) : textOf(await readInsideWorkspace(root, relative));
        if (text !== undefined) out.set(relative, text);
      }
      return out;
    },
  };
}
