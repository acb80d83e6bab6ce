import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { capAlertXml, capAckOf, type CapAlert } from "../core/cap/index.js";
import { CapError } from "../core/cap/index.js";
import { capSchemaProblems, readCapMessage } from "./cap-xml-reader.js";

const ack = (note: string): CapAlert => ({
  ...capAckOf([{ sender: "identity--s", identifier: "report--0b000000-0000-4000-8000-000000000001@2026-03-06T09:00:00.000Z", sent: "2026-03-06T09:00:00+00:00" }], { sender: "venue", identifier: "ack-1", at: Date.parse("2026-03-06T09:20:00Z") }),
  note,
});

test("any text a party types survives the XML: rendered, parsed and schema-checked, it reads back as written (XML 1.0 characters)", async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 40 }), fc.constantFrom("\u0000", "\r\n", "\uD800x", "]]>", "<!DOCTYPE x>", "&amp;", "\uFFFE")), async (text) => {
      const xml = capAlertXml(ack(text));
      assert.deepEqual(await capSchemaProblems(xml), []);
      const header = await readCapMessage(xml);
      // XML 1.0 cannot carry C0 controls (other than tab, newline, CR) or U+FFFE/U+FFFF: written as U+FFFD.
      assert.equal(header.note, text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD"));
    }),
    { numRuns: 150 },
  );
});

test("the header of a valid Ack is read after validation; a DTD found only by the parser is refused too", async () => {
  const h = await readCapMessage(Buffer.from(capAlertXml(ack("ok"))));
  assert.equal(h.msgType, "Ack");
  assert.equal(h.sender, "venue");
  assert.match(h.references!, /^identity--s,report--/);
  // A declaration the text check cannot see without decoding (UTF-16 bytes) never parses as UTF-8.
  const utf16 = Buffer.from("\uFEFF" + '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a/>', "utf16le");
  await assert.rejects(readCapMessage(utf16), (e: unknown) => e instanceof CapError && e.code === "CAP_XML_MALFORMED");
});
