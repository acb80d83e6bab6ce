import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CapError, type CapHeader, type CapMsgType, type CapStatus } from "../core/cap/index.js";
import { CAP_NAMESPACE } from "../core/cap/index.js";

/*
 * Reading CAP XML from outside: the one place Tocsin parses XML, with libxml2 (libxml2-wasm, in
 * WebAssembly: no file system or network of its own). Untrusted input, so, in order:
 *   1. at most MAX_CAP_BYTES, refused before parsing;
 *   2. strict UTF-8 (an XML declaration naming another encoding is refused);
 *   3. no document type declaration at all: `<!DOCTYPE` or `<!ENTITY` anywhere is refused, so no
 *      internal or external entity, DTD or parameter entity is ever declared, let alone expanded
 *      (XXE, "billion laughs");
 *   4. parsed without entity substitution (no XML_PARSE_NOENT), without DTD loading
 *      (no XML_PARSE_DTDLOAD), with XML_PARSE_NO_XXE and XML_PARSE_NONET as a second fence, and a parsed
 *      document that still carries a DTD is refused;
 *   5. validated against the vendored OASIS CAP 1.2 schema before a single value is read.
 * Every failure is a coded CapError (4xx); nothing is stored by this module.
 */

/** An Ack is a few hundred bytes; an exported alert a few KiB. */
export const MAX_CAP_BYTES = 64 * 1024;

/** Where the vendored OASIS schema lives, relative to the package root. */
export const CAP_SCHEMA_FILE = join("vendor", "cap-1.2", "CAP-v1.2.xsd");

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("no package.json above " + import.meta.url);
    dir = parent;
  }
  return dir;
}

type LibXml = typeof import("libxml2-wasm");

interface CapSchema {
  readonly lib: LibXml;
  readonly validator: import("libxml2-wasm").XsdValidator;
}

let schema: Promise<CapSchema> | undefined;

/**
 * libxml2 and the compiled schema, loaded on first use (most commands never read XML, and the
 * WebAssembly module takes a moment to instantiate); kept for the life of the process.
 */
function capSchema(): Promise<CapSchema> {
  schema ??= (async () => {
    const lib = await import("libxml2-wasm");
    const xsd = lib.XmlDocument.fromString(readFileSync(join(packageRoot(), CAP_SCHEMA_FILE), "utf8"), { option: safeParseOptions(lib) });
    try {
      return { lib, validator: lib.XsdValidator.fromDoc(xsd) };
    } finally {
      xsd.dispose();
    }
  })();
  return schema;
}

function safeParseOptions(lib: LibXml): number {
  const o = lib.ParseOption;
  return o.XML_PARSE_NONET | o.XML_PARSE_NO_XXE | o.XML_PARSE_NOERROR | o.XML_PARSE_NOWARNING;
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });
const DECLARATION_ENCODING = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']/;

/** The text of a CAP document, after the checks that need no parser (size, encoding, no DTD). */
function capText(input: Uint8Array | string): string {
  const bytes = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (bytes > MAX_CAP_BYTES) throw new CapError("CAP_XML_TOO_LARGE", `a CAP document is at most ${MAX_CAP_BYTES} bytes; this one is ${bytes}`, { details: { max_bytes: MAX_CAP_BYTES } });
  let text: string;
  try {
    text = typeof input === "string" ? input : fatalUtf8.decode(input);
  } catch (cause) {
    throw new CapError("CAP_XML_MALFORMED", "the document is not UTF-8", { cause });
  }
  const declared = DECLARATION_ENCODING.exec(text)?.[1];
  if (declared !== undefined && !/^utf-?8$/i.test(declared)) throw new CapError("CAP_XML_MALFORMED", `the document declares encoding ${declared}; CAP is read as UTF-8 only`);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new CapError("CAP_XML_DOCTYPE", "the document has a document type declaration; DTDs and entities are refused");
  return text.replace(/^\uFEFF/, "");
}

/**
 * Parses and validates a CAP 1.2 document (an Ack, or any alert) and returns its header; the caller
 * decides what the message may do. Refusals: CAP_XML_TOO_LARGE, CAP_XML_MALFORMED, CAP_XML_DOCTYPE,
 * CAP_SCHEMA_INVALID.
 */
export async function readCapMessage(input: Uint8Array | string): Promise<CapHeader> {
  const text = capText(input);
  const { lib, validator } = await capSchema();
  let doc: import("libxml2-wasm").XmlDocument;
  try {
    doc = lib.XmlDocument.fromString(text, { option: safeParseOptions(lib) });
  } catch (cause) {
    throw new CapError("CAP_XML_MALFORMED", `the document is not well-formed XML${cause instanceof lib.XmlParseError ? `: ${firstLine(cause.message)}` : ""}`, { cause });
  }
  try {
    if (doc.dtd !== null) throw new CapError("CAP_XML_DOCTYPE", "the document has a document type declaration; DTDs and entities are refused");
    try {
      validator.validate(doc);
    } catch (cause) {
      const problems = cause instanceof lib.XmlValidateError ? cause.details.map((d) => firstLine(d.message)).slice(0, 10) : [firstLine((cause as Error).message)];
      throw new CapError("CAP_SCHEMA_INVALID", `not valid against the OASIS CAP 1.2 schema: ${problems[0] ?? "invalid"}`, { details: { problems }, cause });
    }
    const ns = { cap: CAP_NAMESPACE };
    const child = (name: string): string | undefined => doc.root.get(`cap:${name}`, ns)?.content;
    return {
      identifier: child("identifier") ?? "",
      sender: child("sender") ?? "",
      sent: child("sent") ?? "",
      status: (child("status") ?? "") as CapStatus,
      msgType: (child("msgType") ?? "") as CapMsgType,
      references: child("references"),
      note: child("note"),
    };
  } finally {
    doc.dispose();
  }
}

/** The schema's complaints about a document (empty: valid); for the export's own tests and checks. */
export async function capSchemaProblems(xml: string): Promise<string[]> {
  try {
    await readCapMessage(xml);
    return [];
  } catch (e) {
    if (e instanceof CapError) return e.code === "CAP_SCHEMA_INVALID" ? ((e.details?.problems as string[]) ?? [e.message]) : [`${e.code}: ${e.message}`];
    throw e;
  }
}

const firstLine = (s: string): string => s.split("\n").find((l) => l.trim() !== "")?.trim() ?? s;
