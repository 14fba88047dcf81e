// `bgr review --post github`: the review's findings as a pull-request review,
// one comment per finding on a line of the pull request's diff (GitHub refuses
// comments elsewhere; those findings go into the review's body instead).
// Each comment carries the finding's fingerprint in an HTML comment, so a
// re-run on the next push posts only what is new. Speaks the REST API of
// github.com or GitHub Enterprise (GITHUB_API_URL, as Actions sets it).
import { readFile } from "node:fs/promises";
import type { EngineResult } from "../engines/types.js";
import type { Finding } from "../protocol/finding.js";
import { fingerprintsOf } from "../report/fingerprint.js";
import { CliUsageError as UsageError } from "./commands/common.js";

export interface GithubTarget {
  apiUrl: string;
  token: string;
  /** "owner/name". */
  repository: string;
  pullNumber: number;
}

const MARKER = /<!-- bgr:fp=([0-9a-f,]+) -->/g;
const MAX_COMMENTS = 50;

/** Where to post, from the flag and the environment GitHub Actions provides; a missing piece is a usage error naming it. */
export async function githubTarget(env: NodeJS.ProcessEnv, prFlag: string | undefined): Promise<GithubTarget> {
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token) throw new UsageError("--post github: GITHUB_TOKEN is not set: pass the workflow's token (env: GITHUB_TOKEN: ${{ github.token }}) with pull-requests: write");
  const repository = env.GITHUB_REPOSITORY ?? "";
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new UsageError(`--post github: GITHUB_REPOSITORY ${JSON.stringify(repository)} is not owner/name: run in GitHub Actions or set it`);
  let pullNumber: number | undefined;
  if (prFlag !== undefined) {
    pullNumber = Number(prFlag);
    if (!Number.isInteger(pullNumber) || pullNumber < 1) throw new UsageError(`--pr ${prFlag}: give the pull request's number, e.g. --pr 42`);
  } else if (env.GITHUB_EVENT_PATH) {
    let event: { pull_request?: { number?: unknown }; number?: unknown };
    try {
      event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, "utf8"));
    } catch (error) {
      throw new UsageError(`--post github: cannot read GITHUB_EVENT_PATH ${env.GITHUB_EVENT_PATH} (${(error as Error).message.split("\n")[0]}): pass --pr N`);
    }
    const n = event.pull_request?.number ?? event.number;
    if (typeof n === "number" && Number.isInteger(n)) pullNumber = n;
  }
  if (pullNumber === undefined) throw new UsageError("--post github: no pull request: run on a pull_request event or pass --pr N");
  const apiUrl = (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, "");
  return { apiUrl, token, repository, pullNumber };
}

/** New-side line numbers a review comment may be attached to: added and context lines of the file's patch. */
export function commentableLines(patch: string | undefined): Set<number> {
  const lines = new Set<number>();
  if (!patch) return lines;
  let next = 0;
  for (const line of patch.split("\n")) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      next = Number(hunk[1]);
      continue;
    }
    if (next === 0 || line.startsWith("\\")) continue;
    if (line.startsWith("-")) continue;
    if (line.startsWith("+") || line.startsWith(" ") || line === "") {
      lines.add(next);
      next++;
    }
  }
  return lines;
}

function commentBody(finding: Finding, fingerprint: string): string {
  const cwe = finding.cwe !== undefined ? ` · [CWE-${finding.cwe}](https://cwe.mitre.org/data/definitions/${finding.cwe}.html)` : "";
  return `**${finding.severity}: ${finding.title}** (\`${finding.ruleId}\`${cwe})\n\n${finding.message}\n\n${finding.recommendation}\n\n<!-- bgr:fp=${fingerprint} -->`;
}

export interface ReviewPayload {
  commit_id: string;
  body: string;
  event: "COMMENT";
  comments: Array<{ path: string; line: number; side: "RIGHT"; body: string }>;
}

export interface PlannedReview {
  payload?: ReviewPayload;
  inline: number;
  inBody: number;
  alreadyPosted: number;
}

/** What to post: new findings on diff lines inline, other new ones in the body; undefined payload when nothing is new. */
export function planReview(result: EngineResult, headSha: string, diffLines: Map<string, Set<number>>, posted: Set<string>): PlannedReview {
  const prints = fingerprintsOf(result.findings);
  const inline: ReviewPayload["comments"] = [];
  const elsewhere: Array<{ finding: Finding; fingerprint: string }> = [];
  let alreadyPosted = 0;
  result.findings.forEach((finding, i) => {
    const fingerprint = prints[i]!;
    if (posted.has(fingerprint)) {
      alreadyPosted++;
      return;
    }
    if (finding.line > 0 && diffLines.get(finding.file)?.has(finding.line) && inline.length < MAX_COMMENTS) {
      inline.push({ path: finding.file, line: finding.line, side: "RIGHT", body: commentBody(finding, fingerprint) });
    } else {
      elsewhere.push({ finding, fingerprint });
    }
  });
  if (inline.length === 0 && elsewhere.length === 0) return { inline: 0, inBody: 0, alreadyPosted };
  const verdict = typeof result.data?.verdict === "string" ? ` Verdict: **${result.data.verdict}**.` : "";
  const parts = [`### bgr review\n\n${result.summary.split("\n\n")[0]}${verdict}`];
  if (elsewhere.length) {
    parts.push(
      `Findings outside this pull request's diff lines:\n\n${elsewhere
        .slice(0, 30)
        .map(({ finding: f }) => `- **${f.severity}** \`${f.file}${f.line > 0 ? `:${f.line}` : ""}\` ${f.title}: ${f.message}`)
        .join("\n")}${elsewhere.length > 30 ? `\n- … and ${elsewhere.length - 30} more` : ""}`,
    );
  }
  const markers = elsewhere.map((e) => e.fingerprint);
  if (markers.length) parts.push(`<!-- bgr:fp=${markers.join(",")} -->`);
  return {
    payload: { commit_id: headSha, body: parts.join("\n\n"), event: "COMMENT", comments: inline },
    inline: inline.length,
    inBody: elsewhere.length,
    alreadyPosted,
  };
}

class GithubClient {
  constructor(private readonly target: GithubTarget) {}

  async request<T>(method: string, route: string, body?: unknown): Promise<T> {
    const url = `${this.target.apiUrl}${route}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: "application/vnd.github+json",
          authorization: `Bearer ${this.target.token}`,
          "x-github-api-version": "2022-11-28",
          "user-agent": "bgr",
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new Error(`GitHub API ${method} ${url}: ${(error as Error).message}: check GITHUB_API_URL and the network`);
    }
    const text = await response.text();
    if (!response.ok) {
      let detail = text.slice(0, 200);
      try {
        detail = (JSON.parse(text) as { message?: string }).message ?? detail;
      } catch {
        // not JSON: keep the text
      }
      const hint = response.status === 401 || response.status === 403 ? ": the token needs pull-requests: write" : "";
      throw new Error(`GitHub API ${method} ${route}: ${response.status} ${detail}${hint}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async pages<T>(route: string): Promise<T[]> {
    const all: T[] = [];
    // GitHub serves at most 3000 files of a pull request, 30 pages of 100.
    for (let page = 1; page <= 30; page++) {
      const batch = await this.request<T[]>("GET", `${route}${route.includes("?") ? "&" : "?"}per_page=100&page=${page}`);
      all.push(...batch);
      if (batch.length < 100) break;
    }
    return all;
  }
}

export interface PostOutcome {
  url?: string;
  inline: number;
  inBody: number;
  alreadyPosted: number;
}

export async function postGithubReview(result: EngineResult, target: GithubTarget): Promise<PostOutcome> {
  const client = new GithubClient(target);
  const base = `/repos/${target.repository}/pulls/${target.pullNumber}`;
  const pull = await client.request<{ head: { sha: string } }>("GET", base);
  const files = await client.pages<{ filename: string; patch?: string }>(`${base}/files`);
  const diffLines = new Map(files.map((f) => [f.filename, commentableLines(f.patch)]));
  const posted = new Set<string>();
  const bodies = [
    ...(await client.pages<{ body?: string }>(`${base}/comments`)),
    ...(await client.pages<{ body?: string }>(`${base}/reviews`)),
  ];
  for (const { body } of bodies) {
    for (const match of (body ?? "").matchAll(MARKER)) for (const print of match[1]!.split(",")) posted.add(print);
  }
  const plan = planReview(result, pull.head.sha, diffLines, posted);
  if (!plan.payload) return { inline: 0, inBody: 0, alreadyPosted: plan.alreadyPosted };
  const review = await client.request<{ html_url?: string }>("POST", `${base}/reviews`, plan.payload);
  return { url: review?.html_url, inline: plan.inline, inBody: plan.inBody, alreadyPosted: plan.alreadyPosted };
}
