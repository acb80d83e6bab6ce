import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Browser } from "playwright-core";
import { SQLITE_FILE } from "../store/open-store.js";
import { demoNode, launchBrowser, nodePage, screenshotDir, seriousViolations, signIn, type ListeningNode } from "../testing/ui-browser.js";
import type { DemoSummary } from "../demo/demo-scenario.js";

/*
 * The duty officer's first journeys against a real node holding the demo scenario: the page and its
 * security headers, sign-in, the inbox, a warning with its verification panel computed in the browser,
 * a phone-sized screen, and a tampered record turning the panel red.
 */

let n: ListeningNode & { demo: DemoSummary };
let browser: Browser;
const tokenOf = (slug: string): string => n.demo.parties.find((p) => p.slug === slug)!.token;
const shots = screenshotDir();

before(async () => {
  [n, browser] = await Promise.all([demoNode(), launchBrowser()]);
});
after(async () => {
  await browser?.close();
  await n?.close();
});

test("GET / serves the UI with a strict CSP; its files come from /ui/ and nothing else does", async () => {
  const page = await fetch(`${n.base}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
  const csp = page.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  const html = await page.text();
  assert.match(html, /src="\/ui\/app\.js"/);
  assert.doesNotMatch(html, /https?:\/\//, "the page names no outside URL");
  const script = await fetch(`${n.base}/ui/app.js`);
  assert.equal(script.status, 200);
  assert.match(script.headers.get("content-type") ?? "", /^text\/javascript/);
  assert.equal((await fetch(`${n.base}/ui/index.html`)).status, 404);
  const missing = await fetch(`${n.base}/ui/nothing.js`);
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get("content-type") ?? "", /application\/problem\+json/);
});

test("a wrong token is refused in a sentence; the right one opens the inbox: titles, senders, TLP, probability, states", async () => {
  const { page, outside, errors, close } = await nodePage(browser, n.base);
  try {
    await signIn(page, n.base, "tocsin_not-a-real-token");
    await page.getByRole("alert").filter({ hasText: "does not know this token" }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], "sign-in screen");
    await page.screenshot({ path: join(shots, "ui-sign-in.png") });

    await signIn(page, n.base, tokenOf("ru-fsb"));
    await page.getByRole("heading", { name: "Inbox" }).waitFor();
    const first = n.demo.warnings[0]!;
    const card = page.locator("li.card").filter({ hasText: first.title });
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /TLP:AMBER/);
    assert.match(text, /From US intelligence community/);
    assert.match(text, /p = 60 %/);
    assert.match(text, /Resolved: materialized/);
    assert.match(text, /Escalated — Federal Security Service .*: assessment/, "the escalations for missed deadlines");
    // Newest first: the public advisory of 7 March before the warning of 6 March.
    const titles = await page.locator("li.card h2").allInnerTexts();
    assert.deepEqual(titles.slice(0, 2), [n.demo.warnings[1]!.title, first.title]);
    assert.match(titles.at(-1)!, /^\[SYNTHETIC\] .* warning \d+$/, "the synthetic past warnings of 2023 come last");
    assert.deepEqual(await seriousViolations(page), [], "inbox");
    await page.screenshot({ path: join(shots, "ui-inbox.png"), fullPage: true });
    assert.deepEqual(outside, [], "nothing fetched from outside the node");
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("a warning shows what it says, its versions, its timeline, and a verification panel computed in the browser", async () => {
  const { page, outside, errors, close } = await nodePage(browser, n.base);
  try {
    await signIn(page, n.base, tokenOf("ru-fsb"));
    const first = n.demo.warnings[0]!;
    await page.getByRole("link", { name: first.title }).click();
    const panel = page.locator("section.verification");
    await panel.waitFor();
    assert.equal(await panel.getAttribute("data-verdict"), "verified", await panel.innerText());
    const verdict = await panel.innerText();
    for (const line of ["Record signatures", "Key histories", "Inclusion proofs", "Checkpoint signatures", "Witness cosignatures", "Consistency", "Whole thread"]) {
      assert.match(verdict, new RegExp(`✓ ${line}`), line);
    }
    await page.getByRole("heading", { name: first.title }).waitFor();
    const timeline = page.locator("table.timeline tbody tr");
    assert.ok((await timeline.count()) >= 4, "the thread's records");
    assert.match(await timeline.first().innerText(), /warning/);
    assert.match(await page.locator("table.timeline").innerText(), /verified, signed by Federal Security Service .* with its own key/, "each row says who signed");
    assert.deepEqual(await seriousViolations(page), [], "warning screen");
    await page.screenshot({ path: join(shots, "ui-warning.png"), fullPage: true });
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("on a phone-sized screen the inbox and a warning fit the width, the verification panel first", async () => {
  const { page, close } = await nodePage(browser, n.base, { width: 390, height: 844 });
  try {
    await signIn(page, n.base, tokenOf("ru-fsb"));
    await page.locator("li.card").first().waitFor();
    const overflow = async (): Promise<number> => page.evaluate(() => { const g = globalThis as any; return g.document.documentElement.scrollWidth - g.innerWidth; });
    assert.ok((await overflow()) <= 0, `the inbox is wider than the screen by ${await overflow()} px`);
    await page.screenshot({ path: join(shots, "ui-inbox-phone.png"), fullPage: true });
    await page.getByRole("link", { name: n.demo.warnings[0]!.title }).click();
    await page.locator("section.verification").waitFor();
    const panelTop = await page.locator("section.verification").evaluate((e) => e.getBoundingClientRect().top);
    const titleTop = await page.locator("article h1").evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(panelTop < titleTop, "the verdict comes before the warning on a phone");
    assert.ok((await overflow()) <= 0, `the warning is wider than the screen by ${await overflow()} px`);
    await page.screenshot({ path: join(shots, "ui-warning-phone.png"), fullPage: true });
  } finally {
    await close();
  }
});

test("a record altered on the node (its database patched) turns the verification panel red", async () => {
  const first = n.demo.warnings[0]!;
  // The operator's database says the venue assessed otherwise: the node now serves a record its author never signed.
  const db = new Database(join(n.dir, SQLITE_FILE));
  try {
    const row = db.prepare("SELECT digest, body FROM record WHERE warning_ref = ? AND type = 'opinion' ORDER BY log_index LIMIT 1").get(first.id) as { digest: Buffer; body: string };
    assert.ok(row, "the demo thread holds an assessment");
    const body = JSON.parse(row.body) as Record<string, unknown>;
    body.opinion = body.opinion === "strongly-agree" ? "strongly-disagree" : "strongly-agree";
    db.prepare("UPDATE record SET body = ? WHERE digest = ?").run(JSON.stringify(body), row.digest);
  } finally {
    db.close();
  }
  const { page, close } = await nodePage(browser, n.base);
  try {
    await signIn(page, n.base, tokenOf("ru-fsb"));
    await page.getByRole("link", { name: first.title }).click();
    const panel = page.locator("section.verification");
    await panel.waitFor();
    assert.equal(await panel.getAttribute("data-verdict"), "failed");
    const text = await panel.innerText();
    assert.match(text, /Verification FAILED/);
    assert.match(text, /✗ Record signatures/);
    assert.match(await page.locator("table.timeline tr.bad").first().innerText(), /failed/, "the altered record's row is marked");
    await page.screenshot({ path: join(shots, "ui-warning-tampered.png"), fullPage: true });
  } finally {
    await close();
  }
});
