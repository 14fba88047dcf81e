import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, writeFile, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { agentNoteFor, agentUseNote, DEFAULT_TOOLS, modelForProvider, parseAgentDefinition, findAgents, resolveAgent, scanAgents, loadBuiltinAgent } from "../../src/protocol/agent.js";
import { resolveModelSettings } from "../../src/engines/llm/settings.js";

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

test("warnings name the tools bgr does not offer and the keys it ignores; offeredTools is what a run gets", () => {
  const agent = parseAgentDefinition("---\nname: sec\ntools: Read, Grep, Glob, Bash\ncolor: red\npermissionMode: plan\n---\nYou review.\n", ".claude/agents/sec.md");
  assert.deepEqual(agent.offeredTools, ["Read", "Grep", "Glob"]);
  assert.deepEqual(agent.warnings, [
    "tools Bash: bgr does not offer it (only Read, Edit, Glob, Grep); a run gets Read, Grep, Glob",
    "keys color, permissionMode: bgr ignores them (kept in the file, no effect on runs)",
  ]);
  assert.deepEqual(parseAgentDefinition("---\nname: ok\ntools: [Read]\n---\n", "ok.md").warnings, []);
});

test("the tools an agent may be offered are exactly bgr's model tools", async () => {
  const { TOOL_NAMES } = await import("../../src/tools/index.js");
  assert.deepEqual([...DEFAULT_TOOLS].sort(), [...TOOL_NAMES].sort());
});

test("Claude Code and Cursor model aliases: mapped for anthropic, refused for openai with the reason", () => {
  assert.deepEqual(modelForProvider("sonnet", "anthropic"), { model: "claude-sonnet-4-5" });
  assert.deepEqual(modelForProvider("fast", "anthropic"), { model: "claude-haiku-4-5" });
  assert.deepEqual(modelForProvider("llama3", "openai"), { model: "llama3" });
  const refused = modelForProvider("fast", "openai");
  assert.ok("error" in refused);
  assert.match(refused.error, /^model "fast" is Cursor's alias for an Anthropic model \(claude-haiku-4-5\); provider openai has no such model: give a model id/);
  assert.match(parseAgentDefinition("---\nmodel: opus\n---\n", "o.md").warnings[0]!, /model opus: Claude Code's alias, run as claude-opus-4-1 with provider anthropic; refused with provider openai/);
  const cursor = parseAgentDefinition("---\nmodel: fast\n---\n", ".cursor/agents/quick.md");
  const resolution = resolveModelSettings({ agent: cursor, options: { provider: "openai", baseUrl: "http://127.0.0.1:9/v1" }, env: {}, config: { exclude: [], rules: { disable: [] } } });
  assert.equal(resolution.ok, false);
  assert.match((resolution as { blocker: string }).blocker, /Cursor's alias .* \(model from agent quick\)\.$/);
  const inherit = parseAgentDefinition("---\nmodel: inherit\n---\n", "i.md");
  const inherited = resolveModelSettings({ agent: inherit, options: { baseUrl: "http://127.0.0.1:9/v1" }, env: { BGR_MODEL: "haiku" }, config: { exclude: [], rules: { disable: [] } } });
  assert.ok(inherited.ok);
  assert.equal((inherited as { settings: { model: string; provider: string } }).settings.model, "claude-haiku-4-5");
});

test("a broken file earlier in the search order is the error, not a quiet fallback to a later definition", async () => {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), "bgr-agents-")));
  await mkdir(path.join(root, ".agents/agents"), { recursive: true });
  await mkdir(path.join(root, ".claude/agents"), { recursive: true });
  await writeFile(path.join(root, ".agents/agents/rev.md"), "---\nname: [rev\n---\n");
  await writeFile(path.join(root, ".claude/agents/rev.md"), "---\nname: rev\n---\nok\n");
  await assert.rejects(resolveAgent(root, "rev"), /\.agents\/agents\/rev\.md: front matter is not valid YAML/);
});

test("agentUseNote: an engine kind says the agent is unused unless --triage; llm and the built-in need no note", () => {
  assert.equal(agentUseNote("llm", "sec", false), undefined);
  assert.equal(agentUseNote("security-audit", "background-runner", false), undefined);
  assert.match(agentUseNote("security-audit", "sec", false)!, /not used; add --triage to let it review the findings, or --kind llm/);
  assert.match(agentUseNote("code-review", "sec", false, "mcp")!, /add triage: true .* or kind: "llm"/);
  assert.match(agentUseNote("code-review", "sec", true)!, /review the code-review engine's findings \(--triage\)/);
  assert.match(agentNoteFor({ prompt: "Security audit of src\nAgent: sec" })!, /agent sec: a security-audit run/);
});
