// `bgr spawn` on its own: the entry the build bundles into dist/src/bundle/spawn.cjs,
// one file, so an orchestrator waiting on spawn does not pay for resolving
// and linking a hundred small modules (yaml alone is dozens).
import { register } from "./commands/spawn.js";
import { runEntry } from "./program.js";

runEntry(register, false);
