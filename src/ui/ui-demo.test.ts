import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Browser } from "playwright-core";
import { SQLITE_FILE } from "../store/open-store.js";
import { demoNode, launchBrowser, nodePage, screenshotDir, seriousViolations, signIn, type ListeningNode } from "../testing/ui-browser.js";
import type { DemoSummary } from "../demo/demo-scenario.js";
import { formatDemoBanner } from "../demo/demo-banner.js";

/*
 * The duty officer's and the analyst's journeys against a real node holding the demo scenario: the page
 * and its security headers, sign-in, the inbox, a warning with its verification panel computed in the
 * browser, a phone-sized screen, a track record, the attribution board edited in place, the log's
 * checkpoint, consistency and inclusion proofs, a bundle audited offline — and, last, a tampered record
 * turning the panel red.
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
  // Only the built files, from memory: no path leads to the disk, and a hostile name is a coded 4xx.
  for (const path of ["/ui/..%2f..%2fpackage.json", "/ui/%2e%2e%2fnode.secret", `/ui/${"a".repeat(100)}.js`]) {
    const res = await fetch(`${n.base}${path}`);
    assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
    assert.match(((await res.json()) as { code: string }).code, /^HTTP_/, path);
  }
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
    assert.equal(titles.length, 25, "a page of cards; older ones on demand");
    assert.match(titles.at(-1)!, /^\[SYNTHETIC\] .* warning \d+$/, "the synthetic past warnings of 2023 come next");
    await page.screenshot({ path: join(shots, "ui-inbox.png") });
    await page.getByRole("button", { name: /^Show 25 more/ }).click();
    assert.equal(await page.locator("li.card").count(), 50);
    assert.deepEqual(await seriousViolations(page), [], "inbox");
    assert.deepEqual(outside, [], "nothing fetched from outside the node");
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("first run: the demo banner's sign-in link opens the inbox and leaves no token in the address bar", async () => {
  const banner = formatDemoBanner(n.demo, n.base);
  const link = /^ {4}(http:\/\/\S+\/#token=\S+)$/m.exec(banner)?.[1];
  assert.ok(link, banner);
  const { page, close } = await nodePage(browser, n.base);
  try {
    await page.goto(link);
    await page.getByRole("heading", { name: "Inbox" }).waitFor();
    await page.locator("li.card").first().waitFor();
    assert.doesNotMatch(page.url(), /token/, "the fragment is removed at once");
    assert.match(await page.locator("header").innerText(), /Federal Security Service/);
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
    await page.screenshot({ path: join(shots, "ui-inbox-phone.png") });
    await page.getByRole("link", { name: n.demo.warnings[0]!.title }).click();
    await page.locator("section.verification").waitFor();
    const panelTop = await page.locator("section.verification").evaluate((e) => e.getBoundingClientRect().top);
    const titleTop = await page.locator("article h1").evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(panelTop < titleTop, "the verdict comes before the warning on a phone");
    assert.ok((await overflow()) <= 0, `the warning is wider than the screen by ${await overflow()} px`);
    await page.screenshot({ path: join(shots, "ui-warning-phone.png") });
  } finally {
    await close();
  }
});

test("a track record: scores with intervals, the reliability diagram, lead time; the recipient's side", async () => {
  const { page, errors, close } = await nodePage(browser, n.base);
  try {
    await signIn(page, n.base, tokenOf("ru-fsb"));
    await page.getByRole("link", { name: "Track records" }).click();
    await page.getByLabel("Party").selectOption("synthetic-overconfident");
    await page.getByRole("heading", { name: "Track record of Synthetic source, over-confident (SYNTHETIC)" }).waitFor();
    const text = await page.locator("main").innerText();
    assert.match(text, /Brier score\s+0\.\d+ \(95 % interval 0\.\d+ – 0\.\d+\)/);
    assert.match(text, /Brier skill\s+-0\.\d+/, "an over-confident source scores below the base rate");
    assert.match(text, /Lead time\s+median /);
    assert.match(text, /As a recipient/);
    assert.ok((await page.locator("svg.chart circle").count()) >= 2, "the reliability diagram's points");
    assert.deepEqual(await seriousViolations(page), [], "track record");
    await page.screenshot({ path: join(shots, "ui-track-record.png"), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("the attribution board: the ACH matrix edited in place by its owner, signed in the browser; scores, flags, linchpins and history follow", async () => {
  const desk = n.demo.parties.find((p) => p.slug === "analyst-desk")!;
  const { page, errors, close } = await nodePage(browser, n.base);
  try {
    await signIn(page, n.base, desk.token);
    await page.getByRole("link", { name: "Boards" }).click();
    await page.getByRole("link", { name: /Crocus City Hall attack/ }).click();
    // The board's own title (h1): the list just left has the same words in a card's h2, which a looser
    // wait found while the board was still loading.
    await page.getByRole("heading", { level: 1, name: /Crocus City Hall attack/ }).waitFor();
    const before = await page.locator("main").innerText();
    assert.match(before, /Ranking: H1 > H4 > H2 > H3/);
    assert.match(before, /asserted without evidence/);
    assert.match(before, /Linchpins[\s\S]*Without E2/);
    assert.deepEqual(await seriousViolations(page), [], "board");
    await page.screenshot({ path: join(shots, "ui-board.png"), fullPage: true });

    await page.getByLabel(/Your private key file/).setInputFiles(desk.keyFile!);
    await page.getByRole("status").filter({ hasText: "Key loaded" }).waitFor();
    await page.getByLabel("Your rating of E3 against H1").selectOption("II");
    await page.getByRole("status").filter({ hasText: /Saved as version 4, logged at index \d+/ }).waitFor();
    await page.getByText(/Version 4, .* analyst-desk rates E3 against H1: II/).waitFor();
    const after = await page.locator("main").innerText();
    assert.doesNotMatch(after, /Ranking: H1 > H4 > H2 > H3/, "the ranking follows the new rating");
    const history = (await (await fetch(`${n.base}/api/v1/boards/crocus-attribution/history`, { headers: { authorization: `Bearer ${desk.token}` } })).json()) as any;
    const v4 = history.versions.find((v: any) => v.version === 4);
    assert.equal(v4.custodial, false, "signed with the desk's own key, in the browser");
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("the log: the checkpoint verified here, consistency with the checkpoint seen before, an entry's inclusion proof", async () => {
  const { page, errors, close } = await nodePage(browser, n.base);
  try {
    await signIn(page, n.base, tokenOf("observer-cert"));
    await page.getByRole("link", { name: "Log" }).click();
    await page.getByRole("heading", { name: "Latest checkpoint" }).waitFor();
    assert.match(await page.locator("main").innerText(), /Signed by the log \(with the key the node serves/);
    assert.match(await page.locator("main").innerText(), /has seen no earlier checkpoint/);
    // The log grows (a party registers), then the page checks the new checkpoint against the one it saw.
    await n.node.registrar.create({ slug: "late-cert", name: "Late CERT" });
    await page.getByRole("button", { name: "Fetch the checkpoint again" }).click();
    await page.getByText(/Consistent with the checkpoint of size \d+ you saw: the log only grew/).waitFor();
    // Pin the operator's key (here: the one the node serves, compared by the test with the node's own file).
    const served = await (await fetch(`${n.base}/log/key`)).text();
    await page.getByLabel("Log key to pin").fill(served.trim());
    await page.getByRole("button", { name: "Pin this key" }).click();
    await page.getByText("with the key you pinned").waitFor();
    await page.getByLabel("Entry index").fill("3");
    await page.getByRole("button", { name: "Check its inclusion proof" }).click();
    await page.getByRole("status").filter({ hasText: /✓ Entry 3 .* is in the checkpoint of size \d+/ }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], "log");
    await page.screenshot({ path: join(shots, "ui-log.png"), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("audit a bundle file offline, without signing in: verified; the same file altered is not", async () => {
  const first = n.demo.warnings[0]!;
  const res = await fetch(`${n.base}/api/v1/warnings/${first.id}/bundle`, { headers: { authorization: `Bearer ${tokenOf("ru-fsb")}` } });
  assert.equal(res.status, 200);
  const bundle = (await res.json()) as any;
  const dir = mkdtempSync(join(tmpdir(), "tocsin-ui-audit-"));
  const good = join(dir, "bundle.json");
  const bad = join(dir, "bundle-altered.json");
  writeFileSync(good, JSON.stringify(bundle));
  const altered = JSON.parse(JSON.stringify(bundle));
  altered.records.find((r: any) => r.record.type === "report").record.name = "Nothing to worry about";
  writeFileSync(bad, JSON.stringify(altered));
  const { page, errors, close } = await nodePage(browser, n.base);
  try {
    await page.goto(`${n.base}/#/audit`);
    await page.getByRole("heading", { name: "Audit a bundle" }).waitFor();
    await page.context().setOffline(true);
    await page.getByLabel("Choose a bundle file").setInputFiles(good);
    const panel = page.locator("section.verification");
    await panel.waitFor();
    assert.equal(await panel.getAttribute("data-verdict"), "verified", await panel.innerText());
    assert.ok((await page.locator("table.timeline tbody tr").count()) >= 4);
    assert.deepEqual(await seriousViolations(page), [], "audit");
    await page.screenshot({ path: join(shots, "ui-audit.png"), fullPage: true });
    await page.getByLabel("Choose a bundle file").setInputFiles(bad);
    await page.locator('section.verification[data-verdict="failed"]').waitFor();
    assert.match(await panel.innerText(), /✗ Record signatures/);
    assert.deepEqual(errors, []);
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
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
