// `bgr agents` and `--agent`: warnings for what bgr will not honour, a broken
// file as exit 2 when used, and a note when an engine kind leaves the agent unused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { bgr, makeWorkspace } from "./helpers.js";

test("bgr agents warns about tools and keys; a broken file is a warning there and exit 2 when used", async () => {
  const root = await makeWorkspace();
  await mkdir(path.join(root, ".claude/agents"), { recursive: true });
  await writeFile(path.join(root, ".claude/agents/sec.md"), "---\nname: sec\ntools: Read, Grep, Glob, Bash\ncolor: red\n---\nYou review.\n");
  await writeFile(path.join(root, ".claude/agents/broken.md"), "---\nname: [broken\n---\nx\n");
  const listed = await bgr(["agents"], { cwd: root });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^sec {2}\(\.claude\/agents\/sec\.md\) {2}model: inherit {2}tools: Read, Grep, Glob$/m);
  assert.match(listed.stdout, /^ {2}warning: tools Bash: bgr does not offer it/m);
  assert.match(listed.stdout, /^ {2}warning: keys color: bgr ignores it/m);
  assert.match(listed.stdout, /^warning: invalid: \.claude\/agents\/broken\.md: front matter is not valid YAML/m);
  const json = JSON.parse((await bgr(["agents", "--json"], { cwd: root })).stdout);
  assert.deepEqual(json.agents.find((a: { name: string }) => a.name === "sec").offeredTools, ["Read", "Grep", "Glob"]);

  const used = await bgr(["spawn", "--task", "Security audit", "--agent", "broken"], { cwd: root });
  assert.equal(used.code, 2);
  assert.match(used.stderr, /^bgr: \.claude\/agents\/broken\.md: front matter is not valid YAML/);

  const engine = await bgr(["run", "--task", "Security audit", "--files", "src/auth/token.py", "--agent", "sec", "--json"], { cwd: root });
  assert.equal(engine.code, 0, engine.stderr);
  assert.match(engine.stderr, /^bgr: note: agent sec: a security-audit run is bgr's own engine, so the agent's prompt, tools and model are not used; add --triage/m);
  const outcome = JSON.parse(engine.stdout) as { id: string };
  const log = await readFile(path.join(root, ".agents/runs", `${outcome.id}.log`), "utf8");
  assert.match(log, /agent sec: a security-audit run is bgr's own engine/);
});
