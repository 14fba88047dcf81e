import { test } from "node:test";
import assert from "node:assert/strict";
import { upsertSessionEntry, findSessionEntry, readSessionEntries, SessionFormatError, upsertSessionEntryBytes } from "../../src/protocol/session.js";

const SESSION = `---
# Session opened by the PM agent.
title: "Auth feature"   # keep this comment
created: 2026-01-23T14:00:00Z
tags: [auth, security]
background_agents:
  - id: "bg-20260123-141000-coverage"
    agent: background-runner
    task: "Coverage analysis"   # theirs
    status: completed
    result_location: ".agents/reports/20260123-141000-coverage.md"
  -   id: bg-20260123-141500-docs
      agent: doc-writer
      status: running
notes: |
  multi-line
  value
---

# Auth feature

Body text with a --- line inside.
---
More body.
`;

const running = { id: "bg-20260123-143000-auth-security", agent: "background-runner", task: "Run security audit on auth module.", status: "running" as const };

/** Every byte outside [from, from+inserted) must be the original's. */
function assertOnlyInsertion(before: string, after: string): string {
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  assert.equal(before.length - prefix - suffix, 0, "original bytes were changed, not only added to");
  return after.slice(prefix, after.length - suffix);
}

test("adding our entry only inserts one item after the others; every other byte stays", () => {
  const added = upsertSessionEntry(SESSION, running);
  const inserted = assertOnlyInsertion(SESSION, added);
  assert.equal(
    inserted,
    '  - id: "bg-20260123-143000-auth-security"\n    agent: background-runner\n    task: "Run security audit on auth module."\n    status: running\n',
  );
  // The next item keeps the odd "-   id" indentation style, so the new one follows the first map's column.
  assert.equal(readSessionEntries(added).length, 3);
});

test("settling our entry changes only its status and adds result_location; byte-identical round trip otherwise", () => {
  const added = upsertSessionEntry(SESSION, running);
  const settled = upsertSessionEntry(added, { ...running, status: "completed", result_location: ".agents/reports/20260123-143000-auth-security.md" });
  const expected = added
    .replace('    status: running\nnotes', '    status: completed\n    result_location: ".agents/reports/20260123-143000-auth-security.md"\nnotes')
  assert.equal(settled, expected);
  // Settling again with the same values is a no-op, byte for byte.
  assert.equal(upsertSessionEntry(settled, { ...running, status: "completed", result_location: ".agents/reports/20260123-143000-auth-security.md" }), settled);
  const failed = upsertSessionEntry(settled, { ...running, status: "failed", result_location: ".agents/reports/20260123-143000-auth-security-partial.md" });
  assert.deepEqual(findSessionEntry(failed, running.id), { ...running, status: "failed", result_location: ".agents/reports/20260123-143000-auth-security-partial.md" });
  assert.equal(failed.replace("status: failed", "status: completed").replace("-partial.md", ".md"), settled);
});

test("an existing entry keeps its comments, quote style and extra keys", () => {
  const text = `---\nbackground_agents:\n  - id: 'bg-1-x'\n    agent: background-runner\n    task: 'T'\n    status: running  # Changed from running\n    started: today\n---\n`;
  const out = upsertSessionEntry(text, { id: "bg-1-x", agent: "background-runner", task: "T", status: "completed", result_location: "r.md" });
  assert.equal(out, `---\nbackground_agents:\n  - id: 'bg-1-x'\n    agent: background-runner\n    task: 'T'\n    status: completed  # Changed from running\n    started: today\n    result_location: "r.md"\n---\n`);
});

test("no front matter, empty front matter, no key, null key, flow lists", () => {
  const entry = { id: "bg-1-x", agent: "background-runner", task: "T", status: "running" as const };
  const item = '  - id: "bg-1-x"\n    agent: background-runner\n    task: "T"\n    status: running\n';
  assert.equal(upsertSessionEntry("# Just a body\n", entry), `---\nbackground_agents:\n${item}---\n# Just a body\n`);
  assert.equal(upsertSessionEntry("---\n---\nbody\n", entry), `---\nbackground_agents:\n${item}---\nbody\n`);
  assert.equal(upsertSessionEntry("---\ntitle: x\n---\n", entry), `---\ntitle: x\nbackground_agents:\n${item}---\n`);
  assert.equal(upsertSessionEntry("---\nbackground_agents:   # none yet\ntitle: x\n---\n", entry), `---\nbackground_agents:   # none yet\n${item}title: x\n---\n`);
  assert.equal(upsertSessionEntry("---\nbackground_agents: []\n---\n", entry), `---\nbackground_agents:\n${item}---\n`);
  assert.equal(upsertSessionEntry("---\nbackground_agents: [ ]  # none yet\ntitle: x\n---\n", entry), `---\nbackground_agents:  # none yet\n${item}title: x\n---\n`);
  const flow = upsertSessionEntry("---\nbackground_agents: [{id: other, status: running}]\n---\n", entry);
  assert.equal(readSessionEntries(flow).length, 2);
  assert.ok(flow.startsWith("---\nbackground_agents: [{id: other, status: running}, {"));
  const settledFlow = upsertSessionEntry(flow, { ...entry, status: "failed", result_location: "p.md" });
  assert.equal(settledFlow, flow.replace("status: running }", 'status: failed, result_location: "p.md" }'));
  assert.deepEqual(findSessionEntry(settledFlow, "bg-1-x"), { ...entry, status: "failed", result_location: "p.md" });
});

test("CRLF files stay CRLF outside our item and parse back", () => {
  const text = "---\r\ntitle: x\r\nbackground_agents:\r\n  - id: a\r\n    status: running\r\n---\r\nbody\r\n";
  const out = upsertSessionEntry(text, { id: "bg-2-y", agent: "background-runner", task: "T", status: "running" });
  assert.ok(out.startsWith("---\r\ntitle: x\r\nbackground_agents:\r\n  - id: a\r\n    status: running\r\n"));
  assert.ok(out.endsWith("---\r\nbody\r\n"));
  assert.equal(readSessionEntries(out).length, 2);
});

test("broken front matter is refused with a clear error and never rewritten", () => {
  const entry = { id: "bg-1-x", agent: "background-runner", task: "T", status: "running" as const };
  assert.throws(() => upsertSessionEntry("---\ntitle: [unclosed\n---\n", entry, "s.md"), (e: unknown) => e instanceof SessionFormatError && /s\.md: front matter is not valid YAML/.test((e as Error).message));
  // The position is the file's line (the opening --- is line 1), and no dangling code-frame colon.
  assert.throws(() => upsertSessionEntry("---\ntitle: ok\nbad: a: b\n---\n", entry, "s.md"), /s\.md: front matter is not valid YAML at line 3, column 6: Nested mappings are not allowed in compact mappings; fix it by hand/);
  assert.throws(() => upsertSessionEntry("---\ntitle: x\nno closing line\n", entry, "s.md"), /no closing '---'/);
  assert.throws(() => upsertSessionEntry("---\n- a\n- b\n---\n", entry, "s.md"), /must be a mapping/);
  assert.throws(() => upsertSessionEntry("---\nbackground_agents: nope\n---\n", entry, "s.md"), /"background_agents" must be a list/);
});

test("a CRLF session file keeps CRLF line endings throughout, and its other bytes", () => {
  const entry = { id: "bg-20260101-000000-x", agent: "background-runner", task: "T", status: "running" as const };
  const original = "---\r\ntitle: crlf # note\r\nbackground_agents:\r\n  - id: other\r\n    status: completed\r\n---\r\nbody\r\n";
  const running = upsertSessionEntry(original, entry, "s.md");
  const done = upsertSessionEntry(running, { ...entry, status: "completed", result_location: ".agents/reports/x.md" }, "s.md");
  for (const text of [running, done]) assert.doesNotMatch(text, /[^\r]\n/, "no bare LF line endings");
  assert.ok(done.startsWith("---\r\ntitle: crlf # note\r\nbackground_agents:\r\n  - id: other\r\n    status: completed\r\n  - id: "));
  assert.ok(done.endsWith("    result_location: \".agents/reports/x.md\"\r\n---\r\nbody\r\n"));
  // No front matter yet: the added block follows the body's CRLF.
  assert.doesNotMatch(upsertSessionEntry("notes\r\nmore\r\n", entry, "s.md"), /[^\r]\n/);
});

test("the byte-level upsert copies every byte after the front matter, and refuses a front matter that is not UTF-8", () => {
  const entry = { id: "bg-20260123-143000-x", agent: "background-runner", task: "T", status: "running" as const };
  const body = Buffer.from([0x0a, 0x23, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x00, 0x0a]);
  const bytes = Buffer.concat([Buffer.from("\uFEFF---\r\ntitle: x\r\n---\r\n"), body]);
  const out = upsertSessionEntryBytes(bytes, entry);
  assert.ok(out.subarray(out.length - body.length).equals(body));
  assert.ok(out.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])));
  assert.match(out.toString("utf8"), /\r\nbackground_agents:\r\n {2}- id: "bg-20260123-143000-x"\r\n/);
  const broken = Buffer.concat([Buffer.from("---\ntitle: \""), Buffer.from([0xc3, 0x28]), Buffer.from("\"\n---\n")]);
  assert.throws(() => upsertSessionEntryBytes(broken, entry), (e: Error) => e.name === "SessionFormatError" && /not UTF-8/.test(e.message));
});
