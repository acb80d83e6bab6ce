import { publicBytesEqual } from "../core/crypto/bytes.js";
import { KeyHistories, isKeyRecord } from "../core/keys/index.js";
import { KEY_EVENT_TYPE } from "../core/record/index.js";
import type { Store, StoredRecord } from "../store/store.js";

/** One disagreement between the stored parties' keys and the logged key history. */
export interface KeyHistoryProblem {
  readonly party: string;
  /** The log index of the key record concerned, when there is one. */
  readonly entry?: number;
  readonly message: string;
}

export interface KeyHistoryReport {
  readonly ok: boolean;
  readonly parties: number;
  readonly keyRecords: number;
  readonly problems: KeyHistoryProblem[];
}

/**
 * The key part of `tocsin log audit`: folds every logged registration and key event from the stored
 * records (trusting no cache: each signature is checked against the history itself), then requires
 * every stored party to be registered in the log and every stored key (`party_key`, the cache admission
 * no longer trusts) to be a logged key of that party with the same public key and the same
 * active/retired state. A key substituted or added in the database, or a key record the history refuses,
 * is a failure naming the party and the key.
 */
export async function auditKeyHistory(store: Store): Promise<KeyHistoryReport> {
  const problems: KeyHistoryProblem[] = [];
  const parties = await store.listParties();
  const node = parties.find((p) => p.slug === "node");
  const records: StoredRecord[] = [];
  for (const type of ["identity", KEY_EVENT_TYPE]) {
    for (let after = -1; ; ) {
      const page = await store.listRecords({ type, addedAfterUs: after, limit: 5000 });
      records.push(...page);
      if (page.length < 5000) break;
      after = page.at(-1)!.addedUs;
    }
  }
  records.sort((a, b) => a.logIndex - b.logIndex);
  let keyRecords = 0;
  const histories = node ? new KeyHistories(node.id) : undefined;
  for (const r of records) {
    const record = JSON.parse(r.body) as Record<string, unknown>;
    if (!isKeyRecord(record)) continue;
    keyRecords++;
    if (!histories) {
      problems.push({ party: "node", entry: r.logIndex, message: `key record at entry ${r.logIndex}, but the node's own party is not in the database` });
      continue;
    }
    try {
      histories.apply({ index: r.logIndex, loggedAt: r.loggedAt, record });
    } catch (e) {
      problems.push({ party: String(record.party_ref ?? record.id), entry: r.logIndex, message: `key record ${r.id} at entry ${r.logIndex} does not fit the logged key history: ${(e as Error).message}` });
    }
  }
  for (const p of parties) {
    const history = histories?.get(p.id);
    // A party hosted on a peer node has its key history in that node's log (pinned by `peer add`), not in this one.
    if (!history && (await store.peerOfParty(p.id)) !== undefined) continue;
    if (!history) {
      problems.push({ party: p.slug, message: `party ${p.slug} (${p.id}) has no registration in the log` });
      continue;
    }
    for (const row of await store.partyKeys(p.id)) {
      const logged = history.keys.find((k) => k.keyId === row.keyId);
      if (!logged) {
        problems.push({ party: p.slug, message: `stored key ${row.keyId} of ${p.slug} is not in its logged key history (substituted or added in the database)` });
      } else if (!publicBytesEqual(logged.publicKey, row.publicKey)) {
        problems.push({ party: p.slug, entry: logged.since, message: `stored key ${row.keyId} of ${p.slug} differs from the public key logged at entry ${logged.since}` });
      } else if ((row.retiredAt === undefined) !== (logged.retired === undefined)) {
        problems.push({
          party: p.slug,
          entry: logged.since,
          message: `stored key ${row.keyId} of ${p.slug} is ${row.retiredAt === undefined ? "active" : "retired"} in the database but ${logged.retired ? `retired at entry ${logged.retired.index}` : "active"} in the log`,
        });
      }
    }
  }
  return { ok: problems.length === 0, parties: parties.length, keyRecords, problems };
}
