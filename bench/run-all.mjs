// `npm run bench`: every bench/*.mjs in turn (after the build), output as is.
// A benchmark that fails (a peer tool missing, a goal's run crashing) makes
// the whole command fail, so a number is never silently absent.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((name) => name.endsWith(".mjs") && name !== "run-all.mjs")
  .filter((name) => only.length === 0 || only.some((o) => name.startsWith(o)))
  .sort();

const failed = [];
for (const script of scripts) {
  console.log(`\n=== bench/${script}`);
  const result = spawnSync(process.execPath, [path.join(here, script)], { stdio: "inherit" });
  if (result.status !== 0) failed.push(script);
}
if (failed.length > 0) {
  console.error(`\nbench: failed: ${failed.join(", ")}`);
  process.exit(1);
}
