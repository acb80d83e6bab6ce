import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { repoRoot } from "../testing/repo-root.js";
import { journeyWorld } from "../testing/journey-fixture.js";
import { chromiumPath } from "../render/chromium-pdf.js";
import {
  addSignatures,
  cosignCheckpoint,
  formatVerifierKey,
  generateNoteSigner,
  parseNote,
  signNote,
  verifierFromSigner,
} from "../core/note/index.js";
import { SIGNATURE_EXT, fromBase64, parseVerifierKey, toBase64, verifyBundle, type BundleVerdict } from "./index.js";

/*
 * The verify library in a real browser: tocsin/verify bundled for the browser as a web page would
 * (esbuild, "browser" condition, so the core's cryptography is @noble's), loaded from loopback into
 * Debian's headless Chromium, asked for its verdict on a good bundle and on tampered ones — and that
 * verdict must be exactly the one Node gives (node:crypto) on the same bytes, problem for problem.
 */

type Obj = Record<string, any>;

/** The browser build of the package's verify export, as a bundler would make it for a web page. */
async function browserBundle(): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    stdin: {
      contents: [
        'import { parseVerifierKey, verifyBundle } from "tocsin/verify";',
        // The verdict as JSON text, as a page would show or send it (undefined members dropped on both sides).
        "globalThis.tocsinVerify = (text, logKey) => JSON.stringify(verifyBundle(text, logKey ? { logKey: parseVerifierKey(logKey) } : {}));",
      ].join("\n"),
      resolveDir: repoRoot(),
      sourcefile: "verify-page.js",
    },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

function serve(script: string): Promise<Server> {
  const page = '<!doctype html><meta charset="utf-8"><title>tocsin verify</title><script type="module" src="/verify.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === "/verify.js") res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(script);
    else if (req.url === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

/** JSON.parse's own wording differs between JavaScript engines (Node's V8 and Chromium's): only that part is set aside. */
const sameAcrossEngines = (v: BundleVerdict): BundleVerdict =>
  "unreadable" in v ? { ...v, problems: [{ ...v.problems[0], message: v.problems[0].message.replace(/^not JSON: .*$/s, "not JSON") }] } : v;

interface Case {
  readonly name: string;
  readonly text: string;
  readonly logKey?: string;
  /** ok, or the checks whose problems the verdict must name (each at least once). */
  readonly expect: "ok" | readonly string[];
}

test("headless Chromium gives Node's verdicts on a good bundle and on tampered ones", { timeout: 180_000 }, async () => {
  const { code, inputs } = await browserBundle();
  // The browser build took the pure cryptography, never node:crypto.
  assert.ok(inputs.some((f) => f.endsWith("core/crypto/portable-backend.js")), inputs.join("\n"));
  assert.ok(!inputs.some((f) => f.endsWith("core/crypto/node-backend.js")), "node-backend.js is in the browser build");

  const w = await journeyWorld();
  let bundle: Obj;
  try {
    const res = await w.h.get(w.recipient, `/api/v1/warnings/${w.warning.id}/bundle`);
    assert.equal(res.statusCode, 200, res.body);
    bundle = res.json() as Obj;
  } finally {
    await w.h.close();
  }
  const logKey = bundle.log.verifier_key as string;
  const logName = parseVerifierKey(logKey).name;
  const clone = (): Obj => JSON.parse(JSON.stringify(bundle));
  const text = (b: Obj): string => JSON.stringify(b);
  const last = bundle.checkpoints.length - 1;
  const recordOf = (b: Obj, type: string): Obj => b.records.find((r: Obj) => r.record.type === type)!;

  const cases: Case[] = [{ name: "as exported, pinned to the log's key", text: text(bundle), logKey, expect: "ok" }];

  // Cosigned by a witness the bundle names (cosignature/v1, timestamped Ed25519).
  const witness = generateNoteSigner("observer.example/witness", "cosignature/v1");
  const cosigned = clone();
  const body = parseNote(cosigned.checkpoints[last]).text;
  cosigned.checkpoints[last] = addSignatures(cosigned.checkpoints[last], cosignCheckpoint(body, witness, 1_711_152_000));
  cosigned.witnesses = [formatVerifierKey(verifierFromSigner(witness))];
  cases.push({ name: "cosigned by a witness", text: text(cosigned), expect: "ok" });

  // The cosignature's timestamp moved by one second.
  const forgedCosig = JSON.parse(text(cosigned));
  const good = cosignCheckpoint(body, witness, 1_711_152_000).trim().split(" ").at(-1)!;
  const sigBytes = fromBase64(good)!;
  sigBytes[4 + 7]! ^= 1;
  forgedCosig.checkpoints[last] = forgedCosig.checkpoints[last].replace(good, toBase64(sigBytes));
  cases.push({ name: "a witness cosignature with another timestamp", text: text(forgedCosig), expect: ["checkpoint"] });

  const body1 = clone();
  recordOf(body1, "opinion").record.opinion = "agree";
  cases.push({ name: "a record's body altered", text: text(body1), expect: ["signature", "leaf"] });

  const sig = clone();
  const ext = recordOf(sig, "report").record.extensions[SIGNATURE_EXT];
  const s = fromBase64(ext.signature)!;
  s[0]! ^= 1;
  ext.signature = toBase64(s);
  cases.push({ name: "a record's signature altered", text: text(sig), expect: ["signature"] });

  const proof = clone();
  const p = proof.inclusion_proofs.find((x: Obj) => x.hashes.length > 0);
  p.hashes[0] = (p.hashes[0][0] === "0" ? "1" : "0") + p.hashes[0].slice(1);
  cases.push({ name: "a wrong inclusion proof", text: text(proof), expect: ["inclusion"] });

  const resigned = clone();
  const impostor = generateNoteSigner(logName);
  resigned.checkpoints[last] = signNote(parseNote(resigned.checkpoints[last]).text, [impostor]);
  cases.push({ name: "a checkpoint signed by another key", text: text(resigned), expect: ["checkpoint"] });

  const dropped = clone();
  dropped.records = dropped.records.filter((r: Obj) => r.record.type !== "x-tocsin-receipt");
  assert.equal(dropped.records.length, bundle.records.length - 1, "the receipt was dropped");
  cases.push({ name: "a record dropped", text: text(dropped), expect: ["thread"] });

  const keys = clone();
  assert.ok(keys.key_history.length > 0, "the bundle carries its authors' key histories");
  const registration = keys.key_history.find((k: Obj) => k.record.type === "identity");
  registration.record.name = `${registration.record.name} (renamed)`;
  cases.push({ name: "a key history record altered", text: text(keys), expect: ["key-history"] });

  cases.push({ name: "pinned to another log key", text: text(bundle), logKey: formatVerifierKey(verifierFromSigner(impostor)), expect: ["log-key", "checkpoint"] });
  cases.push({ name: "not JSON", text: text(bundle).slice(0, 100), expect: ["format"] });

  const server = await serve(code);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: FLAGS, headless: true });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => typeof (globalThis as any).tocsinVerify === "function", undefined, { timeout: 30_000 });
    for (const c of cases) {
      const inNode = JSON.parse(JSON.stringify(verifyBundle(c.text, c.logKey ? { logKey: parseVerifierKey(c.logKey) } : {}))) as BundleVerdict;
      const inBrowser = JSON.parse(await page.evaluate(([t, k]) => (globalThis as any).tocsinVerify(t, k) as string, [c.text, c.logKey ?? null] as const)) as BundleVerdict;
      assert.deepEqual(sameAcrossEngines(inBrowser), sameAcrossEngines(inNode), `${c.name}: the browser and Node disagree`);
      if (c.expect === "ok") assert.deepEqual(inNode.problems, [], c.name);
      else {
        assert.equal(inNode.ok, false, `${c.name} must not verify`);
        for (const check of c.expect) assert.ok(inNode.problems.some((x) => x.check === check), `${c.name}: expected a ${check} problem, got ${JSON.stringify(inNode.problems)}`);
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
