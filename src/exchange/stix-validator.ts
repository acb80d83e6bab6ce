import { TOCSIN_EXTENSIONS } from "../core/record/index.js";
import { createStixValidator, type StixValidator } from "../core/stix/index.js";
import { loadStixSchemas } from "./stix-schema-loader.js";

let cachedValidator: StixValidator | undefined;

/** The STIX validator with Tocsin's extensions; compiled once per thread (the schemas are large). */
export function stixValidator(): StixValidator {
  cachedValidator ??= createStixValidator({ schemas: loadStixSchemas(), extensionSchemas: TOCSIN_EXTENSIONS });
  return cachedValidator;
}
