import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumPath } from "../render/chromium-pdf.js";
import { DEMO_START, loadDemoScenario, type DemoSummary } from "../demo/demo-scenario.js";
import { ScriptedClock } from "../demo/scripted-clock.js";
import { parseConfig } from "../node/config.js";
import { openNode, type TocsinNode } from "../node/node.js";

/*
 * What the web UI's browser tests share: a real node listening on loopback (the demo scenario, or an
 * empty one), one headless Chromium per test file, an accessibility check with axe-core, and
 * screenshots written where the test says (TOCSIN_UI_SCREENSHOTS, else a temporary directory).
 */

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: FLAGS, headless: true });
}

/** A node on a temporary directory, listening on a free loopback port. */
export interface ListeningNode {
  readonly node: TocsinNode;
  readonly base: string;
  readonly dir: string;
  close(): Promise<void>;
}

/** A node with the demo scenario loaded (as `tocsin serve --demo` does), listening. */
export async function demoNode(): Promise<ListeningNode & { demo: DemoSummary }> {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-ui-"));
  const clock = new ScriptedClock(DEMO_START);
  const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0, checkWorkers: 0 }), { clock });
  const demo = await loadDemoScenario(node, clock);
  clock.release();
  if (!demo) throw new Error("the demo did not load");
  return { ...(await listening(node, dir)), demo };
}

/** An empty node (parties added by the test through `node.registrar`), listening. */
export async function emptyNode(): Promise<ListeningNode> {
  const dir = mkdtempSync(join(tmpdir(), "tocsin-ui-"));
  const node = await openNode(parseConfig({ dataDir: dir, escalationIntervalMs: 0, checkWorkers: 0 }));
  await node.startLeadership("http://127.0.0.1:0");
  return listening(node, dir);
}

async function listening(node: TocsinNode, dir: string): Promise<ListeningNode> {
  await node.app.listen({ host: "127.0.0.1", port: 0 });
  const port = (node.app.server.address() as AddressInfo).port;
  return {
    node,
    dir,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A page that records every request it makes: the UI must fetch nothing from outside the node.
 * `outside` lists the URLs that did not start with `base`.
 */
export async function nodePage(browser: Browser, base: string, viewport = { width: 1280, height: 860 }): Promise<{ page: Page; outside: string[]; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const outside: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith("data:")) outside.push(r.url());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of (4\d\d)/.test(m.text())) errors.push(m.text());
  });
  return { page, outside, errors, close: () => context.close() };
}

/** Signs in through the sign-in form, as a person pastes a token. */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const axeSource = (): string => readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The serious and critical axe-core violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, not a <script> tag, which the page's CSP rightly refuses.
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.evaluate(axeSource());
  const result = (await page.evaluate(async () => (globalThis as any).axe.run((globalThis as any).document, { resultTypes: ["violations"] }))) as {
    violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
}

/** Where screenshots go: TOCSIN_UI_SCREENSHOTS (e.g. docs/images to refresh the README's), else a temporary directory. */
export function screenshotDir(): string {
  const dir = process.env.TOCSIN_UI_SCREENSHOTS ?? join(tmpdir(), "tocsin-ui-screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}
