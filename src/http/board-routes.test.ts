import { test } from "node:test";
import assert from "node:assert/strict";
import { sign } from "../client/record-builders.js";
import { recordDigestHex, type StixObject } from "../core/record/index.js";
import { NodeHarness, type TestParty } from "../testing/node-harness.js";

const T0 = Date.parse("2024-03-23T10:00:00Z");

async function call(h: NodeHarness, who: TestParty | undefined, method: "GET" | "POST", url: string, payload?: unknown) {
  const headers: Record<string, string> = who ? { authorization: `Bearer ${who.token}` } : {};
  return h.node.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

const newBoard = (name: string, tlp?: string) => ({
  name,
  title: "Who did it?",
  ...(tlp ? { tlp } : {}),
  subject_refs: ["incident--00000002-aaaa-4bbb-8ccc-dddddddddddd"],
  hypotheses: [
    { id: "H1", title: "Group A" },
    { id: "H2", title: "State B" },
  ],
  source_groups: [
    { id: "a-media", name: "Group A media", interested_in: ["H1"] },
    { id: "press", name: "Independent press", interested_in: [] },
  ],
  evidence: [{ id: "E1", description: "Group A claims it", source: "Group A channel", source_group: "a-media", date: "2024-03-22", credibility: "medium", relevance: "high" }],
});

const rateOps = [
  { op: "add_evidence", evidence: { id: "E2", description: "Forensics match Group A", source: "Daily Paper", source_group: "press", date: "2024-03-24", credibility: "high", relevance: "high" } },
  { op: "rate", analyst: "ana", evidence: "E1", hypothesis: "H1", rating: "CC" },
  { op: "rate", analyst: "ana", evidence: "E1", hypothesis: "H2", rating: "I" },
  { op: "rate", analyst: "ana", evidence: "E2", hypothesis: "H1", rating: "C" },
  { op: "rate", analyst: "ana", evidence: "E2", hypothesis: "H2", rating: "II" },
  { op: "comment", analyst: "ana", evidence: "E2", text: "Lab report seen." },
];

test("boards over the API: create, edit, read with scores and flags, history on the log, CSV", async () => {
  const h = await NodeHarness.start();
  try {
    const owner = await h.party("desk", { custodial: true });
    const created = await call(h, owner, "POST", "/api/v1/boards", newBoard("board-one"));
    assert.equal(created.statusCode, 201, created.body);
    const v1 = created.json();
    assert.equal(v1.version, 1);
    assert.equal(v1.board_ref, v1.id);
    assert.equal(v1.record.type, "grouping");
    assert.equal(v1.custodial, true);

    const edited = await call(h, owner, "POST", "/api/v1/boards/board-one/edits", { base_version: 1, change: "ratings", operations: rateOps });
    assert.equal(edited.statusCode, 201, edited.body);
    const v2 = edited.json();
    assert.deepEqual([v2.version, v2.previous_ref, v2.previous_digest, v2.change], [2, v1.id, v1.digest, "ratings"]);

    const got = (await call(h, owner, "GET", `/api/v1/boards/${v1.id}`)).json();
    assert.equal(got.version, 2);
    assert.equal(got.board.evidence.length, 2);
    assert.equal(got.analysis.ranking, "H1 > H2");
    // H2: E1 I (medium · high = √2) + E2 II (high · high = 2 · −2)
    assert.ok(Math.abs(got.analysis.scores[1].score - (-Math.SQRT2 - 4)) < 1e-9);
    assert.deepEqual(got.analysis.flags.map((f: { flagged: boolean }) => f.flagged), [false, true]);
    assert.equal(got.board.comments[0].author_ref, owner.id);

    // Each version is a signed record in the log, with an inclusion proof.
    const history = (await call(h, owner, "GET", "/api/v1/boards/board-one/history")).json();
    assert.deepEqual(history.versions.map((v: { version: number }) => v.version), [1, 2]);
    for (const v of history.versions) {
      const proof = await call(h, owner, "GET", `/api/v1/records/${v.id}/proof`);
      assert.equal(proof.statusCode, 200, proof.body);
      assert.equal(proof.json().digest, v.digest);
    }
    // The chain: version 2 names version 1's digest, which is the digest of the stored record.
    const first = (await call(h, owner, "GET", `/api/v1/records/${v1.id}`)).json() as StixObject;
    assert.equal(recordDigestHex(first), history.versions[1].previous_digest);
    const old = (await call(h, owner, "GET", "/api/v1/boards/board-one?version=1")).json();
    assert.equal(old.board.evidence.length, 1);

    const csv = await call(h, owner, "GET", "/api/v1/boards/board-one/export.csv");
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers["content-type"]), /^text\/csv/);
    const lines = csv.body.split("\r\n");
    assert.equal(lines[0], "evidence,description,source,source_group,date,credibility,relevance,link,H1,H2,diagnosticity");
    assert.equal(lines[1], "E1,Group A claims it,Group A channel,a-media,2024-03-22,medium,high,,CC,I,4.2426");
    assert.match(csv.body, /\r\nrank,,,,,,,,1,2,\r\n/);

    const listed = (await call(h, owner, "GET", "/api/v1/boards")).json().boards;
    assert.deepEqual(listed.map((b: { name: string; version: number }) => [b.name, b.version]), [["board-one", 2]]);
  } finally {
    await h.close();
  }
});

test("bad board input is a coded 4xx and nothing is stored", async () => {
  const h = await NodeHarness.start();
  try {
    const owner = await h.party("desk", { custodial: true });
    const outsider = await h.party("outsider", { custodial: true });
    const helper = await h.party("helper", { custodial: true });
    // TLP:CLEAR: the outsider and the helper may read the board, not edit it.
    assert.equal((await call(h, owner, "POST", "/api/v1/boards", newBoard("board-two", "CLEAR"))).statusCode, 201);
    assert.equal((await call(h, owner, "POST", "/api/v1/boards", newBoard("board-amber"))).statusCode, 201);
    const size = await h.logSize();
    const versions = async () => (await call(h, owner, "GET", "/api/v1/boards/board-two/history")).json().versions.length;
    const expectProblem = async (who: TestParty | undefined, url: string, body: unknown, status: number, code: string, field?: string) => {
      const r = await call(h, who, "POST", url, body);
      assert.equal(r.statusCode, status, r.body);
      assert.equal(r.json().code, code, r.body);
      if (field) assert.equal(r.json().details.field, field);
      assert.equal(await h.logSize(), size, `${code}: nothing logged`);
      assert.equal(await versions(), 1, `${code}: no new version`);
    };
    const edits = "/api/v1/boards/board-two/edits";
    await expectProblem(owner, edits, { operations: [{ op: "rate", analyst: "ana", evidence: "E1", hypothesis: "H1", rating: "CCC" }] }, 400, "ACH_RATING_INVALID", "operations/0/rating");
    await expectProblem(owner, edits, { operations: [{ op: "add_evidence", evidence: { id: "E2", description: "x", source_group: "press", date: "2024-03-24", credibility: "low", relevance: "low" } }] }, 400, "ACH_EVIDENCE_SOURCE_MISSING", "operations/0/evidence/source");
    await expectProblem(outsider, edits, { operations: rateOps }, 403, "ACH_FORBIDDEN");
    await expectProblem(owner, edits, { base_version: 7, operations: rateOps }, 409, "ACH_VERSION_CONFLICT");
    await expectProblem(owner, edits, { operations: [rateOps[1], { op: "rate", analyst: "ana", evidence: "E1", hypothesis: "H9", rating: "C" }] }, 400, "ACH_UNKNOWN_REFERENCE");
    await expectProblem(owner, edits, { operations: [] }, 400, "ACH_EDIT_INVALID", "operations");
    await expectProblem(owner, edits, { operations: [{ op: "set_priors", priors: { H1: 0.9, H2: 0.9 } }] }, 400, "ACH_PRIORS_INVALID");
    await expectProblem(undefined, edits, { operations: rateOps }, 401, "AUTH_REQUIRED");
    await expectProblem(owner, "/api/v1/boards/no-such-board/edits", { operations: rateOps }, 404, "ACH_BOARD_NOT_FOUND");
    await expectProblem(owner, "/api/v1/boards", newBoard("board-two"), 409, "ACH_NAME_TAKEN");
    // A board the party may not read is not found for it, so its edit does not reveal it exists.
    const hidden = await call(h, outsider, "POST", "/api/v1/boards/board-amber/edits", { operations: rateOps });
    assert.deepEqual([hidden.statusCode, hidden.json().code], [404, "ACH_BOARD_NOT_FOUND"]);
    await expectProblem(owner, "/api/v1/boards", { ...newBoard("board-x"), tlp: "PURPLE" }, 400, "ACH_BOARD_INVALID", "tlp");
    await expectProblem(owner, "/api/v1/boards", [newBoard("board-x")], 400, "ACH_BOARD_INVALID");
    await expectProblem(owner, "/api/v1/boards", { ...newBoard("board-x"), owner_ref: outsider.id }, 403, "ACH_FORBIDDEN");
    const noSource = newBoard("board-y");
    delete (noSource.evidence[0] as Partial<(typeof noSource.evidence)[0]>).source;
    await expectProblem(owner, "/api/v1/boards", noSource, 400, "ACH_EVIDENCE_SOURCE_MISSING", "evidence/0/source");

    // Granted rights: the helper may edit but not grant; after a revoke it may not edit.
    await expectProblem(helper, edits, { operations: rateOps }, 403, "ACH_FORBIDDEN");
    assert.equal((await call(h, owner, "POST", edits, { operations: [{ op: "grant", party: helper.id }] })).statusCode, 201);
    assert.equal((await call(h, helper, "POST", edits, { operations: rateOps })).statusCode, 201);
    const r = await call(h, helper, "POST", edits, { operations: [{ op: "grant", party: outsider.id }] });
    assert.deepEqual([r.statusCode, r.json().code], [403, "ACH_FORBIDDEN"]);
    assert.equal((await call(h, owner, "POST", edits, { operations: [{ op: "revoke", party: helper.id }] })).statusCode, 201);
    const after = await call(h, helper, "POST", edits, { operations: [{ op: "comment", text: "still here?" }] });
    assert.deepEqual([after.statusCode, after.json().code], [403, "ACH_FORBIDDEN"]);
  } finally {
    await h.close();
  }
});

test("TLP applies to boards; self-signing parties sign their versions; forged versions are refused at admission", async () => {
  const h = await NodeHarness.start({ clock: undefined });
  try {
    const owner = await h.party("desk", { custodial: true });
    const outsider = await h.party("outsider", { custodial: true });
    const signer = await h.party("signer"); // holds its own key
    assert.equal((await call(h, owner, "POST", "/api/v1/boards", newBoard("amber-board"))).statusCode, 201);
    assert.equal((await call(h, owner, "POST", "/api/v1/boards", newBoard("clear-board", "CLEAR"))).statusCode, 201);
    for (const [who, name, status] of [
      [outsider, "amber-board", 404],
      [undefined, "amber-board", 404],
      [owner, "amber-board", 200],
      [undefined, "clear-board", 200],
      [outsider, "clear-board", 200],
    ] as const) {
      const r = await call(h, who, "GET", `/api/v1/boards/${name}`);
      assert.equal(r.statusCode, status, `${who?.slug ?? "anonymous"} reads ${name}`);
      if (status === 404) assert.equal(r.json().code, "ACH_BOARD_NOT_FOUND");
      const csv = await call(h, who, "GET", `/api/v1/boards/${name}/export.csv`);
      assert.equal(csv.statusCode, status);
    }
    assert.deepEqual((await call(h, outsider, "GET", "/api/v1/boards")).json().boards.map((b: { name: string }) => b.name), ["clear-board"]);
    // A granted editor reads the AMBER board although TLP alone would not let it.
    assert.equal((await call(h, owner, "POST", "/api/v1/boards/amber-board/edits", { operations: [{ op: "grant", party: signer.id }] })).statusCode, 201);
    assert.equal((await call(h, signer, "GET", "/api/v1/boards/amber-board")).statusCode, 200);

    // The self-signing editor gets the next version to sign, signs it and posts it.
    const size = await h.logSize();
    const asked = await call(h, signer, "POST", "/api/v1/boards/amber-board/edits", { operations: rateOps });
    assert.equal(asked.statusCode, 422, asked.body);
    assert.equal(asked.json().code, "ACH_SIGNATURE_REQUIRED");
    assert.equal(await h.logSize(), size);
    const unsigned = asked.json().details.unsigned as StixObject;
    const signed = sign(unsigned, signer);
    const posted = await call(h, signer, "POST", "/api/v1/boards/amber-board/versions", signed);
    assert.equal(posted.statusCode, 201, posted.body);
    assert.deepEqual([posted.json().version, posted.json().custodial, posted.json().author], [3, false, signer.id]);

    // A forged version by a party without rights, posted as a plain record: refused, nothing logged.
    const outsiderKeyed = await h.party("forger");
    const head = (await call(h, owner, "GET", "/api/v1/boards/amber-board")).json();
    const forged = sign({ ...unsigned, id: "grouping--5f0c6a3e-0c5b-4b1e-9d7a-1c2b3d4e5f60", created_by_ref: outsiderKeyed.id, extensions: { ...unsigned.extensions } } as StixObject, outsiderKeyed);
    const ext = Object.values(forged.extensions!).find((e) => (e as { board_ref?: string }).board_ref) as Record<string, unknown>;
    Object.assign(ext, { version: 4, previous_ref: head.id, previous_digest: head.digest });
    const reSigned = sign({ ...forged, extensions: Object.fromEntries(Object.entries(forged.extensions!).filter(([k]) => !k.startsWith("extension-definition--0e99f551"))) } as StixObject, outsiderKeyed);
    const size2 = await h.logSize();
    const refused = await call(h, outsiderKeyed, "POST", "/api/v1/records", reSigned);
    assert.deepEqual([refused.statusCode, refused.json().code], [403, "ACH_FORBIDDEN"], refused.body);
    // A stale successor (version 3 again) from a rightful editor is a conflict.
    const stale = await call(h, signer, "POST", "/api/v1/boards/amber-board/versions", sign({ ...unsigned, id: "grouping--6f0c6a3e-0c5b-4b1e-9d7a-1c2b3d4e5f61" } as StixObject, signer));
    assert.deepEqual([stale.statusCode, stale.json().code], [409, "ACH_VERSION_CONFLICT"], stale.body);
    assert.equal(await h.logSize(), size2);
    // A self-signing party creates its own board the same way: the first version comes back to sign.
    const own = await call(h, signer, "POST", "/api/v1/boards", newBoard("signer-board"));
    assert.deepEqual([own.statusCode, own.json().code], [422, "ACH_SIGNATURE_REQUIRED"]);
    const v1 = own.json().details.unsigned as StixObject;
    const ownPosted = await call(h, signer, "POST", `/api/v1/boards/${v1.id}/versions`, sign(v1, signer));
    assert.equal(ownPosted.statusCode, 201, ownPosted.body);
    assert.deepEqual([ownPosted.json().version, ownPosted.json().board_ref, ownPosted.json().name], [1, v1.id, "signer-board"]);
    // Another first version with a taken name, posted as a plain record, is refused at admission.
    const twinId = "grouping--8f0c6a3e-0c5b-4b1e-9d7a-1c2b3d4e5f63";
    const twinExt = Object.fromEntries(Object.entries(v1.extensions!).map(([k, e]) => [k, (e as { board_ref?: string }).board_ref ? { ...(e as object), board_ref: twinId } : e]));
    const twin = await call(h, signer, "POST", "/api/v1/records", sign({ ...v1, id: twinId, extensions: twinExt } as StixObject, signer));
    assert.deepEqual([twin.statusCode, twin.json().code], [409, "ACH_NAME_TAKEN"], twin.body);
    // Its version posted under another board's path is refused.
    const wrongPath = await call(h, signer, "POST", "/api/v1/boards/amber-board/versions", sign({ ...v1, id: "grouping--7f0c6a3e-0c5b-4b1e-9d7a-1c2b3d4e5f62" } as StixObject, signer));
    assert.deepEqual([wrongPath.statusCode, wrongPath.json().code], [400, "ACH_BOARD_INVALID"]);
    const size3 = await h.logSize();

    // Re-posting the accepted version exactly is not an error and not a second entry.
    assert.equal((await call(h, signer, "POST", "/api/v1/records", signed)).statusCode, 200);
    assert.equal(await h.logSize(), size3);
  } finally {
    await h.close();
  }
});
