import { ed25519PublicKey, toHex, utf8 } from "../core/crypto/index.js";
import { commitmentDigest } from "../core/record/commitment.js";
import { SIGNATURE_EXT, WARNING_EXT } from "../core/record/extension-ids.js";
import { keyIdOf, recordDigestHex, recordSigningBytes, signRecord, type SignedRecord, type StixObject } from "../core/record/record-signature.js";

/*
 * The worked example of docs/formats.md: a fixed warning record, signed with a fixed key, so a third
 * party can reproduce every byte by hand (or with OpenSSL, see docs-example.test.ts). Everything here is
 * a constant; docs-example.test.ts pins the outputs, so any change to the signing format shows up there.
 */

/** The example's Ed25519 seed: the 32 bytes 0x01, 0x02, …, 0x20. NEVER use it for anything real. */
export const EXAMPLE_SEED: Uint8Array = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

export const EXAMPLE_SENDER_ID = "identity--5d0b3c4e-8f2a-4b7c-9d1e-2a3b4c5d6e7f";
export const EXAMPLE_RECIPIENT_ID = "identity--a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
export const EXAMPLE_WARNING_ID = "report--7e3f5a2b-1c4d-4e6f-8a9b-0c1d2e3f4a5b";

/** The example commitment's salt (32 bytes 0xa0 … 0xbf) and evidence (ASCII text). */
export const EXAMPLE_COMMITMENT_SALT: Uint8Array = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
export const EXAMPLE_COMMITMENT_EVIDENCE = "Source report 117: the target is a stadium.";

const TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

export interface WorkedExample {
  /** The warning before signing (no signature extension). */
  unsigned: StixObject;
  /** The exact signed bytes as text: "tocsin-record-v1\n" + JCS; the bytes are its UTF-8 (ASCII here). */
  signingBytes: string;
  /** The signed warning. */
  signed: SignedRecord;
  /** The Ed25519 signature, base64 (= signed.extensions[SIGNATURE_EXT].signature). */
  signature: string;
  /** The envelope digest, hex. */
  digest: string;
  /** The key id, hex. */
  keyId: string;
  publicKeyHex: string;
  seedHex: string;
  /** The commitment inside the warning: salt (hex), evidence (text), digest (hex). */
  commitment: { saltHex: string; evidence: string; digest: string };
}

/** Builds the worked example from its constants (deterministic: Ed25519 signatures are). */
export function workedExample(): WorkedExample {
  const publicKey = ed25519PublicKey(EXAMPLE_SEED);
  const commitment = commitmentDigest(EXAMPLE_COMMITMENT_SALT, utf8.encode(EXAMPLE_COMMITMENT_EVIDENCE));
  const unsigned: StixObject = {
    type: "report",
    spec_version: "2.1",
    id: EXAMPLE_WARNING_ID,
    created: "2026-11-25T09:00:00.000Z",
    modified: "2026-11-25T09:00:00.000Z",
    created_by_ref: EXAMPLE_SENDER_ID,
    name: "Planned attack on large venues",
    description: "An attack on a large public venue in the capital is likely within two weeks.",
    report_types: ["threat-report"],
    published: "2026-11-25T09:00:00.000Z",
    object_refs: ["threat-actor--3c9e1f2a-4b5d-4c6e-9f7a-8b9c0d1e2f3a", "location--b4e5f6a7-8c9d-4e0f-a1b2-c3d4e5f6a7b8"],
    object_marking_refs: [TLP_AMBER],
    extensions: {
      [WARNING_EXT]: {
        extension_type: "property-extension",
        window_start: "2026-11-25T12:00:00.000Z",
        window_end: "2026-12-09T12:00:00.000Z",
        probability: 0.7,
        severity: "high",
        recipient_refs: [EXAMPLE_RECIPIENT_ID],
        deadlines: {
          receipt: "2026-11-25T10:00:00.000Z",
          assessment: "2026-11-26T09:00:00.000Z",
          action: "2026-11-27T09:00:00.000Z",
        },
        requested_actions: ["protect large venues"],
        commitments: [{ commitment_id: "c1", digest: commitment }],
      },
    },
  };
  const signed = signRecord(unsigned, { signerRef: EXAMPLE_SENDER_ID, seed: EXAMPLE_SEED, publicKey });
  return {
    unsigned,
    signingBytes: utf8.decode(recordSigningBytes(signed)),
    signed,
    signature: signed.extensions[SIGNATURE_EXT].signature,
    digest: recordDigestHex(signed),
    keyId: keyIdOf(publicKey),
    publicKeyHex: toHex(publicKey),
    seedHex: toHex(EXAMPLE_SEED),
    commitment: { saltHex: toHex(EXAMPLE_COMMITMENT_SALT), evidence: EXAMPLE_COMMITMENT_EVIDENCE, digest: commitment },
  };
}
