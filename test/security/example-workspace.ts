// A private copy of examples/auth-app as a newcomer's clone has it after the
// build: the tracked files, and `.agents/` seeded from `.agents-seed/` only,
// so whatever a demo run left in the repository's `.agents/` (run records,
// reports, an updated session) never reaches a test.
import { cpSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const EXAMPLE = fileURLToPath(new URL("../../../examples/auth-app", import.meta.url));

export function copyExample(target: string): string {
  const written = (source: string): boolean => {
    const rel = path.relative(EXAMPLE, source);
    return rel === ".agents" || rel.startsWith(`.agents${path.sep}`);
  };
  cpSync(EXAMPLE, target, { recursive: true, filter: (source) => !written(source) });
  cpSync(path.join(EXAMPLE, ".agents-seed"), path.join(target, ".agents"), { recursive: true });
  return target;
}
