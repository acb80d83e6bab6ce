/**
 * Property (issue 10): for random sequences of posts by random parties — new objects of every kind,
 * new versions of their own and of others' ids (same kind or another), relayed third-party objects,
 * attribution boards, through the records API and TAXII — no read path ever returns a version signed
 * by anyone but the id's creator (the signer of its first admitted version): GET /api/v1/records/<id>
 * and each of its versions, and TAXII objects, manifest and versions of `shared` and of every inbox,
 * for every party and for anonymous readers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { sign } from "../client/record-builders.js";
import { SIGNATURE_EXT, WARNING_EXT, signRecord, type StixObject } from "../core/record/index.js";
import { tlpMarkingId, type TlpLevel } from "../core/tlp/index.js";
import { NodeHarness, TestClock, type TestParty } from "../testing/node-harness.js";

const TAXII = "application/taxii+json;version=2.1";
const DAY = 86_400_000;
const KINDS = ["note", "indicator", "identity", "warning", "plain-report", "grouping"] as const;
type Kind = (typeof KINDS)[number];

type Action =
  | { op: "new"; who: number; kind: Kind; tlp: TlpLevel; via: Via }
  | { op: "version"; who: number; self: boolean; target: number; kind: Kind | "same"; tlp: TlpLevel; via: Via; keepCreatedBy: boolean }
  | { op: "relay"; who: number; createdBy: "none" | "stranger" | "party"; via: Via }
  | { op: "board"; who: number; tlp: TlpLevel };
type Via = "api" | "shared" | "inbox";

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ op: fc.constant("new" as const), who: fc.nat(4), kind: fc.constantFrom(...KINDS), tlp: fc.constantFrom<TlpLevel>("CLEAR", "AMBER", "RED"), via: fc.constantFrom<Via>("api", "shared", "inbox") }),
  fc.record({
    op: fc.constant("version" as const),
    who: fc.nat(4),
    self: fc.boolean(),
    target: fc.nat(1000),
    kind: fc.constantFrom<Kind | "same">("same", "same", ...KINDS),
    tlp: fc.constantFrom<TlpLevel>("CLEAR", "AMBER", "RED"),
    via: fc.constantFrom<Via>("api", "shared", "inbox"),
    keepCreatedBy: fc.boolean(),
  }),
  fc.record({ op: fc.constant("relay" as const), who: fc.nat(4), createdBy: fc.constantFrom("none" as const, "stranger" as const, "party" as const), via: fc.constantFrom<Via>("api", "shared", "inbox") }),
  fc.record({ op: fc.constant("board" as const), who: fc.nat(1), tlp: fc.constantFrom<TlpLevel>("CLEAR", "AMBER") }),
);

interface Known {
  readonly id: string;
  readonly type: string;
  readonly created: string;
  readonly createdBy: string | undefined;
  /** Who posted its first version. */
  readonly poster: TestParty;
}

test("property: no read path serves a version signed by anyone but the id's creator", { timeout: 600_000 }, async () => {
  const clock = new TestClock(Date.parse("2025-07-01T12:00:00.000Z"));
  const h = await NodeHarness.start({ clock });
  try {
    // Parties 0–2 sign for themselves, 3–4 are custodial (the node signs for them); boards by 3–4.
    const parties: TestParty[] = [await h.party("p0"), await h.party("p1"), await h.party("p2"), await h.party("c3", { custodial: true }), await h.party("c4", { custodial: true })];
    const signerOf = (obj: StixObject) => (obj.extensions?.[SIGNATURE_EXT] as { signer_ref?: string } | undefined)?.signer_ref;
    let tick = 0;
    const nextTime = () => new Date(clock.now() - DAY + ++tick * 1000).toISOString();
    const known: Known[] = [];
    /** What the node admitted: id → the signers of its admitted versions, by version. */
    const admitted = new Map<string, Map<string, string>>();
    const creator = new Map<string, string>();

    const build = (kind: Kind, id: string | undefined, created: string, createdBy: string | undefined, tlp: TlpLevel, author: TestParty): StixObject => {
      const type = kind === "warning" || kind === "plain-report" ? "report" : kind;
      const base: StixObject = {
        type,
        spec_version: "2.1",
        id: id ?? `${type}--${randomUUID()}`,
        created,
        modified: nextTime(),
        ...(createdBy ? { created_by_ref: createdBy } : {}),
        object_marking_refs: [tlpMarkingId(tlp)],
      };
      if (kind === "note") Object.assign(base, { content: "a note", object_refs: [`indicator--${randomUUID()}`] });
      if (kind === "indicator") Object.assign(base, { name: "x", pattern: "[ipv4-addr:value = '203.0.113.9']", pattern_type: "stix", valid_from: created });
      if (kind === "identity") Object.assign(base, { name: "An organisation", identity_class: "organization" });
      // A plain grouping: over a board's id, the issue's board attack.
      if (kind === "grouping") Object.assign(base, { context: "suspicious-activity", object_refs: [`indicator--${randomUUID()}`] });
      if (kind === "warning" || kind === "plain-report") {
        Object.assign(base, { name: "w", report_types: ["threat-report"], published: created, object_refs: [`threat-actor--${randomUUID()}`] });
        if (kind === "warning") {
          const to = parties.find((p) => p.id !== author.id)!.id;
          base.extensions = {
            [WARNING_EXT]: { extension_type: "property-extension", window_start: created, window_end: new Date(Date.parse(created) + DAY).toISOString(), probability: 0.5, severity: "high", recipient_refs: [to], deadlines: {}, requested_actions: ["look"] },
          };
        }
      }
      return base;
    };
    /** Signed as the poster would (a custodial poster's node signs at admission); a Tocsin kind the core will not sign as a relay goes unsigned. */
    const signed = (obj: StixObject, who: TestParty): StixObject => {
      if (!who.seed) return obj;
      if (obj.created_by_ref === who.id) return sign(obj, who);
      try {
        return signRecord(obj, { signerRef: who.id, seed: who.seed, publicKey: who.publicKey!, relay: true });
      } catch {
        return obj;
      }
    };
    const post = async (who: TestParty, obj: StixObject, via: Via): Promise<StixObject | undefined> => {
      const storedVersion = async () => JSON.parse((await h.node.store.recordVersions(obj.id)).find((r) => r.modified === obj.modified)!.body) as StixObject;
      if (via === "api") return (await h.post(who, obj)).statusCode === 201 ? storedVersion() : undefined;
      const collection = via === "shared" ? "shared" : `inbox-${parties[(parties.indexOf(who) + 1) % parties.length]!.slug}`;
      const res = await h.node.app.inject({
        method: "POST",
        url: `/taxii2/exchange/collections/${collection}/objects/`,
        headers: { accept: TAXII, "content-type": TAXII, authorization: `Bearer ${who.token}` },
        payload: JSON.stringify({ objects: [obj] }),
      });
      return res.json().success_count === 1 ? storedVersion() : undefined;
    };
    /** Notes an admitted version under its signer (as stored), and the id's creator if it is the first. */
    const note = (stored: StixObject | undefined) => {
      if (!stored) return;
      const signer = signerOf(stored)!;
      const versions = admitted.get(stored.id) ?? new Map<string, string>();
      versions.set(stored.modified as string, signer);
      admitted.set(stored.id, versions);
      if (!creator.has(stored.id)) creator.set(stored.id, signer);
    };

    const run = async (actions: Action[]) => {
      for (const a of actions) {
        let who = parties[a.who]!;
        if (a.op === "new") {
          const created = nextTime();
          const obj = build(a.kind, undefined, created, who.id, a.tlp, who);
          const stored = await post(who, signed(obj, who), a.via);
          note(stored);
          if (stored) known.push({ id: obj.id, type: obj.type, created, createdBy: who.id, poster: who });
        } else if (a.op === "version" && known.length > 0) {
          const target = known[a.target % known.length]!;
          if (a.self) who = target.poster; // half the versions come from the creator itself
          const kinds = KINDS.filter((k) => (k === "warning" || k === "plain-report" ? "report" : k) === target.type);
          const kind = a.kind === "same" || !kinds.includes(a.kind as Kind) ? kinds[0]! : (a.kind as Kind);
          const obj = build(kind, target.id, target.created, a.keepCreatedBy ? target.createdBy : who.id, a.tlp, who);
          note(await post(who, signed(obj, who), a.via));
        } else if (a.op === "relay") {
          const createdBy = a.createdBy === "none" ? undefined : a.createdBy === "stranger" ? `identity--${randomUUID()}` : parties[(a.who + 1) % parties.length]!.id;
          const created = nextTime();
          const obj = build("indicator", undefined, created, createdBy, "CLEAR", who);
          const stored = await post(who, signed(obj, who), a.via);
          note(stored);
          if (stored) known.push({ id: obj.id, type: obj.type, created, createdBy, poster: who });
        } else if (a.op === "board") {
          const owner = parties[3 + a.who]!;
          const res = await h.node.app.inject({
            method: "POST",
            url: "/api/v1/boards",
            headers: { authorization: `Bearer ${owner.token}` },
            payload: { name: `board-${randomUUID().slice(0, 8)}`, title: "Who?", tlp: a.tlp, subject_refs: [`incident--${randomUUID()}`], hypotheses: [{ id: "H1", title: "A" }] },
          });
          assert.equal(res.statusCode, 201, res.body);
          const record = res.json().record as StixObject;
          note(record);
          known.push({ id: record.id, type: "grouping", created: record.created as string, createdBy: owner.id, poster: owner });
        }
      }
    };

    const readers: (TestParty | undefined)[] = [...parties, undefined];
    const taxiiGet = async (who: TestParty | undefined, path: string): Promise<Record<string, unknown>[]> => {
      const out: Record<string, unknown>[] = [];
      let next: string | undefined;
      do {
        const url = `/taxii2/exchange/collections/${path}${path.includes("?") ? "&" : "?"}limit=500${next ? `&next=${encodeURIComponent(next)}` : ""}`;
        const res = await h.node.app.inject({ method: "GET", url, headers: { accept: TAXII, ...(who ? { authorization: `Bearer ${who.token}` } : {}) } });
        if ([401, 403, 404].includes(res.statusCode)) return out; // an inbox is its party's alone
        assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
        const j = res.json();
        out.push(...(j.objects ?? j.versions?.map((v: string) => ({ version: v })) ?? []));
        next = j.more ? j.next : undefined;
      } while (next);
      return out;
    };

    const check = async () => {
      // What the node admitted: every version of an id came from its creator.
      for (const [id, versions] of admitted) for (const [m, s] of versions) assert.equal(s, creator.get(id), `${id}@${m} admitted from ${s}, not its creator`);
      for (const who of readers) {
        for (const { id } of known) {
          const latest = await h.get(who, `/api/v1/records/${id}`);
          if (latest.statusCode === 200) assert.equal(signerOf(latest.json()), creator.get(id), `GET ${id}`);
          for (const m of admitted.get(id)?.keys() ?? []) {
            const one = await h.get(who, `/api/v1/records/${id}?version=${encodeURIComponent(m)}`);
            if (one.statusCode === 200) assert.equal(signerOf(one.json()), creator.get(id), `GET ${id}?version=${m}`);
          }
        }
        for (const c of ["shared", ...parties.map((p) => `inbox-${p.slug}`)]) {
          for (const obj of await taxiiGet(who, `${c}/objects/?match[version]=all`)) {
            if (creator.has(obj.id as string)) assert.equal(signerOf(obj as StixObject), creator.get(obj.id as string), `${c} objects ${obj.id as string}`);
          }
          for (const entry of await taxiiGet(who, `${c}/manifest/?match[version]=all`)) {
            const versions = admitted.get(entry.id as string);
            if (versions) assert.equal(versions.get(entry.version as string), creator.get(entry.id as string), `${c} manifest ${entry.id as string}@${entry.version as string}`);
          }
        }
      }
      for (const { id } of known.slice(-6)) {
        for (const who of readers) {
          for (const v of await taxiiGet(who, `shared/objects/${id}/versions/`)) assert.equal(admitted.get(id)?.get(v.version as string), creator.get(id), `versions of ${id}`);
        }
      }
    };

    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), async (actions) => {
        await run(actions);
        await check();
      }),
      { numRuns: 20, seed: 20251202, endOnFailure: true },
    );
    const stats = { objects: known.length, versioned: [...admitted.values()].filter((v) => v.size > 1).length, relayed: known.filter((k) => k.createdBy === undefined || !parties.some((p) => p.id === k.createdBy)).length };
    console.log(`# property: ${JSON.stringify(stats)}`);
    assert.ok(stats.objects > 20 && stats.relayed > 5, "the runs created and relayed objects");
    assert.ok(stats.versioned > 5, "some ids got later versions");
  } finally {
    await h.close();
  }
});
