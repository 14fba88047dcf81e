// `bgr ui`: a local web server for one workspace. It binds to 127.0.0.1
// only, and every request must carry the random access token printed with
// the URL (as ?token= once, then as a SameSite=Strict cookie), because any
// web page the user visits can reach localhost. State-changing requests
// (ack, cancel) are POSTs that must also echo a CSRF token from the page, and
// the Host header must name this server (DNS rebinding).
import { randomBytes, timingSafeEqual } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { InputError, RUNS_DIR } from "../protocol/ids.js";
import { REPORT_STATUSES, type ReportStatus } from "../protocol/report-meta.js";
import { ackReport } from "../runtime/reports.js";
import { cancelRun, getStatus } from "../runtime/status.js";
import { SandboxError } from "../tools/sandbox.js";
import { renderPage } from "./page.js";
import { readWorkspaceText } from "../report/excerpts.js";
import { runLogTail, readOverview, readReport, readRuns, readTrends } from "./state.js";

const COOKIE = "bgr_ui_token";
const MAX_BODY_BYTES = 64 * 1024;
/** How often open event streams look for changed runs when no file event arrives first. */
const POLL_MS = 1000;

export interface UiServer {
  url: string;
  port: number;
  token: string;
  server: Server;
  close(): Promise<void>;
}

export interface UiOptions {
  root: string;
  port?: number;
  token?: string;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === COOKIE) return value.join("=");
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: string, type: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    ...headers,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  send(res, status, JSON.stringify(value), "application/json; charset=utf-8");
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "request body too large");
    chunks.push(chunk as Buffer);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, "the request body must be a JSON object");
}

function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== "string" || value === "") throw new HttpError(400, `${key} is required`);
  return value;
}

/** Streams run changes to every open page: one snapshot on connect, then one per change. */
class RunFeed {
  private readonly clients = new Set<ServerResponse>();
  private last = "";
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private busy = false;

  constructor(private readonly root: string) {}

  add(res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    res.write(": bgr run feed\n\n");
    this.clients.add(res);
    res.on("close", () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stop();
    });
    this.last = "";
    this.start();
    void this.tick();
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), POLL_MS);
    try {
      this.watcher = watch(path.join(this.root, RUNS_DIR), () => void this.tick());
      this.watcher.on("error", () => undefined);
    } catch {
      // No runs folder yet: the poll picks up the first run.
    }
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async tick(): Promise<void> {
    if (this.busy || this.clients.size === 0) return;
    this.busy = true;
    try {
      const text = JSON.stringify(await readRuns(this.root));
      if (text !== this.last) {
        this.last = text;
        for (const client of this.clients) client.write(`event: runs\ndata: ${text}\n\n`);
      }
    } catch {
      // A half-written run record: the next tick reads it whole.
    } finally {
      this.busy = false;
    }
  }

  closeAll(): void {
    for (const client of this.clients) client.end();
    this.stop();
  }
}

export async function startUiServer(options: UiOptions): Promise<UiServer> {
  const root = options.root;
  const token = options.token ?? randomBytes(24).toString("base64url");
  const csrf = randomBytes(24).toString("base64url");
  const feed = new RunFeed(root);
  let port = 0;

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? "GET";
    const p = url.pathname;
    if (method === "GET" && (p === "/" || p === "/index.html")) {
      const nonce = randomBytes(16).toString("base64");
      const headers: Record<string, string> = {
        "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      };
      if (url.searchParams.get("token")) headers["set-cookie"] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      return send(res, 200, renderPage({ mode: "live", title: `bgr — ${path.basename(root)}`, csrf }, nonce), "text/html; charset=utf-8", headers);
    }
    if (method === "GET" && p === "/api/overview") return sendJson(res, await readOverview(root));
    if (method === "GET" && p === "/api/events") return feed.add(res);
    if (method === "GET" && p === "/api/trends") return sendJson(res, await readTrends(root));
    if (method === "GET" && p === "/api/report") return sendJson(res, await readReport(root, url.searchParams.get("ref") ?? ""));
    if (method === "GET" && p === "/api/source") {
      const file = url.searchParams.get("file") ?? "";
      const text = readWorkspaceText(root, file);
      if (text === undefined) throw new HttpError(404, `no readable source file ${JSON.stringify(file)} in the workspace`);
      return sendJson(res, { file, text });
    }
    const logMatch = /^\/api\/runs\/([^/]+)\/log$/.exec(p);
    if (method === "GET" && logMatch) {
      const run = await getStatus(root, decodeURIComponent(logMatch[1]!));
      return sendJson(res, { id: run.id, status: run.status, log: await runLogTail(root, run) });
    }
    if (method === "POST" && (p === "/api/ack" || p === "/api/cancel")) {
      if (!sameSecret(req.headers["x-bgr-csrf"] as string | undefined, csrf)) throw new HttpError(403, "missing or wrong CSRF token: reload the page");
      const body = await readBody(req);
      if (p === "/api/cancel") return sendJson(res, await cancelRun(root, requireString(body, "id")));
      const status = (body.status ?? "processed") as string;
      if (!(REPORT_STATUSES as readonly string[]).includes(status)) throw new HttpError(400, `status must be one of ${REPORT_STATUSES.join(", ")}`);
      return sendJson(res, await ackReport(root, requireString(body, "report"), status as ReportStatus));
    }
    throw new HttpError(404, `no such page: ${method} ${p}`);
  }

  const server = createServer((req, res) => {
    const host = req.headers.host ?? "";
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      return send(res, 421, "wrong Host header: open the URL that bgr ui printed\n", "text/plain; charset=utf-8");
    }
    const url = new URL(req.url ?? "/", `http://${host}`);
    if (!sameSecret(url.searchParams.get("token") ?? cookieToken(req), token)) {
      return send(res, 403, "forbidden: this dashboard needs its access token; open the URL that bgr ui printed\n", "text/plain; charset=utf-8");
    }
    route(req, res, url).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : error instanceof InputError || error instanceof SandboxError ? 400 : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, { error: message.split("\n")[0] }, status);
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        feed.closeAll();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
