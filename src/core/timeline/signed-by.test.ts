import { test } from "node:test";
import assert from "node:assert/strict";
import { custodySummary, signedByPhrase, signerOf } from "./index.js";

const NODE = "identity--00000000-0000-4000-8000-000000000001";
const VENUE = "identity--00000000-0000-4000-8000-000000000002";
const SOURCE = "identity--00000000-0000-4000-8000-000000000003";

test("signerOf: the node's own records, custodial records and party-signed records are told apart", () => {
  assert.equal(signerOf({ author: NODE, custodial: true }, NODE), "node");
  assert.equal(signerOf({ author: VENUE, custodial: true }, NODE), "custodial");
  assert.equal(signerOf({ author: SOURCE, custodial: false }, NODE), "party");
  assert.equal(signerOf({ author: VENUE, custodial: true }, undefined), "custodial", "without the node's id a custodial record is still custodial");
  assert.equal(signedByPhrase("custodial", "VENUE"), "signed by the node on behalf of VENUE (custodial)");
  assert.equal(signedByPhrase("party", "US-IC"), "signed by US-IC with its own key");
  assert.equal(signedByPhrase("node", "node"), "signed by the node (its own record)");
});

test("custodySummary names every custodial author once and says so when there is none", () => {
  const s = custodySummary([
    { signer: "party", author: SOURCE, authorName: "US-IC" },
    { signer: "custodial", author: VENUE, authorName: "VENUE" },
    { signer: "custodial", author: VENUE, authorName: "VENUE" },
    { signer: "node", author: NODE },
    { signer: undefined, author: SOURCE },
  ]);
  assert.deepEqual([s.partySigned, s.custodial, s.nodeOwn, s.custodialAuthors], [1, 2, 1, ["VENUE"]]);
  assert.match(s.line, /^1 record signed by their authors' own keys; 2 signed by the node on behalf of VENUE \(custodial/);
  assert.match(s.line, /; 1 the node's own \(escalations\)$/);
  assert.equal(custodySummary([{ signer: "party", author: SOURCE }]).line, "1 record signed by their authors' own keys; none signed by the node on behalf of a custodial party");
});
