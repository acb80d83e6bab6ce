/**
 * The schema DDL exactly as the two engines' migration lists wrote it before the schema had one source
 * (src/store/schema.ts), kept so a test can prove that databases created by that code and by the
 * rendered schema are identical (src/store/schema.test.ts). Test data: never edit, never import from
 * production code.
 */
export const LEGACY_SQLITE_MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE log_leaf (idx INTEGER PRIMARY KEY, data BLOB NOT NULL, hash BLOB NOT NULL);
      CREATE TABLE log_node (
        level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
        PRIMARY KEY (level, idx)
      ) WITHOUT ROWID;
      CREATE TABLE log_checkpoint (
        size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, created_at TEXT NOT NULL
      );
      CREATE TABLE log_head (
        id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL,
        lease_holder TEXT, lease_epoch INTEGER NOT NULL, lease_expires_at INTEGER NOT NULL
      );
      INSERT INTO log_head (id, size, lease_holder, lease_epoch, lease_expires_at) VALUES (1, 0, NULL, 0, 0);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE party (
        id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        custodial INTEGER NOT NULL, organisation_id TEXT, created_at TEXT NOT NULL
      );
      CREATE TABLE party_key (
        party_id TEXT NOT NULL REFERENCES party (id), key_id TEXT NOT NULL, public_key BLOB NOT NULL,
        created_at TEXT NOT NULL, retired_at TEXT,
        PRIMARY KEY (party_id, key_id)
      );
      CREATE TABLE party_token (
        token_hash BLOB PRIMARY KEY, party_id TEXT NOT NULL REFERENCES party (id),
        created_at TEXT NOT NULL, revoked_at TEXT
      );
      CREATE TABLE party_relation (
        kind TEXT NOT NULL, party_id TEXT NOT NULL REFERENCES party (id), target TEXT NOT NULL,
        PRIMARY KEY (kind, party_id, target)
      );
      CREATE TABLE record (
        digest BLOB PRIMARY KEY,
        id TEXT NOT NULL, modified TEXT NOT NULL, type TEXT NOT NULL, kind TEXT NOT NULL,
        author TEXT NOT NULL, warning_ref TEXT, log_index INTEGER NOT NULL UNIQUE,
        logged_at TEXT NOT NULL, added_us INTEGER NOT NULL UNIQUE, custodial INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE UNIQUE INDEX record_version ON record (id, modified);
      CREATE INDEX record_warning ON record (warning_ref, log_index);
      CREATE INDEX record_kind ON record (kind, log_index);
    `,
  },
  {
    // TAXII: tombstones mark deleted record versions (the record row and its leaf stay, so history is
    // provable); status resources are kept for polling; type + added_us serves match[type] paging.
    version: 3,
    sql: `
      CREATE TABLE record_tombstone (
        digest BLOB PRIMARY KEY REFERENCES record (digest), log_index INTEGER NOT NULL UNIQUE
      );
      CREATE TABLE taxii_status (
        id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_ms INTEGER NOT NULL, body TEXT NOT NULL
      );
      CREATE INDEX taxii_status_created ON taxii_status (created_ms);
      CREATE INDEX record_type_added ON record (type, added_us);
    `,
  },
];

export const LEGACY_PG_MIGRATIONS: readonly { version: number; sql: string }[] = [
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
