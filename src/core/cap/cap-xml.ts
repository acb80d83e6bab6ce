import { CAP_NAMESPACE, type CapAlert, type CapInfo } from "./cap-message.js";

/*
 * A CAP alert as XML text, written element by element in the schema's order. Every value is escaped as
 * XML character data; characters XML 1.0 cannot carry at all (C0 controls other than tab, newline and
 * carriage return, lone surrogates, U+FFFE and U+FFFF) become U+FFFD, so the output is always
 * well-formed whatever a warning's author typed.
 */

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as XML character data: & < > escaped, a carriage return kept as a reference (a parser would fold it). */
export function xmlText(value: string): string {
  return value
    .replace(NOT_XML_CHAR, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r/g, "&#13;");
}

const el = (name: string, value: string | undefined, indent: string): string[] => (value === undefined ? [] : [`${indent}<${name}>${xmlText(value)}</${name}>`]);

function infoXml(info: CapInfo): string[] {
  const i = "    ";
  return [
    "  <info>",
    ...el("language", info.language, i),
    ...info.categories.flatMap((c) => el("category", c, i)),
    ...el("event", info.event, i),
    ...(info.responseTypes ?? []).flatMap((r) => el("responseType", r, i)),
    ...el("urgency", info.urgency, i),
    ...el("severity", info.severity, i),
    ...el("certainty", info.certainty, i),
    ...el("audience", info.audience, i),
    ...el("effective", info.effective, i),
    ...el("onset", info.onset, i),
    ...el("expires", info.expires, i),
    ...el("senderName", info.senderName, i),
    ...el("headline", info.headline, i),
    ...el("description", info.description, i),
    ...el("instruction", info.instruction, i),
    ...(info.parameters ?? []).flatMap((p) => [`${i}<parameter>`, ...el("valueName", p.valueName, `${i}  `), ...el("value", p.value, `${i}  `), `${i}</parameter>`]),
    ...(info.areas ?? []).flatMap((a) => [
      `${i}<area>`,
      ...el("areaDesc", a.areaDesc, `${i}  `),
      ...(a.polygons ?? []).flatMap((p) => el("polygon", p, `${i}  `)),
      ...(a.circles ?? []).flatMap((c) => el("circle", c, `${i}  `)),
      `${i}</area>`,
    ]),
    "  </info>",
  ];
}

/** The alert as a UTF-8 XML document in the CAP 1.2 namespace. */
export function capAlertXml(alert: CapAlert): string {
  const i = "  ";
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<alert xmlns="${CAP_NAMESPACE}">`,
    ...el("identifier", alert.identifier, i),
    ...el("sender", alert.sender, i),
    ...el("sent", alert.sent, i),
    ...el("status", alert.status, i),
    ...el("msgType", alert.msgType, i),
    ...el("source", alert.source, i),
    ...el("scope", alert.scope, i),
    ...el("restriction", alert.restriction, i),
    ...el("addresses", alert.addresses, i),
    ...(alert.codes ?? []).flatMap((c) => el("code", c, i)),
    ...el("note", alert.note, i),
    ...el("references", alert.references, i),
    ...el("incidents", alert.incidents, i),
    ...alert.infos.flatMap(infoXml),
    "</alert>",
    "",
  ].join("\n");
}
