// `bgr spawn` on its own: the entry the build bundles into dist/src/bundle/spawn.cjs,
// one file, so an orchestrator waiting on spawn does not pay for resolving
// and linking a hundred small modules (yaml alone is dozens).
import { register } from "./commands/spawn.js";
import { createProgram, runProgram } from "./program.js";

const program = createProgram();
register(program);
// No top-level await: the build also emits this entry as a classic script (code-cached, see scripts/bundle-commands.mjs).
void runProgram(program, process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`bgr: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  })
  .then((code) => {
    process.exitCode = code;
  });
