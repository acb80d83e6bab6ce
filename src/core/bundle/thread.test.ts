import { test } from "node:test";
import assert from "node:assert/strict";
import { sha256, utf8 } from "../crypto/index.js";
import { hashLeaf } from "../merkle/index.js";
import { generateNoteSigner, openCheckpoint, parseNote, signCheckpoint, signNote, verifierFromSigner } from "../note/index.js";
import { encodeRecordLeaf, type RecordLeaf } from "../record/index.js";
import { BundleError } from "./bundle-errors.js";
import { checkThread, type ThreadEntry } from "./thread-completeness.js";
import { THREAD_STATEMENT_HEADER, openThreadStatement, parseThreadStatement, signThreadStatement, threadDigest, type ThreadStatement } from "./thread-statement.js";

const W = "report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b";
const key = generateNoteSigner("example.org/log");
const root = new Uint8Array(sha256(utf8.encode("root")));

const statement = (over: Partial<ThreadStatement> = {}): ThreadStatement => ({
  origin: key.name,
  warning: W,
  size: 10,
  root,
  count: 3,
  digest: new Uint8Array(sha256(utf8.encode("digest"))),
  ...over,
});

const malformedStatement = (fn: () => unknown): void =>
  assert.throws(fn, (e: unknown) => e instanceof BundleError && e.code === "THREAD_STATEMENT_MALFORMED");

test("a thread statement is a seven-line note signed by the log key, and reads back", () => {
  const note = signThreadStatement(statement(), key);
  const text = parseNote(note).text;
  assert.deepEqual(text.split("\n").slice(0, 4), [THREAD_STATEMENT_HEADER, key.name, W, "10"]);
  assert.deepEqual(openThreadStatement(note, verifierFromSigner(key)), statement());
  // Another key, an edited count, a non-canonical spelling: refused.
  assert.throws(() => openThreadStatement(note, verifierFromSigner(generateNoteSigner("example.org/log"))));
  assert.throws(() => openThreadStatement(note.replace("\n3\n", "\n2\n"), verifierFromSigner(key)));
  malformedStatement(() => parseThreadStatement(text.replace("\n10\n", "\n010\n")));
  malformedStatement(() => parseThreadStatement(text + "extra\n"));
  malformedStatement(() => signThreadStatement(statement({ origin: "example.org/other" }), key));
  malformedStatement(() => signThreadStatement(statement({ count: 11 }), key));
  malformedStatement(() => signThreadStatement(statement({ warning: "note--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b" }), key));
});

test("domain separation: a statement never opens as a checkpoint, nor a checkpoint as a statement", () => {
  const v = verifierFromSigner(key);
  assert.throws(() => openCheckpoint(signThreadStatement(statement(), key), v));
  const checkpoint = signCheckpoint({ origin: key.name, size: 10, rootHash: root, extensions: [] }, key);
  malformedStatement(() => openThreadStatement(checkpoint, v));
  // Nor does any other note the log key might sign.
  malformedStatement(() => openThreadStatement(signNote(`${key.name}\n`, [key]), v));
});

/** A v2 (or, with seq undefined, v1) leaf about W at a log index. */
function entry(index: number, seq: number | undefined, warning = W): ThreadEntry {
  const leaf: RecordLeaf = {
    kind: seq === 0 ? "warning" : "receipt",
    id: seq === 0 ? warning : `x-tocsin-receipt--00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    modified: "2026-11-25T09:00:00.000Z",
    author: "identity--5d0b3c4e-8f2a-4b7c-9d1e-2a3b4c5d6e7f",
    keyId: "65b60673d6ed884bf01c2c222d82ada0",
    custodial: false,
    digest: "ab".repeat(32),
    loggedAt: "2026-11-25T09:00:01.000Z",
    ...(seq === undefined ? {} : { warning, seq }),
  };
  return { index, leaf, leafHash: hashLeaf(encodeRecordLeaf(leaf)), about: warning, subject: `entry ${index}` };
}

/** The statement an honest log signs for `entries`, in a tree of size 100. */
function honest(entries: readonly ThreadEntry[]): { statement: string; roots: Map<number, Uint8Array> } {
  const s = signThreadStatement({ origin: key.name, warning: W, size: 100, root, count: entries.length, digest: threadDigest(entries.map((e) => e.leafHash)) }, key);
  return { statement: s, roots: new Map([[100, root]]) };
}

const check = (entries: readonly ThreadEntry[], signedFor: readonly ThreadEntry[] = entries) =>
  checkThread({ warning: W, logKey: verifierFromSigner(key), entries, ...honest(signedFor) });

test("positions: every one from 0 to N−1, once, in log order; the statement's count and digest", () => {
  const thread = [entry(3, 0), entry(5, 1), entry(9, 2), entry(20, 3)];
  const ok = check(thread);
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.summary, { entries: 4, legacy: 0, statement: { count: 4, size: 100 }, complete: true });

  // A record dropped from the middle: its position is missing, whatever the statement says.
  const middle = check([thread[0]!, thread[1]!, thread[3]!], [thread[0]!, thread[1]!, thread[3]!]);
  assert.match(middle.problems.map((p) => p.message).join("\n"), /thread position 2 missing/);
  // The last one dropped under the honest statement: the count names it.
  const last = check(thread.slice(0, 3), thread);
  assert.match(last.problems[0]!.message, /thread position 3 missing.*statement counts 4/);
  // Two entries claiming one position; an entry of another warning's thread; a v1 leaf after v2 ones.
  assert.match(check([...thread, entry(30, 3)]).problems.map((p) => p.message).join("\n"), /claims thread position 3, as log index 20 does/);
  assert.match(check([...thread, entry(30, 4, "report--0a0b0c0d-0e0f-4a1b-8c1d-1e1f2a2b2c2d")]).problems.map((p) => p.message).join("\n"), /thread of report--0a0b0c0d/);
  assert.match(check([...thread, entry(30, undefined)]).problems.map((p) => p.message).join("\n"), /without a thread position \(leaf v1\) after/);
  // The same number of entries, but not the ones the log listed.
  const other = [entry(3, 0), entry(5, 1), entry(9, 2), entry(21, 3)];
  assert.match(check(other, thread).problems.map((p) => p.message).join("\n"), /thread digest differs/);
  // No statement at all, or one for another checkpoint than the bundle's verified ones.
  const none = checkThread({ warning: W, logKey: verifierFromSigner(key), entries: thread, statement: undefined, roots: new Map([[100, root]]) });
  assert.match(none.problems[0]!.message, /no signed thread statement/);
  assert.equal(none.summary.complete, false);
  const elsewhere = checkThread({ warning: W, logKey: verifierFromSigner(key), entries: thread, statement: honest(thread).statement, roots: new Map([[99, root]]) });
  assert.match(elsewhere.problems[0]!.message, /not a verified checkpoint of the bundle/);
  // An entry logged after the statement's checkpoint.
  assert.match(check([...thread.slice(0, 3), entry(100, 3)]).problems.map((p) => p.message).join("\n"), /logged after checkpoint 100/);
});

test("legacy threads (v1 leaves, logged before positions) are counted, noted, and continued by v2 positions", () => {
  const legacy = [entry(1, undefined), entry(2, undefined), entry(4, undefined)];
  const ok = check([...legacy, entry(7, 3), entry(8, 4)]);
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.summary.legacy, 3);
  assert.match(ok.notes[0]!, /3 records about the warning were logged before thread positions/);
  // A legacy record dropped: the first positioned record says 3 came before it.
  const dropped = [entry(1, undefined), entry(4, undefined), entry(7, 3), entry(8, 4)];
  assert.match(check(dropped, dropped).problems.map((p) => p.message).join("\n"), /thread position 2 missing/);
  // All legacy: only the statement speaks for completeness.
  assert.deepEqual(check(legacy).problems, []);
  assert.match(check(legacy.slice(0, 2), legacy).problems[0]!.message, /thread position 2 missing.*statement counts 3 up to checkpoint 100; the bundle holds 2/);
});
