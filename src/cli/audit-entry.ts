// `bgr audit` on its own: the entry the build bundles into dist/src/bundle/audit.cjs.
// The audit is the command run most often against a warm cache, where start-up is
// most of the time, and the full CLI bundle carries every engine (the code review's
// tokenizer alone is 347 KB): reading, deserialising and initialising a script
// costs in proportion to its size, code cache or not.
import { register } from "./commands/audit.js";
import { createProgram, exitWhenFlushed, runProgram } from "./program.js";

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
    exitWhenFlushed(code);
  });
