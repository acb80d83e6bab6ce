import { test } from "node:test";
import { MessagePort } from "node:worker_threads";
import assert from "node:assert/strict";
import { buildWarning, sign, type Author } from "../client/record-builders.js";
import { randomBytes } from "node:crypto";
import { ed25519PublicKey } from "../core/crypto/index.js";
import { keyIdOf, SIGNATURE_EXT, type StixObject } from "../core/record/index.js";
import { checkRecord, type RecordCheck } from "./record-check.js";
import { stixValidator } from "./stix-validator.js";
import { NodeHarness, TestClock } from "../testing/node-harness.js";

/*
 * The worker pool is an optimisation, never a change of meaning: the same requests answer the same
 * statuses, codes and positions with the checks on worker threads as on the main thread.
 */

const DAY = 86_400_000;
const T0 = Date.parse("2025-03-01T00:00:00.000Z");

function warning(from: Author, to: string, name: string): StixObject {
  return buildWarning(from, { at: T0, name, recipients: [to], windowStart: T0, windowEnd: T0 + 7 * DAY, probability: 0.6 });
}

function badSignature(obj: StixObject): StixObject {
  const copy = structuredClone(obj);
  const ext = (copy.extensions as Record<string, Record<string, string>>)[SIGNATURE_EXT]!;
  ext.signature = (ext.signature![0] === "A" ? "B" : "A") + ext.signature!.slice(1);
  return copy;
}

/** Runs one script of requests on a node with `workers` check workers and returns what each answered. */
async function answers(workers: number): Promise<string[]> {
  const h = await NodeHarness.start({ clock: new TestClock(T0 + 1000), config: { checkWorkers: workers } });
  try {
    const a = await h.party("alpha");
    const b = await h.party("bravo");
    const hosted = await h.party("hosted", { custodial: true });
    const ok = warning(a, b.id, "fine");
    const invalid = { ...warning(a, b.id, "invalid"), probability_x: 1, created: "yesterday" };
    const unsigned = structuredClone(ok);
    delete (unsigned.extensions as Record<string, unknown>)[SIGNATURE_EXT];
    const custodialUnsigned = structuredClone(warning(a, b.id, "hosted"));
    delete (custodialUnsigned.extensions as Record<string, unknown>)[SIGNATURE_EXT];
    custodialUnsigned.created_by_ref = hosted.id;
    const batch = Array.from({ length: 40 }, (_, i) => warning(a, b.id, `batch ${i}`));
    batch[29] = badSignature(batch[29]!);
    const foreign = sign({ ...warning(b, a.id, "by bravo") }, b);
    const out: string[] = [];
    const note = async (label: string, who: typeof a, body: unknown) => {
      const r = await h.post(who, body);
      const j = r.json();
      out.push(`${label}: ${r.statusCode} ${j.code ?? ""} ${j.details?.record ?? ""} ${(j.records ?? []).map((x: { index: number }) => x.index).join(",")}`);
    };
    await note("ok", a, ok);
    await note("duplicate", a, ok);
    await note("bad signature", a, badSignature(warning(a, b.id, "tampered")));
    await note("invalid", a, invalid);
    await note("unsigned", a, unsigned);
    await note("custodial", hosted, custodialUnsigned);
    await note("batch with a bad one at 29", a, batch);
    await note("batch fixed", a, batch.slice(0, 29));
    await note("another author", a, foreign);
    // A string with a lone surrogate passes the schemas but has no canonical form; it must not jump the
    // queue of checks: authorship, dates and the signature are judged first, as they always were.
    const lone = (obj: StixObject) => ({ payload: JSON.stringify(obj).replace(/"name":"([^"]*)"/, '"name":"$1\\ud800"') });
    const loneNote = async (label: string, who: typeof a, obj: StixObject) => {
      const r = await h.post(who, undefined, lone(obj));
      const j = r.json();
      out.push(`${label}: ${r.statusCode} ${j.code ?? ""} ${j.details?.record ?? ""}`);
    };
    await loneNote("lone surrogate, another author", a, warning(b, a.id, "by bravo, odd"));
    await loneNote("lone surrogate, unsigned", a, (() => {
      const u = structuredClone(warning(a, b.id, "odd unsigned"));
      delete (u.extensions as Record<string, unknown>)[SIGNATURE_EXT];
      return u;
    })());
    await loneNote("lone surrogate, signed", a, warning(a, b.id, "odd signed"));
    return out;
  } finally {
    await h.close();
  }
}

test("checks on two worker threads answer exactly as checks on the main thread", async () => {
  const inline = await answers(0);
  const pooled = await answers(2);
  assert.deepEqual(pooled, inline);
  // And the script did exercise successes and each kind of refusal.
  assert.match(inline[0]!, /^ok: 201/);
  assert.match(inline[2]!, /^bad signature: 4\d\d RECORD_BAD_SIGNATURE/);
  assert.match(inline[3]!, /^invalid: 400 /);
  assert.match(inline[4]!, /^unsigned: 4\d\d RECORD_UNSIGNED/);
  assert.match(inline[5]!, /^custodial: 201/);
  assert.match(inline[6]!, /^batch with a bad one at 29: 4\d\d RECORD_BAD_SIGNATURE 29/);
  assert.match(inline[7]!, /^batch fixed: 201 /);
  assert.match(inline[8]!, /^another author: 403 RECORD_AUTHOR_MISMATCH/);
  assert.match(inline[9]!, /^lone surrogate, another author: 403 RECORD_AUTHOR_MISMATCH 0/);
  assert.match(inline[10]!, /^lone surrogate, unsigned: 4\d\d RECORD_UNSIGNED 0/);
  assert.match(inline[11]!, /^lone surrogate, signed: 4\d\d RECORD_(BAD_SIGNATURE|NOT_CANONICALIZABLE) 0/);
});

test("warm() starts every worker, ready to answer; warming again reuses them", async () => {
  const { RecordCheckPool } = await import("./record-check-pool.js");
  const pool = new RecordCheckPool(2);
  try {
    await pool.warm();
    await pool.warm();
    const [check] = await pool.check("identity--00000000-0000-4000-8000-000000000000", [], [{ type: "nonsense" }]);
    assert.ok(check?.invalid, "the worker validated the object");
  } finally {
    await pool.close();
  }
});

test("a worker that crashes fails only its own requests; the replacement's are answered", async () => {
  const { RecordCheckPool } = await import("./record-check-pool.js");
  const pool = new RecordCheckPool(1);
  const poster = "identity--00000000-0000-4000-8000-000000000000";
  const post = MessagePort.prototype.postMessage;
  try {
    await pool.warm();
    // The next request reaches the worker (through the port piscina sends tasks on) as null, which the
    // worker's message handler cannot survive.
    MessagePort.prototype.postMessage = function (this: MessagePort) {
      MessagePort.prototype.postMessage = post;
      return post.call(this, null);
    };
    await assert.rejects(pool.check(poster, [], [{ type: "nonsense" }]));
    // Sent at once, before the dead worker's 'exit' (which follows its 'error'): goes to a new worker.
    const [check] = await pool.check(poster, [], [{ type: "nonsense" }]);
    assert.ok(check?.invalid, "the replacement worker answered");
  } finally {
    MessagePort.prototype.postMessage = post;
    await pool.close();
  }
});

test("small admissions arriving together share the workers' tasks, and each is answered as if checked alone on the main thread", async () => {
  const { RecordCheckPool } = await import("./record-check-pool.js");
  const author = (n: number): Author => {
    const seed = new Uint8Array(randomBytes(32));
    return { id: `identity--00000000-0000-4000-8000-00000000000${n}`, seed, publicKey: ed25519PublicKey(seed) };
  };
  const a = author(1);
  const b = author(2);
  const keysOf = (x: Author) => [{ keyId: keyIdOf(x.publicKey!), publicKey: x.publicKey! }];
  // Posters, keys and outcomes mixed: valid, a bad signature, another author's record, invalid, and one
  // admission of three, all sent in one event-loop turn.
  const requests = Array.from({ length: 24 }, (_, i) => {
    const poster = i % 3 === 0 ? b : a;
    const own = warning(poster, a.id, `r${i}`);
    const objects = [
      i % 4 === 1 ? badSignature(own) : i % 5 === 2 ? warning(poster === a ? b : a, a.id, `foreign ${i}`) : i % 7 === 3 ? { ...own, created: "yesterday" } : own,
      ...(i === 10 ? [warning(poster, b.id, "second"), { type: "nonsense" }] : []),
    ];
    return { posterId: poster.id, keys: keysOf(poster), objects };
  });
  const validator = stixValidator();
  const alone = requests.map((r) => r.objects.map((o) => checkRecord(o, r.posterId, r.keys, (x) => validator.assertValidStix(x))));
  const pool = new RecordCheckPool(2);
  try {
    const together = await Promise.all(requests.map((r) => pool.check(r.posterId, r.keys, r.objects)));
    // A digest crosses the thread boundary as a plain Uint8Array (a Buffer on the main thread): same bytes.
    const same = (checks: RecordCheck[][]) => checks.map((r) => r.map((c) => (!c.invalid && c.digest ? { ...c, digest: Buffer.from(c.digest).toString("hex") } : c)));
    assert.deepEqual(same(together), same(alone));
    assert.ok(alone.flat().some((c) => c.invalid) && alone.flat().some((c) => !c.invalid && c.signature && "failed" in c.signature));
  } finally {
    await pool.close();
  }
});

test("a worker answers each admission as soon as it is checked, not when its queue runs dry", async () => {
  // piscina's default ('sync' atomics) drains every task queued on a worker and posts their answers only
  // after the last: an admission finished early waited for the ones behind it, the workers then idled
  // while the main thread and the append caught up, and the batch-1 000 bench lost a sixth of its rate.
  const { RecordCheckPool } = await import("./record-check-pool.js");
  const seed = new Uint8Array(randomBytes(32));
  const a: Author = { id: "identity--00000000-0000-4000-8000-000000000001", seed, publicKey: ed25519PublicKey(seed) };
  const keys = [{ keyId: keyIdOf(a.publicKey!), publicKey: a.publicKey! }];
  const batch = (tag: string, n: number) => Array.from({ length: n }, (_, i) => warning(a, a.id, `${tag} ${i}`));
  const first = batch("first", 600);
  const small = batch("small", 16);
  const last = batch("last", 600);
  const pool = new RecordCheckPool(1);
  try {
    await pool.warm();
    const answeredAt: Record<string, number> = {};
    const timed = (name: string, objects: StixObject[]) => pool.check(a.id, keys, objects).then((r) => ((answeredAt[name] = performance.now()), r));
    // The small and the last are both queued on the one worker while it checks the first (600 checks:
    // well over the 10 ms waited here, on any machine).
    const checkingFirst = timed("first", first);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const all = await Promise.all([checkingFirst, timed("small", small), timed("last", last)]);
    assert.ok(all.flat().every((c) => !c.invalid && c.signature && !("failed" in c.signature)));
    // The small one is answered before the worker starts on the last, whose 600 checks take well over
    // 20 ms on any machine; answers held back until the queue ran dry arrived within a millisecond.
    assert.ok(answeredAt.last! - answeredAt.small! > 20, `the small admission was answered ${(answeredAt.last! - answeredAt.small!).toFixed(1)} ms before the last`);
  } finally {
    await pool.close();
  }
});
