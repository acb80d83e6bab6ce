import { randomUUID } from "node:crypto";
import { rfc3339, type Clock } from "../core/clock.js";
import { fromBase64, fromHex } from "../core/crypto/index.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { FederationError, parseOriginProof, verifyOriginProof, type OriginProof } from "../core/federation/index.js";
import { parseVerifierKey } from "../core/note/index.js";
import { canonicalJson, isPlainObject, recordDigest, recordKindOf, verifyRecordSignature, warningRefOf } from "../core/record/index.js";
import type { PeerRow, Store } from "../store/store.js";
import type { Admission } from "./admission.js";
import type { FederationEvents } from "./federation-events.js";
import type { Logger } from "./logger.js";
import type { PeerDirectory } from "./peer-directory.js";
import { STATUS_RETENTION_MS } from "./taxii-status.js";

/** The TAXII envelope member carrying each object's origin proof, in the objects' order. */
export const ORIGIN_PROOFS_MEMBER = "x_tocsin_origin";

/**
 * Records delivered by peer nodes (a TAXII POST to a party's inbox, marked `X-Tocsin-Origin`). Each
 * object must come with its origin proof, and is verified before anything is stored: the origin is a
 * pinned peer; its checkpoint is signed by the pinned log key; the leaf commits to the record and is
 * included in that checkpoint; the author is a party that peer hosts, and the key that signed the
 * record was active in the author's pinned key history at the record's position in the origin log (a
 * key the pinned history does not know makes the receiver bring the peer up to date once — by
 * extension only — and look again); the signature verifies with it. Then the record is admitted
 * into this node's own log like any other (so its lifecycle rules hold here too, and this log proves
 * when it arrived), and its origin proof is kept beside it. An envelope with one record that fails is
 * refused whole (FEDERATION_RECORD_UNVERIFIED, 422), reported to the node's log and to `events`, and
 * nothing of it is stored. A record delivered twice is stored once (admission deduplicates by digest).
 */
export class FederationReceiver {
  constructor(
    private readonly d: {
      readonly store: Store;
      readonly peers: PeerDirectory;
      readonly admission: Pick<Admission, "admit">;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly events: FederationEvents;
    },
  ) {}

  /** Verifies and admits an envelope from `origin`; returns the TAXII status resource (JSON text). */
  async receive(origin: string, objects: readonly unknown[], proofs: unknown): Promise<string> {
    try {
      return await this.#receive(origin, objects, proofs);
    } catch (e) {
      if (isTocsinError(e)) {
        const first = objects[0];
        const event = {
          at: rfc3339(this.d.clock.now()),
          origin,
          recordId: isPlainObject(first) && typeof first.id === "string" ? first.id : undefined,
          warningId: safe(() => warningRefOf(first)),
          code: e.code,
          error: e.message,
        };
        this.d.logger.warn(event, "record from a peer refused");
        this.d.events.recordRefused(event);
      }
      throw e;
    }
  }

  async #receive(origin: string, objects: readonly unknown[], proofs: unknown): Promise<string> {
    const peer = await this.d.peers.peer(origin);
    if (!peer) throw new FederationError("FEDERATION_UNKNOWN_PEER", `${origin} is not a peer of this node (tocsin peer add)`);
    if (objects.length === 0) throw new FederationError("FEDERATION_PROOF_MISSING", "the envelope has no objects");
    if (!Array.isArray(proofs) || proofs.length !== objects.length) {
      throw new FederationError("FEDERATION_PROOF_MISSING", `a delivery from a peer carries ${ORIGIN_PROOFS_MEMBER}: one origin proof per object, in order`);
    }
    const checked: { obj: Record<string, unknown>; proof: OriginProof; author: string }[] = [];
    for (let i = 0; i < objects.length; i++) {
      const obj = objects[i];
      if (!isPlainObject(obj)) throw new FederationError("FEDERATION_RECORD_UNVERIFIED", `objects[${i}] is not a STIX object`);
      const proof = parseOriginProof(proofs[i], `${ORIGIN_PROOFS_MEMBER}[${i}]`);
      if (proof.origin !== origin) throw new FederationError("FEDERATION_RECORD_UNVERIFIED", `objects[${i}]'s origin proof names ${proof.origin}, not ${origin}`);
      checked.push({ obj, proof, author: await this.#verify(peer, obj, proof, i) });
    }
    const requestedAt = this.d.clock.now();
    const successes = [];
    // Consecutive records of one author are admitted as one batch (one durable append).
    for (let i = 0; i < checked.length; ) {
      let j = i + 1;
      while (j < checked.length && checked[j]!.author === checked[i]!.author && j - i < 1000) j++;
      const group = checked.slice(i, j);
      const author = (await this.d.store.getParty(group[0]!.author))!;
      const admitted = await this.d.admission.admit(author, group.map((c) => c.obj));
      await this.d.store.saveForeignRecords(
        group.map((c) => ({
          digest: recordDigest(c.obj),
          origin,
          originIndex: c.proof.index,
          originLeaf: fromBase64(c.proof.leaf)!,
          size: c.proof.size,
          hashes: c.proof.hashes,
          checkpoint: c.proof.checkpoint,
          receivedAt: rfc3339(requestedAt),
        })),
      );
      for (let k = 0; k < group.length; k++) {
        const c = group[k]!;
        const a = admitted[k]!;
        // A receipt from a party on that peer: the warning's delivery there is receipted — the version
        // it names too, even if this node never saw that version's delivery acknowledged.
        const warningId = safe(() => warningRefOf(c.obj));
        if (safe(() => recordKindOf(c.obj)) === "receipt" && warningId) {
          const envelope = c.obj.envelope_digest;
          const version = typeof envelope === "string" && /^[0-9a-f]{64}$/.test(envelope) ? fromHex(envelope) : undefined;
          await this.d.store.markReceipted(warningId, origin, rfc3339(requestedAt), version);
        }
        successes.push({ id: a.id, version: a.modified, message: `${a.duplicate ? "already logged" : "logged"} at index ${a.index} (origin ${origin} index ${c.proof.index})` });
      }
      i = j;
    }
    const status = {
      id: randomUUID(),
      status: "complete",
      request_timestamp: rfc3339(requestedAt),
      total_count: objects.length,
      success_count: successes.length,
      successes,
      failure_count: 0,
      pending_count: 0,
    };
    const body = JSON.stringify(status);
    await this.d.store.saveTaxiiStatus({ id: status.id, owner: peer.nodeParty, createdAtMs: requestedAt, body }, requestedAt - STATUS_RETENTION_MS);
    return body;
  }

  /** Everything about one object except its admission; returns its author (a party `peer` hosts). */
  async #verify(peer: PeerRow, obj: Record<string, unknown>, proof: OriginProof, i: number): Promise<string> {
    const unverified = (m: string) => new FederationError("FEDERATION_RECORD_UNVERIFIED", `objects[${i}] (${String(obj.id)}): ${m}`);
    let canonical: string;
    try {
      canonical = canonicalJson(obj);
    } catch (e) {
      throw unverified(`not canonical JSON: ${(e as Error).message}`);
    }
    void canonical;
    // Only the records of warning threads travel between nodes: key records stay in their own log.
    if (safe(() => warningRefOf(obj)) === undefined) throw unverified("not a record about a warning (only warning threads are delivered between nodes)");
    const leaf = verifyOriginProof(obj, proof, parseVerifierKey(peer.vkey));
    const host = await this.d.peers.hostOf(leaf.author);
    if (host?.origin !== peer.origin) throw unverified(`its author ${leaf.author} is not a party ${peer.origin} hosts`);
    let current = peer;
    let verdict = (await this.d.peers.histories(current)).keyAt(leaf.author, leaf.keyId, proof.index);
    if (!verdict.ok && (verdict.reason === "unknown-key" || verdict.reason === "unregistered")) {
      // A key the pinned history does not know yet: bring the peer up to date (by extension only) and look again.
      try {
        await this.d.peers.add(peer.url);
      } catch (e) {
        throw unverified(`signed with key ${leaf.keyId}, unknown to the pinned key history, and the peer could not be brought up to date: ${(e as Error).message}`);
      }
      current = (await this.d.peers.peer(peer.origin))!;
      verdict = (await this.d.peers.histories(current)).keyAt(leaf.author, leaf.keyId, proof.index);
    }
    if (!verdict.ok) throw unverified(`not signed with a key its author's pinned key history had active at origin index ${proof.index}: ${verdict.message}`);
    try {
      verifyRecordSignature(obj, (signer, keyId) => (signer === leaf.author && keyId === verdict.key.keyId ? verdict.key.publicKey : undefined));
    } catch (e) {
      throw unverified(`the signature does not verify: ${(e as Error).message}`);
    }
    return leaf.author;
  }
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
