import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { StixError, type StixJsonSchema } from "../core/stix/index.js";

/** Where the vendored OASIS STIX 2.1 schemas live, relative to the repository (package) root. */
export const STIX_SCHEMA_SUBDIR = join("vendor", "stix2.1-json-schemas", "schemas");

// Walks up from this module to the nearest package.json, so it resolves the same from src/ and from dist/.
/** The vendored OASIS schema directory under the package root. */
export function stixSchemaDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new StixError("STIX_SCHEMA_LOAD", "no package.json above " + import.meta.url);
    dir = parent;
  }
  return join(dir, STIX_SCHEMA_SUBDIR);
}

function jsonFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith(".json")) out.push(path);
  }
  return out;
}

// The one disk-touching step, meant to run once at start-up; files are read recursively in a stable order.
/** Reads every `*.json` schema (each with a `$id`) under `dir`, for `createStixValidator`. */
export function loadStixSchemas(dir: string = stixSchemaDir()): readonly StixJsonSchema[] {
  let files: string[];
  try {
    files = jsonFilesUnder(dir);
  } catch (cause) {
    throw new StixError("STIX_SCHEMA_LOAD", `cannot read the STIX schema directory ${dir}`, { details: { property: "" }, cause });
  }
  return files.map((file) => {
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(file, "utf8"));
    } catch (cause) {
      throw new StixError("STIX_SCHEMA_LOAD", `cannot parse ${file}`, { details: { property: "", file }, cause });
    }
    if (typeof schema !== "object" || schema === null || typeof (schema as { $id?: unknown }).$id !== "string") {
      throw new StixError("STIX_SCHEMA_LOAD", `${relative(dir, file)} has no $id`, { details: { property: "/$id", file } });
    }
    return schema as StixJsonSchema;
  });
}
