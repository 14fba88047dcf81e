// The dashboard server's gatekeeping over plain HTTP: the access token,
// the Host check, CSRF on state-changing requests, and the sandbox on every
// path a request names.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { startUiServer, type UiServer } from "../../src/ui/server.js";
import { AUDIT_ID, AUDIT_REPORT, exampleAfterRuns, type ExampleWorkspace } from "./workspace.js";

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function call(ui: UiServer, method: string, pathAndQuery: string, opts: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: ui.port, method, path: pathAndQuery, headers: opts.headers ?? {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

describe("bgr ui server", () => {
  let ws: ExampleWorkspace;
  let ui: UiServer;
  before(async () => {
    ws = await exampleAfterRuns();
    ui = await startUiServer({ root: ws.root });
  });
  after(async () => {
    await ui.close();
    await ws.cleanup();
  });

  const withToken = (p: string) => `${p}${p.includes("?") ? "&" : "?"}token=${ui.token}`;

  it("listens on 127.0.0.1 and prints a URL that carries the token", () => {
    assert.match(ui.url, new RegExp(`^http://127\\.0\\.0\\.1:${ui.port}/\\?token=${ui.token}$`));
  });

  it("refuses every request without the token, and with a wrong one", async () => {
    for (const p of ["/", "/api/overview", "/api/events", `/api/report?ref=${AUDIT_REPORT}`]) {
      const answer = await call(ui, "GET", p);
      assert.equal(answer.status, 403, p);
      assert.doesNotMatch(answer.body, /auth-security/);
    }
    // One character off (never the token itself: a random token can start with any letter).
    const wrong = (ui.token[0] === "x" ? "y" : "x") + ui.token.slice(1);
    assert.equal((await call(ui, "GET", `/api/overview?token=${wrong}`)).status, 403);
  });

  it("takes the token as a cookie after the first visit", async () => {
    const first = await call(ui, "GET", withToken("/"));
    assert.equal(first.status, 200);
    const cookie = String(first.headers["set-cookie"]).split(";")[0]!;
    assert.match(String(first.headers["set-cookie"]), /HttpOnly; SameSite=Strict/);
    const overview = await call(ui, "GET", "/api/overview", { headers: { cookie } });
    assert.equal(overview.status, 200);
    assert.ok(JSON.parse(overview.body).sessions[0].runs.some((r: { id: string }) => r.id === AUDIT_ID));
  });

  it("refuses a Host header that is not this server's (DNS rebinding)", async () => {
    const answer = await call(ui, "GET", withToken("/api/overview"), { headers: { host: `attacker.example:${ui.port}` } });
    assert.equal(answer.status, 421);
  });

  it("refuses paths that leave the workspace", async () => {
    const escape = await call(ui, "GET", withToken("/api/report?ref=" + encodeURIComponent("../../../etc/passwd")));
    assert.equal(escape.status, 400);
    assert.match(JSON.parse(escape.body).error, /outside the workspace/);
    const absolute = await call(ui, "GET", withToken("/api/source?file=" + encodeURIComponent("/etc/passwd")));
    assert.equal(absolute.status, 404);
    assert.doesNotMatch(absolute.body, /root:/);
    const log = await call(ui, "GET", withToken("/api/runs/" + encodeURIComponent("../../x") + "/log"));
    assert.equal(log.status, 400);
  });

  it("needs the page's CSRF token for ack and cancel, and acks with it", async () => {
    const body = JSON.stringify({ report: AUDIT_REPORT, status: "processed" });
    const headers = { "content-type": "application/json" };
    assert.equal((await call(ui, "POST", withToken("/api/ack"), { headers, body })).status, 403);
    assert.equal((await call(ui, "POST", withToken("/api/cancel"), { headers, body: JSON.stringify({ id: AUDIT_ID }) })).status, 403);
    assert.equal((await call(ui, "GET", withToken("/api/ack"))).status, 404, "no state change over GET");
    const page = (await call(ui, "GET", withToken("/"))).body;
    const csrf = JSON.parse(/<script id="bgr-boot" type="application\/json"[^>]*>(.*?)<\/script>/s.exec(page)![1]!).csrf as string;
    const acked = await call(ui, "POST", withToken("/api/ack"), { headers: { ...headers, "x-bgr-csrf": csrf }, body });
    assert.equal(acked.status, 200, acked.body);
    assert.equal(JSON.parse(acked.body).status, "processed");
    const reopened = await call(ui, "POST", withToken("/api/ack"), { headers: { ...headers, "x-bgr-csrf": csrf }, body: JSON.stringify({ report: AUDIT_REPORT, status: "unprocessed" }) });
    assert.equal(JSON.parse(reopened.body).status, "unprocessed");
  });

  it("serves the page with a nonce-only script policy and no framing", async () => {
    const page = await call(ui, "GET", withToken("/"));
    assert.match(String(page.headers["content-security-policy"]), /script-src 'nonce-[^']+'; /);
    assert.match(String(page.headers["content-security-policy"]), /default-src 'none'/);
    assert.equal(page.headers["x-frame-options"], "DENY");
  });
});
