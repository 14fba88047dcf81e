// The safety fuzz suite (issue 9): hostile prompts, ids, report and session
// paths, session files, and model tool arguments, drawn from a fixed seed in
// a bounded number. Each case asserts the safe outcome — a one-line refusal,
// or a run that wrote only its own files — and that every file it did not
// own is byte-identical, outside the workspace included. The concurrency
// cases (spawns racing a person's editor) live in concurrency.test.ts.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { realpathSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseDocument } from "yaml";
import { registerRun } from "../../src/runtime/register.js";
import { emptyResult, settleRun } from "../../src/runtime/settle.js";
import { writeSessionEntry } from "../../src/runtime/session-store.js";
import { validateRunId, RUN_ID_PATTERN } from "../../src/protocol/ids.js";
import { readSessionEntries } from "../../src/protocol/session.js";
import { runTool } from "../../src/tools/index.js";
import { bgrOwnsNew, changedPaths, fuzzWorkspace, mkfifo, rng, SESSION_BYTES, SESSION_REL, snapshot, withTimeout, type Verdict } from "./harness.js";
import { CATASTROPHIC_PATTERNS, hostileId, hostilePrompt, hostileSession, UNSUPPORTED_PATTERNS } from "./inputs.js";
import { bgr } from "../cli/helpers.js";

const SEED = 0x9e3779b9;
const verdicts: Verdict[] = [];
const REFUSALS = new Set(["InputError", "WriteRefusedError", "SandboxError", "SessionFormatError", "WorkspaceWriteError"]);

after(() => {
  const unsafe = verdicts.filter((v) => v.unsafe);
  const byCategory = new Map<string, number>();
  for (const v of verdicts) byCategory.set(v.category, (byCategory.get(v.category) ?? 0) + 1);
  console.log(`fuzz: ${[...byCategory].map(([c, n]) => `${c} ${n}`).join(", ")}`);
  console.log(`${verdicts.length} cases, ${unsafe.length} unsafe`);
  for (const v of unsafe.slice(0, 20)) console.log(`UNSAFE [${v.category}] ${v.name}: ${v.unsafe}`);
});

function record(category: string, name: string, unsafe: string | undefined): void {
  verdicts.push({ category, name, ...(unsafe ? { unsafe } : {}) });
}

function assertNoneUnsafe(category: string): void {
  const bad = verdicts.filter((v) => v.category === category && v.unsafe);
  assert.equal(bad.length, 0, bad.slice(0, 5).map((v) => `${v.name}: ${v.unsafe}`).join("\n"));
}

/** A refusal is safe when it is one of bgr's input errors and says why in one line. */
function refusalProblem(error: unknown): string | undefined {
  const err = error as Error;
  if (!REFUSALS.has(err?.name)) return `not a refusal: ${err?.name}: ${String(err?.message).split("\n")[0]}`;
  if (!err.message || err.message.includes("\n")) return `refusal is not one line: ${JSON.stringify(err.message)}`;
  return undefined;
}

/** Splits bytes into front matter text and the raw rest after the closing `---` line. */
function splitSession(bytes: Buffer): { front: string; rest: Buffer } | undefined {
  const latin = bytes.toString("latin1");
  const open = /^(?:\xEF\xBB\xBF)?---[ \t]*\r?\n/.exec(latin);
  if (!open) return undefined;
  const close = /^---[ \t]*(?:\r?\n|$)/m.exec(latin.slice(open[0].length));
  if (!close) return undefined;
  const end = open[0].length + close.index;
  return { front: bytes.subarray(open[0].length, end).toString("utf8"), rest: bytes.subarray(end) };
}

function dataWithout(front: string, id: string): string {
  const data = (parseDocument(front).toJS({ maxAliasCount: -1 }) ?? {}) as Record<string, unknown>;
  if (Array.isArray(data.background_agents)) {
    data.background_agents = data.background_agents.filter((e: { id?: unknown }) => e?.id !== id);
    if ((data.background_agents as unknown[]).length === 0) delete data.background_agents;
  } else if (data.background_agents === null) delete data.background_agents;
  return JSON.stringify(data);
}

/** The session after a write is the session before plus exactly our entry: same data otherwise, same bytes after the front matter. */
function sessionProblem(before: Buffer, after: Buffer, id: string, status?: string): string | undefined {
  if (before.equals(after)) return status ? `entry ${id} was not written` : undefined;
  const a = splitSession(before);
  const b = splitSession(after);
  if (!a || !b) return "the session lost its front matter";
  if (!a.rest.equals(b.rest)) return "bytes after the front matter changed";
  if (dataWithout(a.front, id) !== dataWithout(b.front, id)) return "front matter data other than our entry changed";
  const entry = readSessionEntries(after.toString("utf8")).find((e) => e.id === id);
  if (!entry) return `entry ${id} missing`;
  if (status && entry.status !== status) return `entry ${id} has status ${String(entry.status)}, expected ${status}`;
  return undefined;
}

interface Outcome {
  refused?: string;
  unsafe?: string;
}

/** Registers and settles a run as the runner would; returns the verdict on what happened to the workspace. */
async function runCase(ws: { parent: string; root: string }, request: Parameters<typeof registerRun>[1]): Promise<Outcome> {
  const before = snapshot(ws.parent);
  const sessionAbs = path.join(ws.root, SESSION_REL);
  const sessionBefore = await readFile(sessionAbs).catch(() => undefined);
  let id: string | undefined;
  let session: string | null = null;
  try {
    const rec = await withTimeout(registerRun(ws.root, request, process.pid, false), 20_000, "registerRun");
    id = rec.id;
    session = rec.session;
    await withTimeout(settleRun(ws.root, rec.id, { status: "completed", result: emptyResult("fuzz") }), 20_000, "settleRun");
  } catch (error) {
    if (id === undefined) {
      const problem = refusalProblem(error);
      if (problem) return { unsafe: problem };
      const changed = changedPaths(before, snapshot(ws.parent), bgrOwnsNew);
      return changed.length ? { unsafe: `refused, yet changed ${changed.join(", ")}` } : { refused: (error as Error).message };
    }
    return { unsafe: `failed after registering: ${(error as Error).message}` };
  }
  const sessionRealRel = session ? path.relative(ws.parent, realpathSync(path.join(ws.root, session))) : undefined;
  const changed = changedPaths(before, snapshot(ws.parent), (rel, wasThere) => bgrOwnsNew(rel, wasThere) || (rel === sessionRealRel));
  if (changed.length) return { unsafe: `wrote outside its own files: ${changed.join(", ")}` };
  if (sessionRealRel === path.join("ws", SESSION_REL) && sessionBefore) {
    const problem = sessionProblem(sessionBefore, await readFile(sessionAbs), id, "completed");
    if (problem) return { unsafe: problem };
  }
  return {};
}

test("hostile prompts: refused in one line or run writing only their own files", async () => {
  const r = rng(SEED);
  for (let i = 0; i < 70; i++) {
    const ws = await fuzzWorkspace();
    const prompt = hostilePrompt(r);
    const outcome = await runCase(ws, { prompt, kind: "security-audit" });
    record("hostile prompts", JSON.stringify(prompt.slice(0, 80)), outcome.unsafe);
    if (!outcome.refused && !outcome.unsafe && /[\0\u0007\uFFFD]/.test(prompt)) record("hostile prompts", `accepted binary ${JSON.stringify(prompt.slice(0, 40))}`, "a prompt with NUL/control/U+FFFD was accepted");
    await ws.cleanup();
  }
  assertNoneUnsafe("hostile prompts");
});

test("ids: impossible stamps, path characters and overlong ids are refused before any file is touched", async () => {
  const r = rng(SEED + 1);
  const ws = await fuzzWorkspace();
  for (let i = 0; i < 80; i++) {
    const id = hostileId(r);
    let unsafe: string | undefined;
    let valid: string | undefined;
    try {
      valid = validateRunId(id);
    } catch (error) {
      unsafe = refusalProblem(error);
    }
    if (valid !== undefined) {
      const m = /^bg-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(valid);
      const real = m && new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`).toISOString().startsWith(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`);
      if (!RUN_ID_PATTERN.test(valid) || !real) unsafe = `accepted ${JSON.stringify(id)}`;
    }
    if (!unsafe && i % 4 === 0) {
      const outcome = await runCase(ws, { task: "Security audit", kind: "security-audit", files: ["src/app.py"], id, session: SESSION_REL });
      unsafe = outcome.unsafe;
    }
    record("ids", JSON.stringify(id), unsafe);
  }
  await ws.cleanup();
  assertNoneUnsafe("ids");
});

/** Prepares one hostile place in the workspace and returns the path to name. */
type Place = (ws: { root: string; outside: string }) => Promise<string>;

const REPORT_PLACES: Array<[string, Place]> = [
  ["package.md next to package.json", async () => "package.md"],
  ["README.md", async () => "README.md"],
  ["the session file", async () => SESSION_REL],
  ["../ out of the workspace", async () => "../outside/r.md"],
  ["absolute path outside", async (ws) => path.join(ws.outside, "abs.md")],
  ["inside .git", async () => ".git/r.md"],
  [".agents/reports/../../README.md", async () => ".agents/reports/../../README.md"],
  ["not .md", async () => ".agents/reports/x.txt"],
  ["link in reports to the session", async (ws) => link(ws.root, ".agents/reports/l.md", `../sessions/${path.basename(SESSION_REL)}`)],
  ["link in reports to package.json", async (ws) => link(ws.root, ".agents/reports/p.md", "../../package.json")],
  ["link in reports to a file outside", async (ws) => link(ws.root, ".agents/reports/o.md", path.join(ws.outside, "victim.md"))],
  ["dangling link in reports to outside", async (ws) => link(ws.root, ".agents/reports/d.md", path.join(ws.outside, "new.md"))],
  ["link loop in reports", async (ws) => link(ws.root, ".agents/reports/loop.md", "loop.md")],
  ["link to /dev/zero", async (ws) => link(ws.root, ".agents/reports/zero.md", "/dev/zero")],
  ["FIFO in reports", async (ws) => { await mkdir(path.join(ws.root, ".agents/reports"), { recursive: true }); mkfifo(path.join(ws.root, ".agents/reports/fifo.md")); return ".agents/reports/fifo.md"; }],
  ["folder named x.md", async (ws) => { await mkdir(path.join(ws.root, ".agents/reports/x.md"), { recursive: true }); return ".agents/reports/x.md"; }],
  ["a person's .md in reports", async (ws) => { await put(ws.root, ".agents/reports/notes.md", "# my notes\n"); return ".agents/reports/notes.md"; }],
  ["a foreign .json where the sidecar goes", async (ws) => { await put(ws.root, ".agents/reports/side.json", "{\"mine\": true}\n"); return ".agents/reports/side.md"; }],
  ["a foreign .sarif where the partial's sidecar goes", async (ws) => { await put(ws.root, ".agents/reports/sp-partial.sarif", "{}\n"); return ".agents/reports/sp.md"; }],
  ["reports folder linked outside", async (ws) => { await mkdir(path.join(ws.root, ".agents"), { recursive: true }); await symlink(ws.outside, path.join(ws.root, ".agents/reports")); return ".agents/reports/r.md"; }],
  ["runs folder linked outside", async (ws) => { await mkdir(path.join(ws.root, ".agents"), { recursive: true }); await symlink(ws.outside, path.join(ws.root, ".agents/runs")); return ".agents/reports/r.md"; }],
  ["cache folder linked outside", async (ws) => { await mkdir(path.join(ws.root, ".agents"), { recursive: true }); await symlink(ws.outside, path.join(ws.root, ".agents/cache")); return ".agents/reports/r.md"; }],
  ["a plain new report", async () => ".agents/reports/fine.md"],
  ["a new report in a subfolder", async () => ".agents/reports/sub/dir/fine.md"],
  ["NUL in the path", async () => ".agents/reports/a\0.md"],
];

async function put(root: string, rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

async function link(root: string, rel: string, target: string): Promise<string> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await symlink(target, path.join(root, rel));
  return rel;
}

test("report paths: links, .., devices, FIFOs and foreign files are never written through", async () => {
  const r = rng(SEED + 2);
  for (let i = 0; i < 60; i++) {
    const [name, place] = i < REPORT_PLACES.length ? REPORT_PLACES[i]! : r.pick(REPORT_PLACES);
    const ws = await fuzzWorkspace();
    const output = await place(ws);
    const outcome = await runCase(ws, { task: "Security audit", kind: "security-audit", files: ["src/app.py"], output, session: SESSION_REL });
    const shouldRefuse = !/plain new report|subfolder/.test(name);
    record("report paths", name, outcome.unsafe ?? (shouldRefuse && !outcome.refused ? "accepted" : undefined));
    await ws.cleanup();
  }
  // A link swapped in between registration and settling is judged again when the report is written.
  for (let i = 0; i < 6; i++) {
    const ws = await fuzzWorkspace();
    const before = snapshot(ws.parent);
    const rec = await registerRun(ws.root, { task: "Security audit", kind: "security-audit", files: ["src/app.py"], output: ".agents/reports/swap.md" }, process.pid, false);
    await link(ws.root, ".agents/reports/swap.md", r.pick(["../../README.md", path.join(ws.outside, "victim.md"), "../../package.json"]));
    const settled = await settleRun(ws.root, rec.id, { status: "completed", result: emptyResult("fuzz") });
    const changed = changedPaths(before, snapshot(ws.parent), (rel, was) => bgrOwnsNew(rel, was) || rel.endsWith("swap.md"));
    record("report paths", `link swapped in before settling #${i}`, changed.length ? `wrote ${changed.join(", ")}` : settled.status === "completed" ? "completed through a link" : undefined);
    await ws.cleanup();
  }
  assertNoneUnsafe("report paths");
});

const SESSION_PLACES: Array<[string, Place, boolean?]> = [
  ["README.md", async () => "README.md"],
  ["a source file", async () => "src/app.py"],
  [".git/config", async () => ".git/config"],
  ["a .md inside .git", async (ws) => { await put(ws.root, ".git/notes.md", "---\na: 1\n---\n"); return ".git/notes.md"; }],
  ["an empty .md", async (ws) => { await put(ws.root, "empty.md", ""); return "empty.md"; }],
  ["a .md without front matter", async (ws) => { await put(ws.root, "plain.md", "# plain\n"); return "plain.md"; }],
  ["a folder", async (ws) => { await mkdir(path.join(ws.root, "dir.md")); return "dir.md"; }],
  ["a FIFO", async (ws) => { mkfifo(path.join(ws.root, "pipe.md")); return "pipe.md"; }],
  ["a link to a session outside", async (ws) => link(ws.root, "out.md", path.join(ws.outside, "victim.md"))],
  ["a dangling link", async (ws) => link(ws.root, "dangling.md", "nowhere.md")],
  ["a link loop", async (ws) => link(ws.root, "loop.md", "loop.md")],
  ["a link to /dev/null", async (ws) => link(ws.root, "null.md", "/dev/null")],
  ["../ outside", async () => "../outside/victim.md"],
  ["missing, not asked to create", async () => ".agents/sessions/new.md"],
  ["missing outside .agents/sessions with --create-session", async () => "docs/new.md", true],
  ["inside .agents/reports", async (ws) => { await put(ws.root, ".agents/reports/s.md", "---\na: 1\n---\n"); return ".agents/reports/s.md"; }],
  ["the real session", async () => SESSION_REL],
  ["a link to the real session", async (ws) => link(ws.root, "alias.md", SESSION_REL)],
  ["missing, created under .agents/sessions", async () => ".agents/sessions/created.md", true],
];

test("session paths: only a .md inside the workspace whose first line is --- is ever written", async () => {
  for (let i = 0; i < SESSION_PLACES.length * 2; i++) {
    const [name, place, create] = SESSION_PLACES[i % SESSION_PLACES.length]!;
    const ws = await fuzzWorkspace();
    const session = await place(ws);
    const outcome = await runCase(ws, { task: "Security audit", kind: "security-audit", files: ["src/app.py"], session, ...(create ? { createSession: true } : {}) });
    const accepted = /real session|created under/.test(name);
    record("session paths", name, outcome.unsafe ?? (accepted === Boolean(outcome.refused) ? (accepted ? `refused: ${outcome.refused}` : "accepted") : undefined));
    await ws.cleanup();
  }
  assertNoneUnsafe("session paths");
});

test("session files: broken, huge, aliased, invalid UTF-8, CRLF, BOM — edited losslessly or left byte-identical", async () => {
  const r = rng(SEED + 3);
  const ws = await fuzzWorkspace();
  const abs = path.join(ws.root, SESSION_REL);
  for (let i = 0; i < 60; i++) {
    const { name, bytes } = hostileSession(r);
    await writeFile(abs, bytes);
    const id = "bg-20260123-150000-fuzz";
    let unsafe: string | undefined;
    try {
      await withTimeout(writeSessionEntry(ws.root, SESSION_REL, { id, agent: "background-runner", task: "Fuzz", status: "completed", result_location: ".agents/reports/x.md" }), 20_000, "writeSessionEntry");
      unsafe = sessionProblem(bytes, await readFile(abs), id, "completed");
    } catch (error) {
      if (/HANG/.test((error as Error).message)) unsafe = (error as Error).message;
      else if (!(await readFile(abs)).equals(bytes)) unsafe = `refused (${(error as Error).message}) but changed the file`;
      else if ((error as Error).message.includes("\n")) unsafe = "refusal is not one line";
    }
    record("session files", name, unsafe);
  }
  await ws.cleanup();
  assertNoneUnsafe("session files");
});

test("tool arguments: Read, Edit, Glob and Grep return in time and change nothing but the one writable file", async () => {
  const r = rng(SEED + 4);
  const ws = await fuzzWorkspace();
  await mkdir(path.join(ws.root, ".agents/reports"), { recursive: true });
  await writeFile(path.join(ws.root, "src/redos.txt"), `${"a".repeat(41)}!\n${"x".repeat(5000)}\n`);
  mkfifo(path.join(ws.root, "src/pipe.py"));
  await symlink("/dev/zero", path.join(ws.root, "src/zero.py"));
  await symlink(path.join(ws.outside, "secret.txt"), path.join(ws.root, "src/secret.py"));
  await symlink("loop.py", path.join(ws.root, "src/loop.py"));
  await symlink(`../${SESSION_REL}`, path.join(ws.root, ".agents/reports/allowed-link.md"));
  await symlink("../../README.md", path.join(ws.root, ".agents/reports/readme-link.md"));
  const writable = ".agents/reports/allowed.md";
  const ctx = { root: ws.root, canWrite: (p: string) => p === writable, writableDescription: writable };
  const paths = ["src/app.py", "src/pipe.py", "src/zero.py", "src/secret.py", "src/loop.py", "../outside/secret.txt", path.join(ws.outside, "secret.txt"), "/etc/passwd", "/dev/zero", "src", ".git/config", "a\0b", "", ".", SESSION_REL, writable, ".agents/reports/allowed-link.md", ".agents/reports/readme-link.md", "package.json", "src/redos.txt"];
  const before = snapshot(ws.parent);
  for (let i = 0; i < 120; i++) {
    const tool = r.pick(["Read", "Edit", "Glob", "Grep"] as const);
    const p = r.pick(paths);
    const input: Record<string, unknown> =
      tool === "Read" ? { file_path: p, ...(r.next() < 0.3 ? { offset: r.int(-1, 5), limit: r.int(0, 3) } : {}) }
      : tool === "Edit" ? { file_path: p, old_string: r.pick(["", "import os", "x", "---"]), new_string: r.pick(["pwned\n", "", "---\nstatus: completed\n---\n"]) }
      : tool === "Glob" ? { pattern: r.pick(["**/*", "../**", "/etc/*", "src/*.py", "**/*.md"]), ...(r.next() < 0.5 ? { path: p } : {}) }
      : { pattern: r.pick([...CATASTROPHIC_PATTERNS, ...UNSUPPORTED_PATTERNS, "import", "a"]), ...(r.next() < 0.5 ? { path: p } : {}), output_mode: r.pick(["content", "count", "files_with_matches"]) };
    let unsafe: string | undefined;
    try {
      const out = await withTimeout(runTool(tool, input, ctx), 15_000, `${tool} ${JSON.stringify(input)}`);
      if (out.ok && /outside the workspace/.test(out.text)) unsafe = "answered with outside content";
      if (out.ok && out.text.includes("outside the workspace\n")) unsafe = "leaked a file from outside";
    } catch (error) {
      unsafe = (error as Error).message;
    }
    const changed = changedPaths(before, snapshot(ws.parent), (rel) => rel === path.join("ws", writable) || rel === path.join("ws", ".agents/reports"));
    if (changed.length) unsafe = `changed ${changed.join(", ")}`;
    record("tool arguments", `${tool} ${JSON.stringify(input).slice(0, 100)}`, unsafe);
  }
  await ws.cleanup();
  assertNoneUnsafe("tool arguments");
});

test("the CLI: refusals are one line with exit 2, and nothing is written", async () => {
  const ws = await fuzzWorkspace();
  mkfifo(path.join(ws.root, "src/pipe.py"));
  await symlink("loop.py", path.join(ws.root, "src/loop.py"));
  await writeFile(path.join(ws.root, "prompt.bin"), Buffer.from([0x52, 0x75, 0x6e, 0x00, 0xff, 0x0a]));
  const cases: Array<[string, string[], number, RegExp]> = [
    ["--output package.md", ["run", "--task", "Security audit", "--files", "src/app.py", "--output", "package.md"], 2, /must be a \.md file under \.agents\/reports\//],
    ["--session .git/config", ["spawn", "--task", "Security audit", "--session", ".git/config"], 2, /inside \.git/],
    ["--session README.md", ["spawn", "--task", "Security audit", "--session", "README.md"], 2, /session file "README\.md"/],
    ["an impossible id", ["spawn", "--task", "Security audit", "--id", "bg-20261399-996199-x"], 2, /not a real UTC date/],
    ["a binary prompt file", ["spawn", "-p", "prompt.bin"], 2, /NUL byte|not valid UTF-8/],
    ["a symlink loop named to audit", ["audit", "src/loop.py"], 2, /symbolic link loop/],
  ];
  for (const [name, args, code, message] of cases) {
    const before = snapshot(ws.parent);
    const result = await bgr(args, { cwd: ws.root });
    const changed = changedPaths(before, snapshot(ws.parent), bgrOwnsNew);
    const lines = result.stderr.trim().split("\n");
    const unsafe = result.code !== code ? `exit ${result.code}: ${result.stderr}` : !message.test(result.stderr) ? `message ${result.stderr}` : lines.length !== 1 ? "not one line" : changed.length ? `changed ${changed.join(", ")}` : undefined;
    record("cli", name, unsafe);
  }
  // A FIFO named to the audit is that file's error; the audit still answers, and does not hang.
  const fifo = await bgr(["audit", "src/pipe.py", "src/app.py", "--format", "json"], { cwd: ws.root });
  const report = JSON.parse(fifo.stdout || "{}") as { files?: string[]; errors?: Array<{ file: string; message: string }> };
  record("cli", "a FIFO named to bgr audit", report.errors?.some((e) => e.file === "src/pipe.py" && /named pipe/.test(e.message)) && report.files?.includes("src/app.py") ? undefined : `got ${fifo.code} ${fifo.stdout.slice(0, 300)} ${fifo.stderr}`);
  // --timeout over 2^31 ms is a long timeout, not an instant one.
  const long = await bgr(["run", "--task", "Security audit", "--kind", "security-audit", "--files", "src/app.py", "--timeout", "597h", "--json"], { cwd: ws.root });
  record("cli", "--timeout 597h", long.code === 0 && JSON.parse(long.stdout).status === "completed" ? undefined : `exit ${long.code}: ${long.stdout} ${long.stderr}`);
  // One malformed record does not take `bgr list` down with it.
  await writeFile(path.join(ws.root, ".agents/runs/bg-20260101-000000-broken.json"), "{\"id\": ");
  const listed = await bgr(["list", "--json"], { cwd: ws.root });
  const views = listed.code === 0 ? (JSON.parse(listed.stdout) as Array<{ id: string; status: string }>) : [];
  record("cli", "a malformed run record in bgr list", views.some((v) => v.status === "unreadable") && views.some((v) => v.status === "completed") ? undefined : `exit ${listed.code}: ${listed.stdout.slice(0, 300)} ${listed.stderr}`);
  await ws.cleanup();
  assertNoneUnsafe("cli");
});

// The suite's session template must itself hold bytes that are not UTF-8, or the lossless check proves nothing.
test("the fuzz session carries invalid UTF-8 outside the front matter", () => {
  assert.ok(SESSION_BYTES.includes(0xff));
});
