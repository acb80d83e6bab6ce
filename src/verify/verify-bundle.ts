import { auditBundle, parseBundle, type AuditOptions, type BundleAudit, type RecordProof } from "../core/bundle/index.js";
import { isTocsinError } from "../core/errors/tocsin-error.js";
import { formatVerifierKey, type NoteVerifier } from "../core/note/index.js";

/** What the auditor brings to a bundle: keys it trusts and record proofs it holds. */
export interface VerifyBundleOptions {
  /** The log operator's published verifier key; without it the bundle's own is used, and the verdict says so. */
  readonly logKey?: NoteVerifier | undefined;
  /** Published log keys of peer nodes, by origin: records a bundle proves in their origin logs are checked against them. */
  readonly peerLogKeys?: ReadonlyMap<string, NoteVerifier> | undefined;
  /** Witness keys to check cosignatures with, beside those the bundle lists. */
  readonly witnesses?: readonly NoteVerifier[];
  /** Record proofs the auditor holds: a proven omission from the bundle fails it. */
  readonly against?: readonly RecordProof[];
  /** How many of `witnesses` (the auditor's, not the bundle's) must have cosigned the latest checkpoint. */
  readonly quorum?: number;
  /** Witness keys of other signature types (ML-DSA-44) the caller verifies itself, counted toward `quorum`. */
  readonly otherWitnesses?: NonNullable<NonNullable<AuditOptions["witnessPolicy"]>["others"]>;
  /** A witness counts toward `quorum` only when all its keys given (Ed25519 and ML-DSA-44) cosigned. */
  readonly everyKey?: boolean;
}

/** The verdict on a file that is not a readable bundle at all: not verified, with the reason. */
export interface UnreadableBundle {
  readonly ok: false;
  readonly unreadable: true;
  readonly problems: readonly [{ readonly check: "format"; readonly subject: string; readonly message: string }];
}

export type BundleVerdict = BundleAudit | UnreadableBundle;

/**
 * Verifies an accountability bundle as it arrives — its text, or JSON already parsed — offline, and
 * never throws for anything in it: a file that is not a bundle is a verdict too (not verified). This is
 * what `tocsin audit` and a browser both call, so they give the same verdict on the same file.
 */
export function verifyBundle(input: string | unknown, options: VerifyBundleOptions = {}, subject = "bundle"): BundleVerdict {
  let json: unknown;
  try {
    json = typeof input === "string" ? JSON.parse(input) : input;
  } catch (e) {
    return unreadable(subject, `not JSON: ${(e as Error).message}`);
  }
  try {
    const bundle = parseBundle(json);
    const witnesses = [...bundle.witnesses, ...(options.witnesses ?? []).map(formatVerifierKey)];
    return auditBundle(
      { ...bundle, witnesses },
      {
        ...(options.logKey ? { logKey: options.logKey } : {}),
        ...(options.peerLogKeys ? { peerLogKeys: options.peerLogKeys } : {}),
        ...(options.against ? { against: options.against } : {}),
        ...(options.quorum !== undefined
          ? { witnessPolicy: { witnesses: options.witnesses ?? [], quorum: options.quorum, ...(options.otherWitnesses ? { others: options.otherWitnesses } : {}), ...(options.everyKey ? { everyKey: true } : {}) } }
          : {}),
      },
    );
  } catch (e) {
    // parseBundle says what is malformed; anything else escaping the audit is reported, not thrown.
    return unreadable(subject, isTocsinError(e) ? `${e.code}: ${e.message}` : String((e as Error)?.message ?? e));
  }
}

function unreadable(subject: string, message: string): UnreadableBundle {
  return { ok: false, unreadable: true, problems: [{ check: "format", subject, message }] };
}

