// `bgr check` failing item by item, and the no-engine path that produces the
// commonest failing report.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { bgr, bgrJson, makeWorkspace, readText, SESSION } from "../cli/helpers.js";
import { checkReport, CHECKLIST } from "../../src/runtime/check.js";
import { findSessionEntry } from "../../src/protocol/session.js";
import { parseReport } from "../../src/protocol/report-parse.js";

const NO_ENGINE = { BGR_DISABLE_ENGINES: "security-audit" };

test("a kind with no engine ends the seed's way: partial report naming the engine, session failed; check fails item by item", async () => {
  const root = await makeWorkspace();
  const run = await bgr(["run", "Run security audit on auth module.\n\nFiles:\n- src/auth/token.py", "--session", SESSION, "--json"], { cwd: root, env: NO_ENGINE });
  assert.equal(run.code, 1, run.stderr);
  const outcome = JSON.parse(run.stdout) as { id: string; status: string; report: string };
  assert.equal(outcome.status, "failed");
  assert.match(outcome.report, /^\.agents\/reports\/\d{8}-\d{6}-security-audit-auth-module-partial\.md$/);
  const report = parseReport(await readText(root, outcome.report));
  assert.equal(report.blockers.length, 1);
  assert.match(report.blockers[0]!, /no engine for kind "security-audit"/);
  assert.deepEqual(findSessionEntry(await readText(root, SESSION), outcome.id), {
    id: outcome.id, agent: "background-runner", task: "Run security audit on auth module.", status: "failed", result_location: outcome.report,
  });

  const checked = await bgr(["check", outcome.report], { cwd: root });
  assert.equal(checked.code, 1);
  const lines = checked.stdout.split("\n").filter((l) => l.startsWith("["));
  assert.deepEqual(lines.map((l) => l.slice(0, 3)), ["[ ]", "[ ]", "[x]", "[ ]", "[x]", "[x]"]);
  assert.match(lines[0]!, /the report has Blockers: no engine/);
  assert.match(lines[1]!, /partial report; the requested location was/);
  assert.match(lines[3]!, /has status: failed/);
});

test("check names each broken piece: front matter, sections, session entry, questions to the user", async () => {
  const root = await makeWorkspace();
  const rel = ".agents/reports/20260123-143000-hand-made.md";
  await mkdir(path.join(root, ".agents/reports"), { recursive: true });
  await writeFile(path.join(root, rel), [
    "---", "report:", "  title: T", "  type: notes", "  status: new", "  created: yesterday", '  background_agent_id: "bg-20260123-143000-hand-made"', "---",
    "# T", "", "## Findings", "", "### Finding 1: x", "**Severity**: Severe", "", "## Summary", "", "Would you like me to continue?", "",
  ].join("\n"));
  const result = await checkReport(root, rel, { session: SESSION });
  assert.equal(result.ok, false);
  assert.deepEqual(result.items.map((i) => i.item), [...CHECKLIST]);
  const [executed, location, frontMatter, status, resultLocation, interaction] = result.items;
  assert.match(executed!.detail, /missing section\(s\): ## Recommendations, ## Files Analyzed/);
  assert.match(executed!.detail, /Finding 1 has no valid \*\*Severity\*\*; Finding 1 has no \*\*Location\*\*/);
  assert.equal(location!.ok, true);
  assert.match(frontMatter!.detail, /report\.type is "notes"/);
  assert.match(frontMatter!.detail, /report\.status is "new"/);
  assert.match(frontMatter!.detail, /report\.created "yesterday"/);
  assert.match(frontMatter!.detail, /session_reference is missing/);
  assert.match(status!.detail, /has no background_agents entry with id bg-20260123-143000-hand-made/);
  assert.equal(resultLocation!.ok, false);
  assert.equal(interaction!.ok, false);
  assert.match(interaction!.detail, /asks the user something: "Would you like me to continue\?"/);

  await writeFile(path.join(root, ".agents/reports/20260123-143000-plain.md"), "# no front matter\n");
  const plain = await bgrJson<{ ok: boolean; items: Array<{ ok: boolean; detail: string }> }>(["check", ".agents/reports/20260123-143000-plain.md"], { cwd: root });
  assert.equal(plain.ok, false);
  assert.match(plain.items[2]!.detail, /no YAML front matter/);
  assert.match(plain.items[3]!.detail, /no session file known for this report \(pass --session F\)/);
});
