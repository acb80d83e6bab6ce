import actionSchema from "../../../schemas/tocsin/action-v1.json" with { type: "json" };
import boardSchema from "../../../schemas/tocsin/board-v1.json" with { type: "json" };
import determinationSchema from "../../../schemas/tocsin/determination-v1.json" with { type: "json" };
import dutyApprovalSchema from "../../../schemas/tocsin/duty-approval-v1.json" with { type: "json" };
import dutyDecisionSchema from "../../../schemas/tocsin/duty-decision-v1.json" with { type: "json" };
import dutyEscalationSchema from "../../../schemas/tocsin/duty-escalation-v1.json" with { type: "json" };
import dutyPolicySchema from "../../../schemas/tocsin/duty-policy-v1.json" with { type: "json" };
import dutyRevealSchema from "../../../schemas/tocsin/duty-reveal-v1.json" with { type: "json" };
import escalationSchema from "../../../schemas/tocsin/escalation-v1.json" with { type: "json" };
import keyEventSchema from "../../../schemas/tocsin/key-event-v1.json" with { type: "json" };
import partySchema from "../../../schemas/tocsin/party-v1.json" with { type: "json" };
import receiptSchema from "../../../schemas/tocsin/receipt-v1.json" with { type: "json" };
import resolutionSchema from "../../../schemas/tocsin/resolution-v1.json" with { type: "json" };
import revealSchema from "../../../schemas/tocsin/reveal-v1.json" with { type: "json" };
import signatureSchema from "../../../schemas/tocsin/signature-v1.json" with { type: "json" };
import warningSchema from "../../../schemas/tocsin/warning-v1.json" with { type: "json" };
import witnessAlarmSchema from "../../../schemas/tocsin/witness-alarm-v1.json" with { type: "json" };
import {
  ACTION_EXT,
  BOARD_EXT,
  DETERMINATION_EXT,
  DETERMINATION_TYPE,
  DUTY_APPROVAL_EXT,
  DUTY_APPROVAL_TYPE,
  DUTY_DECISION_EXT,
  DUTY_DECISION_TYPE,
  DUTY_ESCALATION_EXT,
  DUTY_ESCALATION_TYPE,
  DUTY_POLICY_EXT,
  DUTY_POLICY_TYPE,
  DUTY_REVEAL_EXT,
  DUTY_REVEAL_TYPE,
  ESCALATION_EXT,
  ESCALATION_TYPE,
  KEY_EVENT_EXT,
  KEY_EVENT_TYPE,
  PARTY_EXT,
  RECEIPT_EXT,
  RECEIPT_TYPE,
  RESOLUTION_EXT,
  REVEAL_EXT,
  REVEAL_TYPE,
  SIGNATURE_EXT,
  TOCSIN_IDENTITY_ID,
  WARNING_EXT,
  WITNESS_ALARM_EXT,
  WITNESS_ALARM_TYPE,
} from "./extension-ids.js";

/*
 * The STIX 2.1 objects that publish Tocsin's extensions (STIX 2.1 §7.3 extension-definition) and the
 * identity that created them. They are fixed data: a STIX consumer that meets a Tocsin record can look
 * the extension id up here (or in the bundle the node serves) and find its schema.
 *
 * The schemas are the JSON files in schemas/tocsin/, imported as JSON modules: tsc copies imported JSON
 * into dist/ alongside the code, so they resolve the same way from src/ and dist/, and the files stay
 * the single source. `extension_properties` is left out: STIX allows it only for
 * toplevel-property-extension, which Tocsin does not use.
 */

/** Creation and modification time of every definition below (they are versioned by id, never edited). */
export const TOCSIN_DEFINITIONS_TIMESTAMP = "2026-11-25T00:00:00.000Z";

/** TLP:CLEAR (FIRST TLP 2.0 as STIX): the definitions are public. */
const TLP_CLEAR = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";

export type TocsinExtensionType = "property-extension" | "new-sdo";

/** A STIX 2.1 extension-definition object. */
export interface StixExtensionDefinition {
  type: "extension-definition";
  spec_version: "2.1";
  id: string;
  created: string;
  modified: string;
  created_by_ref: string;
  name: string;
  description: string;
  schema: string;
  version: string;
  extension_types: TocsinExtensionType[];
  object_marking_refs: string[];
}

/** One Tocsin extension: its id, kind, the object type it applies to (new-sdo: the type it defines) and its JSON schema. */
export interface TocsinExtension {
  extensionId: string;
  extensionType: TocsinExtensionType;
  objectType?: string;
  schema: object;
}

/** The Tocsin project as a STIX identity (created_by_ref of the extension definitions). */
export const TOCSIN_IDENTITY = {
  type: "identity",
  spec_version: "2.1",
  id: TOCSIN_IDENTITY_ID,
  created: TOCSIN_DEFINITIONS_TIMESTAMP,
  modified: TOCSIN_DEFINITIONS_TIMESTAMP,
  name: "Tocsin project",
  description: "The Tocsin project: publisher of the Tocsin STIX extension definitions for signed, accountable warnings.",
  identity_class: "organization",
  object_marking_refs: [TLP_CLEAR],
} as const;

/** Every Tocsin extension with its schema; the schema's `$id` is the definition's `schema` URL. */
export const TOCSIN_EXTENSIONS: readonly TocsinExtension[] = [
  { extensionId: SIGNATURE_EXT, extensionType: "property-extension", schema: signatureSchema },
  { extensionId: WARNING_EXT, extensionType: "property-extension", objectType: "report", schema: warningSchema },
  { extensionId: ACTION_EXT, extensionType: "property-extension", objectType: "course-of-action", schema: actionSchema },
  { extensionId: RESOLUTION_EXT, extensionType: "property-extension", objectType: "note", schema: resolutionSchema },
  { extensionId: RECEIPT_EXT, extensionType: "new-sdo", objectType: RECEIPT_TYPE, schema: receiptSchema },
  { extensionId: REVEAL_EXT, extensionType: "new-sdo", objectType: REVEAL_TYPE, schema: revealSchema },
  { extensionId: ESCALATION_EXT, extensionType: "new-sdo", objectType: ESCALATION_TYPE, schema: escalationSchema },
  { extensionId: PARTY_EXT, extensionType: "property-extension", objectType: "identity", schema: partySchema },
  { extensionId: BOARD_EXT, extensionType: "property-extension", objectType: "grouping", schema: boardSchema },
  { extensionId: KEY_EVENT_EXT, extensionType: "new-sdo", objectType: KEY_EVENT_TYPE, schema: keyEventSchema },
  { extensionId: WITNESS_ALARM_EXT, extensionType: "new-sdo", objectType: WITNESS_ALARM_TYPE, schema: witnessAlarmSchema },
  { extensionId: DETERMINATION_EXT, extensionType: "new-sdo", objectType: DETERMINATION_TYPE, schema: determinationSchema },
  { extensionId: DUTY_DECISION_EXT, extensionType: "new-sdo", objectType: DUTY_DECISION_TYPE, schema: dutyDecisionSchema },
  { extensionId: DUTY_APPROVAL_EXT, extensionType: "new-sdo", objectType: DUTY_APPROVAL_TYPE, schema: dutyApprovalSchema },
  { extensionId: DUTY_POLICY_EXT, extensionType: "new-sdo", objectType: DUTY_POLICY_TYPE, schema: dutyPolicySchema },
  { extensionId: DUTY_ESCALATION_EXT, extensionType: "new-sdo", objectType: DUTY_ESCALATION_TYPE, schema: dutyEscalationSchema },
  { extensionId: DUTY_REVEAL_EXT, extensionType: "new-sdo", objectType: DUTY_REVEAL_TYPE, schema: dutyRevealSchema },
];

const NAMES_AND_DESCRIPTIONS: Readonly<Record<string, readonly [string, string]>> = {
  [SIGNATURE_EXT]: [
    "Tocsin record signature",
    "The author's Ed25519 signature over the object, carried in the object itself: signer identity, key id, algorithm, " +
      "optional custodial flag and the signature over UTF-8(\"tocsin-record-v1\\n\") followed by the RFC 8785 canonical JSON " +
      "of the object without the signature value.",
  ],
  [WARNING_EXT]: [
    "Tocsin warning",
    "Turns a threat-report into an accountable warning: the time window, the probability of the event in it, severity, " +
      "recipients, response deadlines, requested actions and sealed evidence commitments.",
  ],
  [ACTION_EXT]: [
    "Tocsin action",
    "A recipient's course of action on a warning: status (planned, in-progress, done, declined), deadline and owner.",
  ],
  [RESOLUTION_EXT]: [
    "Tocsin resolution",
    "The outcome of a warning (materialized, prevented, did-not-materialize, unknown), the event time and the incident, " +
      "asserted by its sender, a recipient or an agreed arbiter.",
  ],
  [RECEIPT_EXT]: [
    "Tocsin receipt",
    "Defines the x-tocsin-receipt object: a recipient's signed statement that it received exactly one version of a " +
      "warning (by modified time and envelope digest) at a given time.",
  ],
  [REVEAL_EXT]: [
    "Tocsin reveal",
    "Defines the x-tocsin-reveal object: the salt (exactly 32 bytes) and evidence that open a commitment made earlier in a warning.",
  ],
  [ESCALATION_EXT]: [
    "Tocsin escalation",
    "Defines the x-tocsin-escalation object: a node's signed statement that a recipient missed a warning's receipt, " +
      "assessment or action deadline.",
  ],
  [PARTY_EXT]: [
    "Tocsin party",
    "Makes an identity a Tocsin party: its slug on its node, whether the node signs on its behalf (custodial), its " +
      "organisation, and every Ed25519 signing key it has had (key id, public key, validity period), so a verifier can " +
      "check a record's signature without asking the node.",
  ],
  [KEY_EVENT_EXT]: [
    "Tocsin key event",
    "Defines the x-tocsin-key-event object: one logged change of a party's signing keys (a rotation signed by the party " +
      "or its organisation, or a reset by the node's operator without the party) or API tokens (issued, revoked; named by " +
      "a short hash, never the token), so a verifier can replay every key a party has had and who endorsed it.",
  ],
  [DETERMINATION_EXT]: [
    "Tocsin duty-to-warn determination",
    "Defines the x-tocsin-determination object: its author holds credible and specific information of a threat of " +
      "intentional killing, serious bodily injury or kidnapping against identified or identifiable people (ICD 191), with " +
      "the intended victims, specificity, credibility, sealed evidence commitments, the reviewers who may read it and the " +
      "deadline by which it must warn or waive.",
  ],
  [DUTY_DECISION_EXT]: [
    "Tocsin duty-to-warn decision",
    "Defines the x-tocsin-duty-decision object: warn (the sanitised warnings, each linked to the determination by a salted " +
      "commitment it carries, the delivery channel) or waive (one ground of the closed list of ICD 191, reasons in clear or " +
      "sealed), with the approvals it rests on.",
  ],
  [DUTY_APPROVAL_EXT]: [
    "Tocsin duty-to-warn approval",
    "Defines the x-tocsin-duty-approval object: an approving party's signed approval of one decision (warn, or waive on " +
      "one ground) on one version of a determination.",
  ],
  [DUTY_POLICY_EXT]: [
    "Tocsin duty-to-warn policy",
    "Defines the x-tocsin-duty-policy object: the parties whose approval its author's warn decisions and waivers need.",
  ],
  [DUTY_ESCALATION_EXT]: [
    "Tocsin duty-to-warn escalation",
    "Defines the x-tocsin-duty-escalation object: a node's signed statement that a determination reached its deadline " +
      "with neither a warning nor a waiver.",
  ],
  [DUTY_REVEAL_EXT]: [
    "Tocsin duty-to-warn reveal",
    "Defines the x-tocsin-duty-reveal object: the salt and reasons that open a sealed waiver, addressed to named reviewers.",
  ],
  [WITNESS_ALARM_EXT]: [
    "Tocsin witness alarm",
    "Defines the x-tocsin-witness-alarm object: a node's signed statement, with its proof, that a transparency log showed " +
      "two histories — two checkpoints signed by the log's key of one size with different roots, or of two sizes with a " +
      "consistency path that leads to the larger root but not the smaller — verifiable offline by anyone.",
  ],
  [BOARD_EXT]: [
    "Tocsin attribution board",
    "Makes a grouping one saved state of an Analysis of Competing Hypotheses board: hypotheses, evidence items with " +
      "source, date, credibility, relevance and upstream source group, each analyst's ratings (CC, C, N, I, II, NA) and " +
      "comments, chained to the version it replaces by id and digest, so a board's history cannot be rewritten unnoticed.",
  ],
};

function schemaUrl(schema: object): string {
  const id = (schema as { $id?: unknown }).$id;
  if (typeof id !== "string") throw new Error("a Tocsin schema lacks its $id"); // a build-time invariant, checked by tests
  return id;
}

/** The STIX extension-definition objects of {@link TOCSIN_EXTENSIONS}, in the same order. */
export const TOCSIN_EXTENSION_DEFINITIONS: readonly StixExtensionDefinition[] = TOCSIN_EXTENSIONS.map((ext) => {
  const [name, description] = NAMES_AND_DESCRIPTIONS[ext.extensionId]!;
  return {
    type: "extension-definition",
    spec_version: "2.1",
    id: ext.extensionId,
    created: TOCSIN_DEFINITIONS_TIMESTAMP,
    modified: TOCSIN_DEFINITIONS_TIMESTAMP,
    created_by_ref: TOCSIN_IDENTITY_ID,
    name,
    description,
    schema: schemaUrl(ext.schema),
    version: "1.0.0",
    extension_types: [ext.extensionType],
    object_marking_refs: [TLP_CLEAR],
  };
});

/** The Tocsin extension with this id, or undefined. */
export function tocsinExtension(extensionId: string): TocsinExtension | undefined {
  return TOCSIN_EXTENSIONS.find((e) => e.extensionId === extensionId);
}
