// `bgr review --post github` against a fake GitHub REST API on loopback.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { commentableLines } from "../../src/cli/github-review.js";
import { bgr } from "../cli/helpers.js";
import { repo } from "../review/helpers.js";

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: any;
}

/** A pull request's REST endpoints; posted review comments become visible to later GETs, as on GitHub. */
async function fakeGithub(files: Array<{ filename: string; patch?: string }>, options: { failPost?: number } = {}) {
  const requests: Recorded[] = [];
  const comments: Array<{ body: string }> = [];
  const reviews: Array<{ body: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? JSON.parse(text) : undefined;
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const route = req.url!.split("?")[0];
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (req.method === "GET" && route === "/api/v3/repos/octo/app/pulls/7") return send(200, { number: 7, head: { sha: "f".repeat(40) } });
      if (req.method === "GET" && route === "/api/v3/repos/octo/app/pulls/7/files") return send(200, files);
      if (req.method === "GET" && route === "/api/v3/repos/octo/app/pulls/7/comments") return send(200, comments);
      if (req.method === "GET" && route === "/api/v3/repos/octo/app/pulls/7/reviews") return send(200, reviews);
      if (req.method === "POST" && route === "/api/v3/repos/octo/app/pulls/7/reviews") {
        if (options.failPost) return send(options.failPost, { message: "Resource not accessible by integration" });
        reviews.push({ body: body.body });
        for (const c of body.comments) comments.push({ body: c.body });
        return send(200, { id: 1, html_url: "https://github.example/octo/app/pull/7#pullrequestreview-1" });
      }
      send(404, { message: "Not Found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { apiUrl: `http://127.0.0.1:${port}/api/v3`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function pullRequestRepo() {
  const r = repo();
  r.write("app.py", "def ok():\n    return 1\n").commit("base");
  r.git("checkout", "-q", "-b", "feature");
  r.write("app.py", 'from flask import request\n\ndef ok():\n    return 1\n\ndef calc():\n    return str(eval(request.args["expr"]))\n')
    .write("tool.py", 'import os\n\ndef run():\n    print("debug")\n    return os.getcwd()\n')
    .commit("feature");
  return r;
}

/** The diff's hunks as GitHub's `patch` field carries them: from the first @@ on. */
function patchOf(r: ReturnType<typeof repo>, file: string): string {
  const diff = r.git("diff", "main...feature", "--", file);
  return diff.slice(diff.indexOf("@@"));
}

test("commentable lines are the added and context lines of each hunk", () => {
  const patch = "@@ -1,3 +1,4 @@\n a\n-b\n+c\n+d\n e\n\\ No newline at end of file\n@@ -10,2 +11,2 @@\n x\n-y\n+z";
  assert.deepEqual([...commentableLines(patch)], [1, 2, 3, 4, 11, 12]);
  assert.deepEqual([...commentableLines(undefined)], []);
});

test("--post github posts one review: comments on diff lines, the rest in its body; a re-run posts nothing twice", async () => {
  const r = pullRequestRepo();
  // tool.py's patch is cut short, as when GitHub truncates a large diff: its findings cannot be line comments.
  const github = await fakeGithub([
    { filename: "app.py", patch: patchOf(r, "app.py") },
    { filename: "tool.py", patch: "@@ -0,0 +1,2 @@\n+import os\n+" },
  ]);
  try {
    const event = path.join(r.root, "..", `event-${path.basename(r.root)}.json`);
    await writeFile(event, JSON.stringify({ action: "synchronize", pull_request: { number: 7 } }));
    const env = { GITHUB_TOKEN: "ghs_test", GITHUB_REPOSITORY: "octo/app", GITHUB_API_URL: github.apiUrl, GITHUB_EVENT_PATH: event };
    const first = await bgr(["review", "--base", "main", "--post", "github", "--format", "github"], { cwd: r.root, env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^::error file=app\.py,line=7/m, "the chosen format still goes to stdout");
    assert.match(first.stderr, /posted a review with 3 line comments and 2 findings in its body \(0 posted before\) → https:\/\/github\.example\/octo\/app\/pull\/7#pullrequestreview-1/);
    const posts = github.requests.filter((q) => q.method === "POST");
    assert.equal(posts.length, 1);
    const post = posts[0]!;
    assert.equal(post.headers.authorization, "Bearer ghs_test");
    assert.equal(post.headers["x-github-api-version"], "2022-11-28");
    assert.equal(post.body.commit_id, "f".repeat(40));
    assert.equal(post.body.event, "COMMENT");
    const placed = post.body.comments.map((c: any) => `${c.path}:${c.line}:${c.side}`).sort();
    assert.deepEqual(placed, ["app.py:1:RIGHT", "app.py:6:RIGHT", "app.py:7:RIGHT"]);
    const injection = post.body.comments.find((c: any) => c.line === 7);
    assert.match(injection.body, /^\*\*High: Code injection[^\n]*\(`py\.code-injection` · \[CWE-95\]/);
    assert.match(injection.body, /<!-- bgr:fp=[0-9a-f]{32} -->$/);
    assert.match(post.body.body, /Findings outside this pull request's diff lines:\n\n- \*\*Low\*\* `tool\.py:3`[\s\S]*`tool\.py:4`/);

    const again = await bgr(["review", "--base", "main", "--post", "github"], { cwd: r.root, env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /nothing new to post \(5 findings posted before\)/);
    assert.equal(github.requests.filter((q) => q.method === "POST").length, 1);

    // --pr wins over the event file.
    const flagged = await bgr(["review", "--base", "main", "--post", "github", "--pr", "8"], { cwd: r.root, env });
    assert.equal(flagged.code, 1);
    assert.match(flagged.stderr, /^bgr: GitHub API GET \/repos\/octo\/app\/pulls\/8: 404 Not Found\n$/);
  } finally {
    await github.close();
  }
});

test("--post github: a refused token is exit 1 with the permission it needs; missing context is exit 2 before any analysis", async () => {
  const r = pullRequestRepo();
  const github = await fakeGithub([{ filename: "app.py", patch: patchOf(r, "app.py") }], { failPost: 403 });
  try {
    const env = { GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "octo/app", GITHUB_API_URL: github.apiUrl, GITHUB_EVENT_PATH: "" };
    const refused = await bgr(["review", "--base", "main", "--post", "github", "--pr", "7"], { cwd: r.root, env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^bgr: GitHub API POST \/repos\/octo\/app\/pulls\/7\/reviews: 403 Resource not accessible by integration: the token needs pull-requests: write\n$/);
  } finally {
    await github.close();
  }
  const cases: Array<[Record<string, string>, string[], RegExp]> = [
    [{ GITHUB_TOKEN: "", GH_TOKEN: "", GITHUB_REPOSITORY: "octo/app" }, ["--pr", "7"], /^bgr: --post github: GITHUB_TOKEN is not set/],
    [{ GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "" }, ["--pr", "7"], /^bgr: --post github: GITHUB_REPOSITORY "" is not owner\/name/],
    [{ GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "octo/app", GITHUB_EVENT_PATH: "" }, [], /^bgr: --post github: no pull request: run on a pull_request event or pass --pr N/],
    [{ GITHUB_TOKEN: "t", GITHUB_REPOSITORY: "octo/app" }, ["--pr", "seven"], /^bgr: --pr seven: give the pull request's number/],
  ];
  for (const [env, extra, pattern] of cases) {
    const out = await bgr(["review", "--base", "main", "--post", "github", ...extra], { cwd: r.root, env });
    assert.equal(out.code, 2, out.stderr);
    assert.match(out.stderr, pattern);
    assert.equal(out.stderr.trimEnd().split("\n").length, 1, out.stderr);
  }
  const prAlone = await bgr(["review", "--base", "main", "--pr", "7"], { cwd: r.root });
  assert.equal(prAlone.code, 2);
  assert.match(prAlone.stderr, /--pr 7: it names where --post github posts: add --post github or drop --pr/);
});
