import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, postJson } from "../../src/engines/llm/http.js";

describe("provider HTTP", () => {
  it("reads retry-after as seconds, an HTTP date, or retry-after-ms", () => {
    const now = Date.parse("2026-01-23T14:30:00Z");
    assert.equal(parseRetryAfter(new Headers({ "retry-after": "7" }), now), 7000);
    assert.equal(parseRetryAfter(new Headers({ "retry-after": "0.5" }), now), 500);
    assert.equal(parseRetryAfter(new Headers({ "retry-after": "Fri, 23 Jan 2026 14:30:30 GMT" }), now), 30_000);
    assert.equal(parseRetryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now), 250);
    assert.equal(parseRetryAfter(new Headers({ "retry-after": "soon" }), now), undefined);
    assert.equal(parseRetryAfter(new Headers(), now), undefined);
  });

  it("backs off exponentially with jitter, capped, and obeys the server's wait", () => {
    for (let attempt = 0; attempt < 4; attempt++) {
      const delay = backoffDelay(attempt, DEFAULT_RETRY);
      const full = DEFAULT_RETRY.baseDelayMs * 2 ** attempt;
      assert.ok(delay >= full / 2 && delay <= full, `attempt ${attempt}: ${delay}`);
    }
    assert.equal(backoffDelay(20, DEFAULT_RETRY) <= DEFAULT_RETRY.maxDelayMs, true);
    assert.equal(backoffDelay(0, DEFAULT_RETRY, 7000), 7000);
    assert.equal(backoffDelay(0, DEFAULT_RETRY, 10_000_000), DEFAULT_RETRY.maxDelayMs);
  });

  const servers: Array<ReturnType<typeof createServer>> = [];
  after(() => servers.forEach((s) => s.close()));
  async function serve(handler: (count: number) => { status: number; body: string }): Promise<string> {
    let count = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const reply = handler(++count);
        res.writeHead(reply.status, { "content-type": "application/json" });
        res.end(reply.body);
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  }
  const options = (logs: string[]) => ({ signal: new AbortController().signal, log: (m: string) => logs.push(m), label: "test", retry: { baseDelayMs: 1 } });

  it("gives up after maxRetries on persistent 5xx, saying how many attempts", async () => {
    const url = await serve(() => ({ status: 502, body: "bad gateway" }));
    const logs: string[] = [];
    await assert.rejects(postJson(url, {}, {}, { ...options(logs), retry: { baseDelayMs: 1, maxRetries: 2 } }), {
      name: "ProviderError",
      message: `test: ${url} still failing after 3 attempts (HTTP 502: bad gateway)`,
    });
    assert.equal(logs.length, 2);
  });

  it("refuses a success body that is not JSON", async () => {
    const url = await serve(() => ({ status: 200, body: "<html>proxy login</html>" }));
    await assert.rejects(postJson(url, {}, {}, options([])), /answered 200 with a body that is not JSON: <html>proxy login<\/html>/);
  });

  it("retries a refused connection and then names the cause", async () => {
    const url = await serve(() => ({ status: 200, body: "{}" }));
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    const logs: string[] = [];
    await assert.rejects(postJson(url, {}, {}, { ...options(logs), retry: { baseDelayMs: 1, maxRetries: 1 } }), /still failing after 2 attempts \(ECONNREFUSED\)/);
  });

  it("stops waiting when the run is aborted", async () => {
    const url = await serve(() => ({ status: 429, body: '{"error":{"message":"slow down"}}' }));
    const controller = new AbortController();
    const pending = postJson(url, {}, {}, { signal: controller.signal, log: () => controller.abort(new Error("timed out after 30m")), label: "t", retry: { baseDelayMs: 60_000 } });
    await assert.rejects(pending, { message: "timed out after 30m" });
  });
});
