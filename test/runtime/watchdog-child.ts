// A runner whose event loop never comes back (the case the watchdog exists
// for): it registers a run, arms the watchdog with a short timeout, then
// spins synchronously forever. Only the watchdog's thread can end it.
import { registerRun } from "../../src/runtime/register.js";
import { startWatchdog } from "../../src/runtime/watchdog.js";

const [root, timeoutMs] = process.argv.slice(2);
const record = await registerRun(root!, { task: "Security audit", kind: "security-audit", files: ["src/auth/token.py"], timeout: `${timeoutMs}ms` }, process.pid, false);
startWatchdog({ root: root!, id: record.id, timeoutMs: Number(timeoutMs), graceMs: 1000, message: `timed out after ${timeoutMs}ms (--timeout)` });
process.stdout.write(`${record.id}\n`);
// Give the worker thread a moment to start, then block this thread for good.
await new Promise((resolve) => setTimeout(resolve, 100));
for (;;) {
  // spinning: no timer, no I/O callback of this thread will ever run again
}
