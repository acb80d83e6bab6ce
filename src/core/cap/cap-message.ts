/*
 * The OASIS Common Alerting Protocol 1.2 message, as the elements of the OASIS schema
 * (vendor/cap-1.2/CAP-v1.2.xsd) in their schema order. Only the elements Tocsin writes or reads are
 * typed; the renderer (cap-xml.ts) writes them in exactly this order, as the schema's sequences demand.
 */

/** The CAP 1.2 XML namespace (CAP-v1.2-os §3.3.1). */
export const CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2";

export type CapStatus = "Actual" | "Exercise" | "System" | "Test" | "Draft";
export type CapMsgType = "Alert" | "Update" | "Cancel" | "Ack" | "Error";
export type CapScope = "Public" | "Restricted" | "Private";
export type CapUrgency = "Immediate" | "Expected" | "Future" | "Past" | "Unknown";
export type CapSeverity = "Extreme" | "Severe" | "Moderate" | "Minor" | "Unknown";
export type CapCertainty = "Observed" | "Likely" | "Possible" | "Unlikely" | "Unknown";
export type CapResponseType = "Shelter" | "Evacuate" | "Prepare" | "Execute" | "Avoid" | "Monitor" | "Assess" | "AllClear" | "None";

/** A `valueName`/`value` pair (`parameter`, `eventCode`, `geocode`). */
export interface CapValuePair {
  readonly valueName: string;
  readonly value: string;
}

/** An `area` block: a description and, optionally, WGS 84 polygons and circles as CAP writes them. */
export interface CapArea {
  readonly areaDesc: string;
  readonly polygons?: readonly string[];
  readonly circles?: readonly string[];
}

/** An `info` block (CAP-v1.2-os §3.2.2). Times are CAP date-times (capTime). */
export interface CapInfo {
  readonly language?: string;
  readonly categories: readonly "Security"[];
  readonly event: string;
  readonly responseTypes?: readonly CapResponseType[];
  readonly urgency: CapUrgency;
  readonly severity: CapSeverity;
  readonly certainty: CapCertainty;
  readonly audience?: string;
  readonly effective?: string;
  readonly onset?: string;
  readonly expires?: string;
  readonly senderName?: string;
  readonly headline?: string;
  readonly description?: string;
  readonly instruction?: string;
  readonly parameters?: readonly CapValuePair[];
  readonly areas?: readonly CapArea[];
}

/** The `alert` element (CAP-v1.2-os §3.2.1). */
export interface CapAlert {
  readonly identifier: string;
  readonly sender: string;
  readonly sent: string;
  readonly status: CapStatus;
  readonly msgType: CapMsgType;
  readonly source?: string;
  readonly scope: CapScope;
  readonly restriction?: string;
  readonly addresses?: string;
  readonly codes?: readonly string[];
  readonly note?: string;
  readonly references?: string;
  readonly incidents?: string;
  readonly infos: readonly CapInfo[];
}

/** The facts of a CAP message header that an Ack import reads (after schema validation). */
export interface CapHeader {
  readonly identifier: string;
  readonly sender: string;
  readonly sent: string;
  readonly status: CapStatus;
  readonly msgType: CapMsgType;
  readonly references?: string | undefined;
  readonly note?: string | undefined;
}
