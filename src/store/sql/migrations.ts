import { StoreError } from "../store-errors.js";
import { stepSql, type Dialect } from "./dialect.js";
import { LATEST_SCHEMA_VERSION, SCHEMA } from "./schema.js";

/** The versions to apply, each as one script of the engine's dialect, and the version reached. */
export interface MigrationPlan {
  readonly from: number;
  readonly to: number;
  readonly versions: readonly { readonly version: number; readonly sql: string }[];
}

/**
 * The one migration rule of both engines: forward only, version n runs once on a database at n − 1,
 * up to `target` (default the latest); a database newer than this build is refused. The engine runs
 * the plan in one transaction and records the version its own way (SQLite `user_version`,
 * PostgreSQL's `schema_version` row).
 */
export function planMigration(d: Dialect, from: number, target = LATEST_SCHEMA_VERSION): MigrationPlan {
  if (from > LATEST_SCHEMA_VERSION) {
    throw new StoreError("STORE_SCHEMA_TOO_NEW", `database schema ${from} is newer than this Tocsin (${LATEST_SCHEMA_VERSION})`);
  }
  const versions = SCHEMA.filter((v) => v.version > from && v.version <= target).map((v) => ({
    version: v.version,
    sql: v.steps.flatMap((s) => {
      const sql = stepSql(d, s);
      return sql === "" ? [] : [`${sql};`];
    }).join("\n"),
  }));
  return { from, to: Math.max(from, Math.min(target, LATEST_SCHEMA_VERSION)), versions };
}
