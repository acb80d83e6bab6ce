import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { buildWarning, reviseWarning } from "../client/record-builders.js";
import { ed25519PublicKey } from "../core/crypto/index.js";
import { readSeed } from "../exchange/party-key-files.js";
import { emptyNode, launchBrowser, nodePage, screenshotDir, seriousViolations, signIn, type ListeningNode } from "../testing/ui-browser.js";

/*
 * Writing from the browser against a real node: issuing a warning signed in the page with a key file
 * the user loads (never uploaded), responding to it — receipt, assessment, action — as a party that
 * signs for itself and as a custodial party whose node signs, the node's coded refusals shown as
 * sentences, a new version's changes, and the inbox updating by itself.
 */

interface Party {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly token: string;
  readonly keyFile?: string;
}

let n: ListeningNode;
let browser: Browser;
let cert: Party;
let ops: Party;
let venue: Party;
const shots = screenshotDir();

before(async () => {
  [n, browser] = await Promise.all([emptyNode(), launchBrowser()]);
  const make = async (slug: string, name: string, custodial = false): Promise<Party> => {
    const c = await n.node.registrar.create({ slug, name, custodial });
    return { id: c.id, slug, name, token: c.token, ...(c.keyFile ? { keyFile: c.keyFile } : {}) };
  };
  cert = await make("cert-a", "National CERT A");
  ops = await make("ops", "Stadium operations");
  venue = await make("venue", "Venue security office", true);
});
after(async () => {
  await browser?.close();
  await n?.close();
});

async function api(who: Party, path: string): Promise<any> {
  const res = await fetch(`${n.base}${path}`, { headers: { authorization: `Bearer ${who.token}` } });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

const loadKey = async (page: Page, file: string): Promise<void> => {
  await page.getByLabel(/Your private key file/).setInputFiles(file);
  await page.getByRole("status").filter({ hasText: "Key loaded" }).waitFor();
};

let warningId: string;

test("issue a warning signed in the browser with a loaded key file; a wrong key and a coded refusal are said in sentences", async () => {
  const { page, outside, errors, close } = await nodePage(browser, n.base);
  try {
    await signIn(page, n.base, cert.token);
    await page.getByRole("link", { name: "Issue a warning" }).click();
    await page.getByRole("heading", { name: "Issue a warning" }).waitFor();
    // Another party's key: refused here, before anything is signed.
    await page.getByLabel(/Your private key file/).setInputFiles(ops.keyFile!);
    await page.getByRole("alert").filter({ hasText: "not your party's current key" }).waitFor();
    await loadKey(page, cert.keyFile!);

    await page.getByLabel("Title").fill("Drone incursion expected at the final");
    await page.getByLabel("What you expect, and what you ask").fill("Several sources point to a drone launched near the north stand.");
    await page.getByLabel("Stadium operations").check();
    await page.getByLabel("Venue security office").check();
    await page.getByLabel("TLP").selectOption("AMBER");
    await page.getByLabel(/^Probability/).fill("70");
    await page.getByLabel("Severity").selectOption("critical");
    await page.getByLabel(/Requested actions/).fill("close the airspace\nbrief the stewards");
    await page.getByLabel("Evidence", { exact: true }).fill("intercept 2024-06-01 #4411");
    await page.getByLabel("What it is (shown now)").fill("an intercept");
    // Receipt due after the assessment: the node refuses (LIFECYCLE_DEADLINES_OUT_OF_ORDER), the page says why.
    const later = await page.getByLabel("Action by").inputValue();
    await page.getByLabel("Receipt by").fill(later);
    await page.getByLabel("Action by").fill(await page.getByLabel("Assessment by").inputValue());
    await page.getByRole("button", { name: "Sign and issue the warning" }).click();
    await page.getByRole("alert").filter({ hasText: "The deadlines must come in order" }).waitFor();
    assert.deepEqual(await seriousViolations(page), [], "issue screen");

    await page.getByLabel("Receipt by").fill(await page.getByLabel("Assessment by").inputValue());
    await page.getByLabel("Action by").fill(later);
    await page.getByLabel("Receipt by").fill((await page.getByLabel("Window opens").inputValue()));
    await page.getByRole("button", { name: "Sign and issue the warning" }).click();
    const ok = page.getByRole("status").filter({ hasText: "Warning issued" });
    await ok.waitFor();
    assert.match(await ok.innerText(), /download evidence-.*\.seal\.json/, "the sealed evidence's file to keep");
    await page.screenshot({ path: join(shots, "ui-issue.png"), fullPage: true });

    const inbox = await api(cert, "/api/v1/inbox");
    assert.equal(inbox.warnings.length, 1);
    const w = inbox.warnings[0];
    warningId = w.id;
    assert.equal(w.title, "Drone incursion expected at the final");
    assert.equal(w.probability, 0.7);
    assert.equal(w.tlp, "AMBER");
    assert.equal(w.role, "sender");
    const record = await api(cert, `/api/v1/records/${warningId}`);
    const sig = Object.values(record.extensions as Record<string, any>).find((e) => e.signature !== undefined);
    assert.ok(sig && sig.custodial !== true, "signed with the party's own key, in the browser");
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("a custodial recipient acknowledges, assesses and acts; the node signs and every row says so", async () => {
  const { page, errors, close } = await nodePage(browser, n.base);
  try {
    await signIn(page, n.base, venue.token);
    await page.getByRole("link", { name: "Drone incursion expected at the final" }).click();
    await page.getByRole("heading", { name: "Respond" }).waitFor();
    assert.match(await page.locator(".respond").innerText(), /Your party is custodial: the node signs/);
    // An assessment before the receipt is refused by the node's lifecycle rules, said as a sentence.
    await page.getByLabel("Explanation").fill("We have seen drones over the stand this week.");
    await page.getByRole("button", { name: "Sign and send the assessment" }).click();
    await page.getByRole("alert").filter({ hasText: "Acknowledge receipt first" }).waitFor();

    await page.getByRole("button", { name: "Acknowledge receipt" }).click();
    await page.getByRole("status").filter({ hasText: /Receipt logged at index \d+, signed by the node for your custodial party/ }).waitFor();
    await page.getByLabel("Your assessment").selectOption("agree");
    await page.getByRole("button", { name: "Sign and send the assessment" }).click();
    await page.getByRole("status").filter({ hasText: "Assessment logged" }).waitFor();
    await page.getByLabel("Action", { exact: true }).fill("close the north gate");
    await page.getByLabel("Status").selectOption("in-progress");
    await page.getByRole("button", { name: "Sign and send the action" }).click();
    await page.getByRole("status").filter({ hasText: "Action logged" }).waitFor();

    const rows = page.locator("table.timeline tbody tr");
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll("table.timeline tbody tr").length >= 4);
    const timeline = await page.locator("table.timeline").innerText();
    assert.match(timeline, /receipt[\s\S]*signed by the node on behalf of Venue security office/);
    assert.match(timeline, /assessment agree/);
    assert.match(timeline, /action .*close the north gate/);
    assert.ok((await rows.count()) >= 4);
    assert.equal(await page.locator("section.verification").getAttribute("data-verdict"), "verified");
    assert.deepEqual(await seriousViolations(page), [], "respond screen");
    await page.screenshot({ path: join(shots, "ui-respond.png"), fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test("a self-signing recipient responds by keyboard with its key file; a new version shows what changed; the inbox updates by itself", async () => {
  const { page, errors, close } = await nodePage(browser, n.base);
  try {
    await signIn(page, n.base, ops.token);
    await page.getByRole("link", { name: "Drone incursion expected at the final" }).click();
    await page.getByRole("heading", { name: "Respond" }).waitFor();
    await loadKey(page, ops.keyFile!);
    // Keyboard only: focus the receipt button, press Enter; then the assessment form field by field.
    await page.getByRole("button", { name: "Acknowledge receipt" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: /Receipt logged at index \d+, signed with your key/ }).waitFor();
    await page.getByLabel("Your assessment").focus();
    await page.keyboard.press("ArrowDown"); // strongly-agree → agree … the select moves by keyboard
    await page.keyboard.press("Tab");
    await page.keyboard.type("Our own radar logs agree.");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("status").filter({ hasText: /Assessment logged at index \d+, signed with your key/ }).waitFor();

    // The sender revises the warning (over the API, as its own tools would): the page shows what changed.
    const seed = readSeed(cert.keyFile!);
    const author = { id: cert.id, seed, publicKey: ed25519PublicKey(seed) };
    const v1 = await api(cert, `/api/v1/records/${warningId}`);
    const v2 = reviseWarning(author, v1, Date.now(), { probability: 0.85 });
    const posted = await fetch(`${n.base}/api/v1/records`, { method: "POST", headers: { authorization: `Bearer ${cert.token}`, "content-type": "application/json" }, body: JSON.stringify(v2) });
    assert.equal(posted.status, 201, await posted.text());
    await page.reload();
    await page.getByRole("heading", { name: "Versions and what changed" }).waitFor();
    assert.match(await page.locator(".versions").innerText(), /Version 2[\s\S]*Probability: 70 % → 85 %/);

    // The inbox follows the node (its event stream, or polling where there is none): a new warning appears unasked.
    await page.getByRole("link", { name: "Inbox" }).click();
    await page.locator("li.card").first().waitFor();
    const card = await page.locator("li.card").filter({ hasText: "Drone incursion expected at the final" }).innerText();
    assert.match(card, /From National CERT A/);
    assert.match(card, /TLP:AMBER/);
    assert.match(card, /p = 85 %/, "the latest version's probability");
    assert.match(card, /Your state: assessed · action deadline in \d/, "my stage and the next deadline's countdown");
    const second = buildWarning(author, { at: Date.now(), name: "Second wave expected", recipients: [ops.id], windowStart: Date.now() + 3_600_000, windowEnd: Date.now() + 7_200_000, probability: 0.4, tlp: "GREEN" });
    const res = await fetch(`${n.base}/api/v1/records`, { method: "POST", headers: { authorization: `Bearer ${cert.token}`, "content-type": "application/json" }, body: JSON.stringify(second) });
    assert.equal(res.status, 201);
    await page.locator("li.card h2").filter({ hasText: "Second wave expected" }).waitFor({ timeout: 20_000 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
