import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseAgentDefinition, findAgents, resolveAgent, scanAgents, loadBuiltinAgent } from "../../src/protocol/agent.js";

test("the built-in agent is the seed: background, the four tools, its body as prompt", async () => {
  const agent = await loadBuiltinAgent();
  assert.equal(agent.name, "background-runner");
  assert.equal(agent.model, "inherit");
  assert.equal(agent.background, true);
  assert.deepEqual(agent.tools, ["Read", "Edit", "Glob", "Grep"]);
  assert.equal(agent.source, "builtin");
  assert.match(agent.prompt, /^# Background Runner/);
});

test("tools accept a map, a list and a comma string; disallowedTools and readonly subtract", () => {
  const map = parseAgentDefinition("---\nname: a\ntools:\n  read: true\n  Grep: true\n  Edit: false\n---\nbody", "a.md");
  assert.deepEqual(map.tools, ["Read", "Grep"]);
  const list = parseAgentDefinition("---\nname: b\ntools: [Read, Edit, Bash]\ndisallowedTools: Bash\n---\n", "b.md");
  assert.deepEqual(list.tools, ["Read", "Edit"]);
  assert.deepEqual(list.disallowedTools, ["Bash"]);
  const str = parseAgentDefinition("---\nname: c\ntools: \"Read, Edit, Glob\"\nreadonly: true\nmaxTurns: 7\nfoo: bar\n---\n", "c.md");
  assert.deepEqual(str.tools, ["Read", "Glob"]);
  assert.equal(str.readonly, true);
  assert.equal(str.maxTurns, 7);
  assert.deepEqual(str.extra, { foo: "bar" });
  const defaults = parseAgentDefinition("---\ndescription: d\nbackground: true\n---\nPrompt.", ".claude/agents/dflt.md");
  assert.equal(defaults.name, "dflt");
  assert.deepEqual(defaults.tools, ["Read", "Edit", "Glob", "Grep"]);
  assert.equal(defaults.background, true);
  assert.equal(defaults.prompt, "Prompt.");
});

test("bad definitions get one clear error naming the file and the key", () => {
  assert.throws(() => parseAgentDefinition("no front matter", "x.md"), /x\.md: no YAML front matter/);
  assert.throws(() => parseAgentDefinition("---\nname: [\n---\n", "y.md"), /y\.md: front matter is not valid YAML/);
  assert.throws(() => parseAgentDefinition("---\nmaxTurns: -1\n---\n", "z.md"), /"maxTurns" must be a positive integer/);
  assert.throws(() => parseAgentDefinition("---\ntools: 3\n---\n", "t.md"), /"tools" must be a map/);
  assert.throws(() => parseAgentDefinition("---\nname: a/b\n---\n", "n.md"), /"name" must be/);
  assert.throws(() => parseAgentDefinition("---\nreadonly: maybe\n---\n", "r.md"), /"readonly" must be true or false/);
});

test("search order: .agents, then .claude, then .cursor, then the built-in", async () => {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-agents-")));
  for (const dir of [".agents/agents", ".claude/agents", ".cursor/agents"]) await mkdir(path.join(root, dir), { recursive: true });
  await writeFile(path.join(root, ".claude/agents/reviewer.md"), "---\nname: reviewer\ndescription: from claude\n---\n");
  await writeFile(path.join(root, ".cursor/agents/reviewer.md"), "---\nname: reviewer\ndescription: from cursor\n---\n");
  await writeFile(path.join(root, ".cursor/agents/background-runner.md"), "---\nname: background-runner\ndescription: override\n---\n");
  await writeFile(path.join(root, ".agents/agents/broken.md"), "---\ntools: 5\n---\n");
  const scan = await scanAgents(root);
  assert.deepEqual(scan.agents.map((a) => [a.name, a.source]), [
    ["reviewer", ".claude/agents/reviewer.md"],
    ["background-runner", ".cursor/agents/background-runner.md"],
  ]);
  assert.equal(scan.shadowed.length, 2);
  assert.equal(scan.invalid.length, 1);
  assert.match(scan.invalid[0]!.message, /broken\.md/);
  assert.equal((await resolveAgent(root, "reviewer")).description, "from claude");
  assert.equal((await findAgents(root)).length, 2);
  await assert.rejects(resolveAgent(root, "nobody"), /no agent definition named "nobody".*known: reviewer, background-runner/);
  await assert.rejects(resolveAgent(root, "broken"), /"tools" must be a map/);
});
