// bench/tools-llm-mcp: the sandboxed tools on a 3,000-file tree against GNU
// find/grep (which neither honour .gitignore nor check every path against
// the sandbox, so they are the floor); the llm engine's own overhead per
// model turn against a local scripted server; and `bgr mcp` start-up and a
// spawn round trip through the SDK's client.
// Run after the build: `npm run bench tools` (or node bench/tools-llm-mcp.mjs).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "..", "dist");
const { runTool } = await import(path.join(dist, "src/tools/index.js"));
const { llmEngine } = await import(path.join(dist, "src/engines/llm/index.js"));
const { startFakeProvider } = await import(path.join(dist, "test/llm/fake-provider.js"));
const { connectBgr } = await import(path.join(dist, "test/mcp/client.js"));

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);
const FILES = 3000;
const TURNS = 30;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
async function time(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
async function medianOf(fn, samples = SAMPLES) {
  const times = [];
  for (let i = 0; i < samples; i++) times.push(await time(fn));
  return median(times);
}
const ms = (value) => `${value.toFixed(1)} ms`;

function corpus() {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), "bgr-bench-tools-")));
  const line = (i) => (i % 37 === 0 ? `    password = request.args["p${i}"]` : `    value_${i} = compute(${i}, "text ${i}")`);
  const body = Array.from({ length: 150 }, (_, i) => line(i)).join("\n") + "\n";
  writeFileSync(path.join(root, ".gitignore"), "generated/\n");
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(root, "src", `pkg${i % 30}`, `mod${i % 7}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}.${["py", "ts", "md"][i % 3]}`), `def f${i}():\n${body}`);
  }
  mkdirSync(path.join(root, "generated"), { recursive: true });
  for (let i = 0; i < 500; i++) writeFileSync(path.join(root, "generated", `g${i}.py`), body);
  return root;
}

const root = corpus();
const ctx = { root, canWrite: () => false };
try {
  console.log(`tools on ${FILES} files (+500 gitignored), median of ${SAMPLES}:`);
  const glob = await medianOf(() => runTool("Glob", { pattern: "**/*.py" }, ctx));
  const find = await medianOf(() => spawnSync("find", [root, "-name", "*.py", "-not", "-path", "*/generated/*"]));
  console.log(`  Glob **/*.py              ${ms(glob)}   find -name: ${ms(find)}`);
  const grepFiles = await medianOf(() => runTool("Grep", { pattern: "password\\s*=", max_files: 10_000 }, ctx));
  const gnuFiles = await medianOf(() => spawnSync("grep", ["-rlE", "--exclude-dir=generated", "password\\s*=", root]));
  console.log(`  Grep files_with_matches   ${ms(grepFiles)}   grep -rlE: ${ms(gnuFiles)}`);
  const grepContent = await medianOf(() => runTool("Grep", { pattern: "password", output_mode: "content", include: "*.py" }, ctx));
  console.log(`  Grep content (200 lines)  ${ms(grepContent)}`);
  const read = await medianOf(() => runTool("Read", { file_path: "src/pkg0/mod0/f0.py" }, ctx));
  console.log(`  Read 151 lines            ${ms(read)}`);

  const readCalls = Array.from({ length: TURNS }, (_, i) => ({ calls: [{ name: "Read", input: { file_path: `src/pkg${i % 30}/mod${i % 7}/f${i}.${["py", "ts", "md"][i % 3]}` } }] }));
  const submit = { calls: [{ name: "submit_report", input: { title: "t", summary: "s", findings: [], recommendations: [] } }] };
  const server = await startFakeProvider("openai", [...readCalls, submit]);
  const controller = new AbortController();
  const llmMs = await time(() =>
    llmEngine.run({
      root, scope: [], task: "Bench", instructions: "", signal: controller.signal, log: () => {}, progress: () => {}, cacheDir: root,
      options: { model: "bench", provider: "openai", baseUrl: server.baseUrl, maxTurns: TURNS + 5 },
    }),
  );
  await server.close();
  console.log(`llm engine: ${TURNS + 1} turns (a Read each) against a local server: ${ms(llmMs)} total, ${ms(llmMs / (TURNS + 1))} per turn (HTTP + tool + growing history)`);

  let client;
  const connect = await time(async () => { client = await connectBgr(root); await client.client.listTools(); });
  const spawnTimes = [];
  for (let i = 0; i < 5; i++) {
    spawnTimes.push(await time(() => client.json("spawn_background_agent", { task: `Describe module ${i}.`, kind: "llm", files: ["src/pkg0"] })));
  }
  await client.json("wait_background_agent", { ids: (await client.json("list_background_agents", {})).map((r) => r.id), timeout_seconds: 120 });
  await client.close();
  console.log(`bgr mcp: start + initialize + tools/list ${ms(connect)}; spawn_background_agent round trip median ${ms(median(spawnTimes))}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
