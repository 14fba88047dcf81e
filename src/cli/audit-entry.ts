// `bgr audit` on its own: the entry the build bundles into dist/src/bundle/audit.cjs.
// The audit is the command run most often against a warm cache, where start-up is
// most of the time, and the full CLI bundle carries every engine (the code review's
// tokenizer alone is 347 KB): reading, deserialising and initialising a script
// costs in proportion to its size, code cache or not.
import { register } from "./commands/audit.js";
import { runEntry } from "./program.js";

runEntry(register, true);
