import { resetNotice } from "../core/keys/index.js";
import { readSignatureExtension } from "../core/record/index.js";
import type { StoredRecord } from "../store/store.js";
import type { PartyDirectory } from "./party-directory.js";

/**
 * The key resets by the operator that concern these records' authors, in plain words: every reset in
 * an author's logged key history, and for each record signed with a key resting on a reset, which
 * record that is. Empty when no author's key was ever reset.
 */
export async function keyResetNotices(parties: PartyDirectory, records: readonly StoredRecord[]): Promise<string[]> {
  const histories = await parties.histories();
  if (!histories) return [];
  const notices: string[] = [];
  for (const author of new Set(records.map((r) => r.author))) {
    const party = histories.get(author);
    for (const k of party?.keys ?? []) if (k.reset && k.reset.keyId === k.keyId) notices.push(resetNotice(party!, k));
  }
  for (const r of records) {
    let keyId: string;
    try {
      keyId = readSignatureExtension(JSON.parse(r.body)).key_id;
    } catch {
      continue;
    }
    const verdict = histories.keyAt(r.author, keyId, r.logIndex);
    if (verdict.ok && verdict.key.reset) {
      notices.push(`${r.kind} ${r.id} (log index ${r.logIndex}) is signed with key ${keyId}, which rests on the operator's key reset at log index ${verdict.key.reset.index}: it is the operator's word, not ${histories.get(r.author)!.slug}'s`);
    }
  }
  return notices;
}
