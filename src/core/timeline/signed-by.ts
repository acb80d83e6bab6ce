/*
 * Who actually signed a record, in words. A custodial party holds no key: the node signs its records
 * for it (`custodial: true` in the signature extension and in the log leaf). Such a record proves
 * that the party's authenticated session posted it through this node, not that the party signed it,
 * so every view that shows records (the audit, the timeline API, the report) says which it is and
 * never lets a node-signed record pass for a party-signed one.
 */

/** How a record was signed: by its author's own key, by the node for a custodial author, or by the node as itself. */
export type Signer = "party" | "custodial" | "node";

export function signerOf(record: { readonly author: string; readonly custodial: boolean }, nodeParty: string | undefined): Signer {
  if (nodeParty !== undefined && record.author === nodeParty) return "node";
  return record.custodial ? "custodial" : "party";
}

/** "signed by the node on behalf of VENUE (custodial)", "signed by US-IC with its own key", "signed by the node (its own record)". */
export function signedByPhrase(signer: Signer, authorName: string): string {
  switch (signer) {
    case "custodial":
      return `signed by the node on behalf of ${authorName} (custodial)`;
    case "node":
      return "signed by the node (its own record)";
    case "party":
      return `signed by ${authorName} with its own key`;
  }
}

/**
 * One line for a whole set of records: how many the authors signed and how many the node signed for
 * custodial authors, naming them, so a reader of a summary cannot miss node-signed records.
 */
export function custodySummary(entries: readonly { readonly signer: Signer | undefined; readonly authorName?: string | undefined; readonly author: string }[]): {
  readonly partySigned: number;
  readonly custodial: number;
  readonly nodeOwn: number;
  readonly custodialAuthors: readonly string[];
  readonly line: string;
} {
  const count = (s: Signer) => entries.filter((e) => e.signer === s).length;
  const custodialAuthors = [...new Set(entries.filter((e) => e.signer === "custodial").map((e) => e.authorName ?? e.author))].sort();
  const partySigned = count("party");
  const custodial = count("custodial");
  const nodeOwn = count("node");
  const line =
    `${partySigned} record${partySigned === 1 ? "" : "s"} signed by their authors' own keys; ` +
    (custodial === 0
      ? "none signed by the node on behalf of a custodial party"
      : `${custodial} signed by the node on behalf of ${custodialAuthors.join(", ")} (custodial: they prove what the node was told, not that the party signed them)`) +
    (nodeOwn === 0 ? "" : `; ${nodeOwn} the node's own (escalations)`);
  return { partySigned, custodial, nodeOwn, custodialAuthors, line };
}
