import type { FastifyError } from "fastify";
import { Type, type TObject, type TProperties } from "typebox";
import { TocsinError } from "../core/errors/tocsin-error.js";
import { isStixId } from "../core/record/index.js";

/*
 * Request parameters declared by schema (TypeBox, validated by Fastify's Ajv) and the one translation
 * of a schema failure into Tocsin's codes: a path or query parameter is HTTP_BAD_PARAMETER naming the
 * parameter, a body HTTP_BAD_REQUEST_BODY. Ajv neither coerces ("abc" is not a limit of 0, "1" stays
 * text until the route reads it) nor drops unknown members: a query parameter a route does not
 * declare is refused, so a typo is an error, not a silent default.
 */

const DECIMAL = /^(?:0|[1-9][0-9]{0,15})$/;

/** Tocsin's own string formats: the test, and what a failure tells the client. */
const FORMATS: Readonly<Record<string, { readonly test: (s: string) => boolean; readonly why: string }>> = {
  // No sign, no leading zeros, at most 2^53 − 1.
  "tocsin-decimal": { test: (s) => DECIMAL.test(s) && Number.isSafeInteger(Number(s)), why: "must be a non-negative decimal integer" },
  "tocsin-warning-id": { test: (s) => isStixId(s, "report"), why: "must be a warning id, report--<uuid>" },
};

/** Fastify's `ajv` option: no coercion, no removal, no defaults (see above), and Tocsin's formats. */
export const AJV_OPTIONS = {
  customOptions: {
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: false,
    allErrors: false,
    formats: Object.fromEntries(Object.entries(FORMATS).map(([name, f]) => [name, f.test])),
  },
} as const;

/** A parameter that is a non-negative decimal integer (read it with `decimal`). */
export const Decimal = () => Type.String({ format: "tocsin-decimal" });

/** A path parameter that names a warning: a STIX report id. */
export const WarningId = () => Type.String({ format: "tocsin-warning-id" });

/** The value of a parameter the schema checked as Decimal. */
export const decimal = (text: string): number => Number(text);

/** A query string of exactly these parameters (each optional unless declared otherwise). */
export const Query = <T extends TProperties>(properties: T): TObject<T> => Type.Object(properties, { additionalProperties: false });

/** A route that takes no query parameters at all. */
export const NoQuery = Query({});

/**
 * A route that ignores its query string (the static log paths, whose clients may add cache-busting
 * parameters): declared, so that no route is without a schema, but never refused.
 */
export const IgnoredQuery = Type.Object({}, { additionalProperties: true });

/** Path parameters: every one named in the route's URL. */
export const Params = <T extends TProperties>(properties: T): TObject<T> => Type.Object(properties, { additionalProperties: false });

/** A JSON body whose shape the application service checks (and refuses with its own codes). */
export const CheckedByService = Type.Unknown();

/** Fastify's FST_ERR_VALIDATION as the coded error a client has always seen for that input. */
export function schemaError(e: FastifyError): TocsinError {
  if (e.validationContext === "body") return new TocsinError("HTTP_BAD_REQUEST_BODY", e.message);
  const first = e.validation?.[0];
  const param = (p: string): string => p.replace(/~1/g, "/").replace(/~0/g, "~");
  const params: Record<string, unknown> = first?.params ?? {};
  if (first?.keyword === "additionalProperties") {
    const name = String(params.additionalProperty);
    return new TocsinError("HTTP_BAD_PARAMETER", `unknown parameter ${name}`, { details: { parameter: name } });
  }
  const name = first?.keyword === "required" ? String(params.missingProperty) : param(first?.instancePath.split("/")[1] ?? "");
  const allowed = (e.validation ?? []).flatMap((v) => (v.keyword === "const" && v.instancePath === first?.instancePath ? [String(v.params.allowedValue)] : []));
  const why =
    first?.keyword === "format" && FORMATS[String(params.format)]
      ? FORMATS[String(params.format)]!.why
      : first?.keyword === "required"
        ? "is required"
        : first?.keyword === "type"
          ? "must be given once, as text"
          : allowed.length > 0
            ? `must be one of ${allowed.join(", ")}`
            : (first?.message ?? "is not valid");
  return new TocsinError("HTTP_BAD_PARAMETER", `${name} ${why}`, { details: { parameter: name } });
}
