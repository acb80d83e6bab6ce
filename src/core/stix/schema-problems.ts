import type { ErrorObject, ValidateFunction } from "ajv";
import { pointerJoin, pointerWithin } from "./json-pointer.js";
import type { StixErrorCode, StixProblem } from "./stix-errors.js";

/** What the Ajv-error mapping needs from the validator: branch lookup for oneOf/anyOf, and a code per error. */
export type SchemaProblemContext = {
  /** The compiled validator of one oneOf/anyOf alternative (`keyword` "oneOf"/"anyOf", index `i`), if known. */
  readonly branch: (parentSchema: object, keyword: string, i: number) => ValidateFunction | undefined;
  /** The problem code for one Ajv error. */
  readonly codeOf: (e: ErrorObject) => StixErrorCode;
  /** A better message than Ajv's for some errors (e.g. a timestamp pattern), else undefined. */
  readonly describe?: (e: ErrorObject) => string | undefined;
};

const ALTERNATIVES = new Set(["oneOf", "anyOf"]);
// Keywords whose failure mostly says "this is the wrong alternative" rather than "this alternative is nearly right".
const DISCRIMINATING = new Set(["enum", "const", "not", "type", "oneOf", "anyOf", "false schema"]);

const schemaIds = new WeakMap<object, number>();
let nextSchemaId = 0;
const schemaKey = (s: unknown): number => {
  if (typeof s !== "object" || s === null) return -1;
  let id = schemaIds.get(s);
  if (id === undefined) schemaIds.set(s, (id = nextSchemaId++));
  return id;
};
const errorKey = (e: ErrorObject): string => `${e.instancePath}\u0000${e.keyword}\u0000${e.message}\u0000${schemaKey(e.parentSchema)}`;

const score = (errors: readonly ErrorObject[]): number => errors.reduce((n, e) => n + (DISCRIMINATING.has(e.keyword) ? 3 : 1), 0);

function branchErrors(e: ErrorObject, ctx: SchemaProblemContext): ErrorObject[][] | undefined {
  if (!Array.isArray(e.schema) || typeof e.parentSchema !== "object") return undefined;
  const out: ErrorObject[][] = [];
  for (let i = 0; i < e.schema.length; i++) {
    const v = ctx.branch(e.parentSchema, e.keyword, i);
    if (v === undefined) return undefined;
    out.push(v(e.data) ? [] : (v.errors ?? []).map((x) => ({ ...x, instancePath: e.instancePath + x.instancePath })));
  }
  return out;
}

/** The single most plausible explanation of a failed oneOf/anyOf, from its (already pruned) alternatives. */
function explainAlternatives(e: ErrorObject, branches: readonly ErrorObject[][]): ErrorObject[] {
  if (branches.some((b) => b.length === 0)) return [e]; // oneOf with several passing alternatives
  const best = Math.min(...branches.map(score));
  const winners = branches.filter((b) => score(b) === best);
  const first = winners[0] as ErrorObject[];
  if (winners.every((w) => w.map(errorKey).join("\n") === first.map(errorKey).join("\n"))) return first;
  // A tie between genuinely different alternatives (e.g. file needs `hashes` or `name`): one summary.
  const options = winners.map((w) => {
    const x = w[0] as ErrorObject;
    const where = x.instancePath.slice(e.instancePath.length);
    return `${where ? where + " " : ""}${messageOf(x)}`;
  });
  return [{ ...e, message: `must satisfy one of the alternatives (${[...new Set(options)].join(" | ")})` }];
}

// Each failed oneOf/anyOf is re-run alternative by alternative (compiled from its absolute location), which
// tells which of Ajv's errors belong to its cascade; they are replaced by the closest alternative's errors.
// `if` summaries are dropped (the `then` errors say more). Errors are walked last-first because Ajv reports
// an alternative's errors before the oneOf/anyOf error itself.
/** Replaces every failed oneOf/anyOf and its cascade by the errors of the closest alternative. */
export function pruneAlternatives(errors: readonly ErrorObject[], ctx: SchemaProblemContext): ErrorObject[] {
  const consumed = new Array<boolean>(errors.length).fill(false);
  const kept: ErrorObject[][] = [];
  for (let i = errors.length - 1; i >= 0; i--) {
    const e = errors[i] as ErrorObject;
    if (consumed[i] || e.keyword === "if") continue;
    if (!ALTERNATIVES.has(e.keyword)) {
      kept.push([e]);
      continue;
    }
    const branches = branchErrors(e, ctx);
    if (branches === undefined) {
      kept.push([e]);
      continue;
    }
    const cascade = new Set(branches.flat().map(errorKey));
    for (let j = 0; j < i; j++) {
      const x = errors[j] as ErrorObject;
      if (!consumed[j] && pointerWithin(x.instancePath, e.instancePath) && cascade.has(errorKey(x))) consumed[j] = true;
    }
    kept.push(explainAlternatives(e, branches.map((b) => pruneAlternatives(b, ctx))));
  }
  return kept.reverse().flat();
}

function messageOf(e: ErrorObject): string {
  const m = e.message ?? `fails "${e.keyword}"`;
  if (e.keyword === "enum" && Array.isArray(e.params["allowedValues"])) {
    return `${m}: ${(e.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return m;
}

/** Reserved names (STIX 2.1 §3.1) are expressed as `not: { anyOf: [{ required: [name] }, …] }` in core.json. */
function reservedNames(e: ErrorObject): string[] | undefined {
  const not = e.schema as { anyOf?: unknown } | undefined;
  if (e.keyword !== "not" || !Array.isArray(not?.anyOf) || typeof e.data !== "object" || e.data === null) return undefined;
  const names = not.anyOf.flatMap((s: { required?: unknown }) => (Array.isArray(s?.required) ? (s.required as string[]) : []));
  const present = names.filter((n) => Object.hasOwn(e.data as object, n));
  return present.length > 0 ? present : undefined;
}

// `property` is an RFC 6901 JSON Pointer from the validated object's root (`base` prefixes it): Ajv's
// instancePath, extended by the missing name for `required` and the offending name for `additionalProperties`.
/** Maps Ajv errors (compiled with `allErrors` and `verbose`) to problems naming JSON Pointers. */
export function problemsFromAjvErrors(errors: readonly ErrorObject[], ctx: SchemaProblemContext, base = ""): StixProblem[] {
  const out: StixProblem[] = [];
  for (const e of pruneAlternatives(errors, ctx)) {
    const at = base + e.instancePath;
    const reserved = reservedNames(e);
    if (reserved !== undefined) {
      for (const n of reserved) out.push({ code: ctx.codeOf(e), property: pointerJoin(at, n), keyword: e.keyword, message: `"${n}" is a reserved property name (§3.1)` });
      continue;
    }
    let property = at;
    if (e.keyword === "required" && typeof e.params["missingProperty"] === "string") property = pointerJoin(at, e.params["missingProperty"]);
    if (e.keyword === "additionalProperties" && typeof e.params["additionalProperty"] === "string") {
      property = pointerJoin(at, e.params["additionalProperty"]);
    }
    out.push({ code: ctx.codeOf(e), property, keyword: e.keyword, message: ctx.describe?.(e) ?? messageOf(e) });
  }
  return out;
}
