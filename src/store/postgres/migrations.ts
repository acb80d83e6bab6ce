/**
 * Forward-only schema versions of the PostgreSQL engine, numbered like the SQLite engine's
 * (src/store/sqlite/migrations.ts) so one version number means the same tables on both engines.
 * Version n's SQL runs once, in one transaction, on a database at version n − 1; the version itself
 * lives in `schema_version`. A database newer than this list is refused at open.
 *
 * Types: indices and sizes are BIGINT (read back as JavaScript numbers, exact to 2^53), hashes and
 * leaf bytes BYTEA, flags BOOLEAN. Table and column names are the SQLite engine's, so queries port
 * one to one and `tocsin export`/`import` move rows unchanged.
 */
export const PG_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE log_leaf (idx BIGINT PRIMARY KEY, data BYTEA NOT NULL, hash BYTEA NOT NULL);
      CREATE TABLE log_node (
        level SMALLINT NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL,
        PRIMARY KEY (level, idx)
      );
      CREATE TABLE log_checkpoint (
        size BIGINT PRIMARY KEY, root BYTEA NOT NULL, note TEXT NOT NULL, created_at TEXT NOT NULL
      );
      CREATE TABLE log_head (
        id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL,
        lease_holder TEXT, lease_epoch BIGINT NOT NULL, lease_expires_at BIGINT NOT NULL
      );
      INSERT INTO log_head (id, size, lease_holder, lease_epoch, lease_expires_at) VALUES (1, 0, NULL, 0, 0);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE party (
        id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        custodial BOOLEAN NOT NULL, organisation_id TEXT, created_at TEXT NOT NULL
      );
      CREATE TABLE party_key (
        party_id TEXT NOT NULL REFERENCES party (id), key_id TEXT NOT NULL, public_key BYTEA NOT NULL,
        created_at TEXT NOT NULL, retired_at TEXT,
        PRIMARY KEY (party_id, key_id)
      );
      CREATE TABLE party_token (
        token_hash BYTEA PRIMARY KEY, party_id TEXT NOT NULL REFERENCES party (id),
        created_at TEXT NOT NULL, revoked_at TEXT
      );
      CREATE TABLE party_relation (
        kind TEXT NOT NULL, party_id TEXT NOT NULL REFERENCES party (id), target TEXT NOT NULL,
        PRIMARY KEY (kind, party_id, target)
      );
      CREATE TABLE record (
        digest BYTEA PRIMARY KEY,
        id TEXT NOT NULL, modified TEXT NOT NULL, type TEXT NOT NULL, kind TEXT NOT NULL,
        author TEXT NOT NULL, warning_ref TEXT, log_index BIGINT NOT NULL UNIQUE,
        logged_at TEXT NOT NULL, added_us BIGINT NOT NULL UNIQUE, custodial BOOLEAN NOT NULL,
        body TEXT NOT NULL
      );
      CREATE UNIQUE INDEX record_version ON record (id, modified);
      CREATE INDEX record_warning ON record (warning_ref, log_index);
      CREATE INDEX record_kind ON record (kind, log_index);
    `,
  },
  {
    // TAXII, as SQLite's version 3: tombstones, status resources, type + added_us for match[type] paging.
    version: 3,
    sql: `
      CREATE TABLE record_tombstone (
        digest BYTEA PRIMARY KEY REFERENCES record (digest), log_index BIGINT NOT NULL UNIQUE
      );
      CREATE TABLE taxii_status (
        id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_ms BIGINT NOT NULL, body TEXT NOT NULL
      );
      CREATE INDEX taxii_status_created ON taxii_status (created_ms);
      CREATE INDEX record_type_added ON record (type, added_us);
    `,
  },
];
