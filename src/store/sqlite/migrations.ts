/**
 * Forward-only schema versions of the SQLite engine. Version n's SQL runs once, in a transaction,
 * on a database at version n − 1; a database newer than this list is refused at open.
 *
 * Why these shapes: leaves keep their hash beside their bytes (tiles of level 0 and proofs read it,
 * audit recomputes it); every complete interior node is one row keyed (level, index), which makes an
 * append O(1) amortised rows and a proof O(log n) point reads — the tlog-tiles model, one hash per
 * row so no partial tile is ever rewritten. WITHOUT ROWID stores the node rows in their key order.
 */
export const SQLITE_MIGRATIONS: readonly { version: number; sql: string }[] = [
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
