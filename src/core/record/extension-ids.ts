/**
 * The fixed STIX identifiers of Tocsin's own extension definitions (STIX 2.1 §7.3) and of the project
 * identity that created them. They are part of the wire format: never change one; a new version of an
 * extension gets a new id.
 */

/** The Tocsin project, `created_by_ref` of every extension definition below. */
export const TOCSIN_IDENTITY_ID = "identity--1fcc52c6-a55e-4476-b2c6-832469b70fc6";

/** Property extension (any object): the author's Ed25519 signature over the record (schema signature-v1). */
export const SIGNATURE_EXT = "extension-definition--0e99f551-135d-42e5-bb1f-a4638591bd32";

/** Property extension on `report`: makes a threat report a Tocsin warning (schema warning-v1). */
export const WARNING_EXT = "extension-definition--0de8ec1e-9148-4c81-950a-43f78d514dc7";

/** Property extension on `course-of-action`: a recipient's action on a warning (schema action-v1). */
export const ACTION_EXT = "extension-definition--68874b5c-280e-4e13-82cb-8aa768f40223";

/** Property extension on `note`: the outcome of a warning (schema resolution-v1). */
export const RESOLUTION_EXT = "extension-definition--9872a551-346b-4695-9410-a2a0d9fb487d";

/** New SDO `x-tocsin-receipt`: "we received exactly this warning version" (schema receipt-v1). */
export const RECEIPT_EXT = "extension-definition--0cdec084-8846-4476-9a95-bbf1590f5705";

/** New SDO `x-tocsin-reveal`: salt and evidence opening an earlier commitment (schema reveal-v1). */
export const REVEAL_EXT = "extension-definition--873ff163-6851-4f79-b0eb-e65a0f8bba1a";

/** New SDO `x-tocsin-escalation`: the node's statement that a recipient missed a deadline (schema escalation-v1). */
export const ESCALATION_EXT = "extension-definition--d10cbdfc-3289-4bea-ad8e-8075aa81805e";

/** New SDO `x-tocsin-key-event`: a logged change of a party's keys or tokens (schema key-event-v1). */
export const KEY_EVENT_EXT = "extension-definition--7bc7abed-f00b-4d58-a977-530f167376fb";

/** New SDO `x-tocsin-witness-alarm`: a node's signed, offline-verifiable proof of a log's split view (schema witness-alarm-v1). */
export const WITNESS_ALARM_EXT = "extension-definition--d87a7df3-c9e6-4fbd-9bfb-f7a6df82ff04";

/** Property extension on `identity`: a party's slug, custodial flag, organisation and signing keys (schema party-v1). */
export const PARTY_EXT = "extension-definition--3639b3ec-083c-480c-b386-a8a5c84b6b3b";

/** Property extension on `grouping`: one saved state of an attribution (ACH) board (schema board-v1). */
export const BOARD_EXT = "extension-definition--2194259a-42b2-43fb-b25c-f76d6143aedd";

/** The STIX types of Tocsin's new SDOs. */
export const RECEIPT_TYPE = "x-tocsin-receipt";
export const REVEAL_TYPE = "x-tocsin-reveal";
export const ESCALATION_TYPE = "x-tocsin-escalation";
export const KEY_EVENT_TYPE = "x-tocsin-key-event";
export const WITNESS_ALARM_TYPE = "x-tocsin-witness-alarm";

/** New SDO `x-tocsin-determination`: a party holds credible, specific information of a threat to people (schema determination-v1). */
export const DETERMINATION_EXT = "extension-definition--56c184c6-f7c4-49e4-8341-665e363865d0";
/** New SDO `x-tocsin-duty-decision`: warn (the sanitised warnings) or waive (a ground of ICD 191) (schema duty-decision-v1). */
export const DUTY_DECISION_EXT = "extension-definition--3402a370-b0fb-4ca1-8043-ef5df3828f44";
/** New SDO `x-tocsin-duty-approval`: a party approves a decision on a determination (schema duty-approval-v1). */
export const DUTY_APPROVAL_EXT = "extension-definition--04ba41c8-e6b3-4179-9655-14b934258a59";
/** New SDO `x-tocsin-duty-policy`: which approvals a party's warn and waive decisions need (schema duty-policy-v1). */
export const DUTY_POLICY_EXT = "extension-definition--fe6bf451-7c60-4acd-832d-499034e1627f";
/** New SDO `x-tocsin-duty-escalation`: the node's statement that a determination passed its deadline undecided (schema duty-escalation-v1). */
export const DUTY_ESCALATION_EXT = "extension-definition--5d7d6d47-51a1-4d4f-bd1c-8b3e67d11a57";
/** New SDO `x-tocsin-duty-reveal`: the sealed reasons of a waiver opened to named reviewers (schema duty-reveal-v1). */
export const DUTY_REVEAL_EXT = "extension-definition--179ccb80-64cc-4438-8aa6-ebc4b56f2e78";

export const DETERMINATION_TYPE = "x-tocsin-determination";
export const DUTY_DECISION_TYPE = "x-tocsin-duty-decision";
export const DUTY_APPROVAL_TYPE = "x-tocsin-duty-approval";
export const DUTY_POLICY_TYPE = "x-tocsin-duty-policy";
export const DUTY_ESCALATION_TYPE = "x-tocsin-duty-escalation";
export const DUTY_REVEAL_TYPE = "x-tocsin-duty-reveal";
