// The dashboard in a real browser: Debian's chromium driven by
// puppeteer-core (no browser download). Every wait is on something the page
// shows, never on a clock. Screenshots go to the test's temp folder.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { startUiServer, type UiServer } from "../../src/ui/server.js";
import { bgr, startSilentModelServer } from "../cli/helpers.js";
import { AUDIT_ID, AUDIT_REPORT, exampleAfterRuns, type ExampleWorkspace } from "./workspace.js";

const CHROMIUM = process.env.BGR_CHROMIUM ?? "/usr/bin/chromium";
/** Waits are on what the page shows; this only bounds a page that never shows it, generously for a loaded machine. */
const PAGE_WAIT_MS = 180_000;

interface Finding {
  title: string;
  file: string;
  line: number;
}

describe("bgr ui in a browser", () => {
  let ws: ExampleWorkspace;
  let ui: UiServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: apt-get install chromium (or set BGR_CHROMIUM)`);
    ws = await exampleAfterRuns();
    ui = await startUiServer({ root: ws.root });
    browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--headless=new", "--disable-gpu"] });
    page = await browser.newPage();
    page.setDefaultTimeout(PAGE_WAIT_MS);
    await page.setViewport({ width: 1280, height: 900 });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error instanceof Error ? error.message : String(error)}`));
    await page.goto(ui.url, { waitUntil: "load" });
    // Set once: still there at the end means no test reloaded the page.
    await page.evaluate(() => ((window as unknown as { loadedOnce: boolean }).loadedOnce = true));
  });

  after(async () => {
    await browser?.close();
    await ui?.close();
    await ws?.cleanup();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(ws.parent, `${name}.png`), fullPage: true });

  it("lists the example's run with its status", async () => {
    await page.waitForSelector(`tr.run[data-id="${AUDIT_ID}"] .badge.completed`);
    const task = await page.$eval(`tr.run[data-id="${AUDIT_ID}"]`, (row) => row.textContent ?? "");
    assert.match(task, /Run security audit on auth module/);
    await shot("runs");
  });

  it("shows a new run and its status change live, without a reload, and cancels it", async () => {
    const model = await startSilentModelServer();
    try {
      const spawned = await bgr(
        ["spawn", "--kind", "llm", "--task", "Summarize the auth docs", "--model", "m", "--provider", "openai", "--base-url", model.baseUrl, "--json"],
        { cwd: ws.root },
      );
      assert.equal(spawned.code, 0, spawned.stderr);
      const { id } = JSON.parse(spawned.stdout) as { id: string };
      await page.waitForSelector(`tr.run[data-id="${id}"] .badge.running`);
      await shot("run-live");
      // The table is rebuilt between the press and the release, as a heartbeat
      // does at any moment: the click still lands on the cancel button.
      const cancel = (await page.$(`tr.run[data-id="${id}"] button.danger`))!;
      const box = (await cancel.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.evaluate(() => (window as unknown as { BGR: { route(): Promise<void> } }).BGR.route());
      await page.mouse.up();
      await page.waitForSelector(`tr.run[data-id="${id}"] .badge.failed`);
      // An open log keeps its text through a re-render instead of blinking back to "…".
      await page.click(`tr.run[data-id="${id}"] td.actions button`);
      const logText = async () => page.$eval(`pre.log[data-id="${id}"]`, (pre) => pre.textContent ?? "");
      await page.waitForFunction((runId) => document.querySelector(`pre.log[data-id="${runId}"]`)?.textContent?.includes(`run ${runId}: llm`), {}, id);
      await page.evaluate(() => (window as unknown as { BGR: { route(): Promise<void> } }).BGR.route());
      assert.ok((await logText()).includes(`run ${id}: llm`), await logText());
      assert.equal(await page.evaluate(() => (window as unknown as { loadedOnce?: boolean }).loadedOnce), true, "the page was reloaded");
    } finally {
      await model.close();
    }
  });

  it("shows each finding of a report with its title and the code at its line", async () => {
    const data = JSON.parse(await readFile(path.join(ws.root, AUDIT_REPORT.replace(/\.md$/, ".json")), "utf8")) as { findings: Finding[] };
    assert.ok(data.findings.length > 0);
    await page.evaluate((hash) => (location.hash = hash), `#/report/${encodeURIComponent(AUDIT_REPORT)}`);
    await page.waitForSelector("article.finding");
    const cards = await page.$$eval("article.finding", (nodes) =>
      nodes.map((n) => ({ title: n.querySelector("h3")?.textContent ?? "", hit: n.querySelector("pre.code .ln.hit")?.textContent ?? "" })),
    );
    assert.equal(cards.length, data.findings.length);
    for (const [i, finding] of data.findings.entries()) {
      assert.ok(cards[i]!.title.endsWith(finding.title), `card ${i}: ${cards[i]!.title}`);
      const source = (await readFile(path.join(ws.root, finding.file), "utf8")).split("\n")[finding.line - 1]!;
      assert.ok(cards[i]!.hit.includes(source.trim()), `card ${i} shows ${JSON.stringify(cards[i]!.hit)}, not line ${finding.line}`);
    }
    await page.click('input[name="severity"][value="High"]');
    const shown = await page.$$eval("article.finding", (nodes) => nodes.length);
    assert.equal(shown, data.findings.filter((f) => (f as Finding & { severity: string }).severity !== "High").length);
    await page.click('input[name="severity"][value="High"]');
    await shot("report");
  });

  it("draws the coverage treemap, one tile per file, and opens a file view", async () => {
    await page.evaluate((hash) => (location.hash = hash), `#/coverage/${encodeURIComponent(ws.coverageReport)}`);
    await page.waitForSelector("canvas.treemap[data-leaves]");
    assert.equal(await page.$eval("canvas.treemap", (c) => c.getAttribute("data-leaves")), "3");
    const painted = await page.$eval("canvas.treemap", (canvas) => {
      const c = canvas as HTMLCanvasElement;
      const pixel = c.getContext("2d")!.getImageData(Math.floor(c.width / 4), Math.floor(c.height / 2), 1, 1).data;
      return pixel[3]! > 0 && !(pixel[0] === 0x1f && pixel[1] === 0x23 && pixel[2] === 0x28);
    });
    assert.ok(painted, "the treemap has no coloured tile");
    await shot("coverage");
    await page.click('a[href$="/src%2Fauth%2Ftoken.py"]');
    await page.waitForSelector("pre.code.source .ln.miss");
    const missed = await page.$$eval("pre.code.source .ln.miss .no", (nodes) => nodes.map((n) => n.textContent));
    assert.deepEqual(missed, ["2"]);
  });

  it("draws the trend charts", async () => {
    await page.evaluate(() => (location.hash = "#/trends"));
    await page.waitForSelector(".chart .uplot");
    assert.equal(await page.$$eval(".chart .uplot", (n) => n.length), 2);
    await shot("trends");
  });

  it("a saved single report (bgr audit --format html) opens on its findings, offline", async () => {
    const out = path.join(ws.parent, "audit.html");
    const audit = await bgr(["audit", "--format", "html", "--out", out, "src"], { cwd: ws.root });
    assert.equal(audit.code, 0, audit.stderr);
    const saved = await browser.newPage();
    saved.setDefaultTimeout(PAGE_WAIT_MS);
    saved.on("pageerror", (error) => problems.push(`saved page error: ${error instanceof Error ? error.message : String(error)}`));
    // Nothing may be fetched: a saved copy works with the network off.
    await saved.setRequestInterception(true);
    saved.on("request", (req) => (req.url().startsWith("file:") ? req.continue() : (problems.push(`fetched ${req.url()}`), req.abort())));
    await saved.goto(pathToFileURL(out).href, { waitUntil: "load" });
    await saved.waitForSelector("article.finding");
    assert.ok((await saved.$$("article.finding")).length > 0);
    await saved.close();
  });

  it("had no console errors", () => {
    assert.deepEqual(problems, []);
  });
});
