import { TocsinError } from "../core/errors/tocsin-error.js";

export type StoreErrorCode =
  | "STORE_FENCED" // the writer's lease epoch is stale, or the log grew under it
  | "STORE_UNAVAILABLE" // the database cannot be opened or reached
  | "STORE_SCHEMA_TOO_NEW" // the database was migrated by a newer Tocsin
  | "PARTY_EXISTS" // a party with that slug or id is already registered
  | "STORE_NOT_EMPTY" // `tocsin import` into a database that already holds a log or parties
  | "STORE_IMPORT_INVALID"; // an export file that is truncated, malformed or of another schema

export class StoreError extends TocsinError<StoreErrorCode> {}
