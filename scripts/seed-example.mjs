// Build step: every example workspace (examples/*) gets its `.agents/` from
// its tracked `.agents-seed/` wherever a file is missing, so the README's
// command has its session to update while the run's writes (session entry,
// reports, run records) stay out of the tracked tree. Existing files are
// never replaced: a session the demo already updated is left as it is.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const examples = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."), "examples");

export function seedWorkspace(root) {
  const seed = path.join(root, ".agents-seed");
  if (!existsSync(seed)) return;
  for (const rel of readdirSync(seed, { recursive: true, encoding: "utf8" })) {
    const source = path.join(seed, rel);
    if (!statSync(source).isFile()) continue;
    const target = path.join(root, ".agents", rel);
    if (existsSync(target)) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(source, target);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && existsSync(examples)) {
  for (const name of readdirSync(examples)) seedWorkspace(path.join(examples, name));
}
