import type { Migration } from './types';

/**
 * Frozen once released. Consent and privacy (CNIL):
 *
 * - `consent_wordings`: the exact texts shown, versioned per purpose with a
 *   content hash. Editing a wording adds a version; old events keep theirs.
 * - `consent_events`: the append-only ledger (granted, withdrawn, objected,
 *   informed = told at collection and able to object, which is what the
 *   existing-customer exception needs). The database itself refuses updates
 *   and deletes; `ledger_gate` opens only inside the procedures allowed to
 *   touch it, within their own transaction: 'erasure' may delete (a person
 *   erased, an import undone), 'merge' may move events to another contact.
 * - `consent_state`: the current state per contact, channel and purpose,
 *   derived from the ledger by triggers (so every writer keeps it right) and
 *   indexed so "contactable by e-mail for offers" is a lookup, not a replay.
 *   An objection is permanent; an older event recorded late never overrides
 *   a newer one.
 * - `suppression`: only salted hashes of normalised e-mails and phones, so a
 *   re-import cannot make an objecting or erased person contactable again.
 * - `privacy_requests`, `erasure_log` (ids and hashes only: re-applied after a
 *   backup restore), `audit_log` (append-only, no personal data in `detail`),
 *   `contact_archive` (retention: archived records leave the live base),
 *   `data_breaches` (the breach register the CNIL expects).
 */
export const migration0007: Migration = {
  version: 7,
  name: 'privacy',
  up(db) {
    db.exec(`
      CREATE TABLE ledger_gate (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        open TEXT CHECK (open IN ('erasure', 'merge'))
      ) STRICT;
      INSERT INTO ledger_gate (id, open) VALUES (1, NULL);

      CREATE TABLE consent_wordings (
        id INTEGER PRIMARY KEY,
        purpose TEXT NOT NULL CHECK (purpose IN ('newsletter', 'offers', 'loyalty', 'partners')),
        version INTEGER NOT NULL,
        text TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (purpose, version)
      ) STRICT;
      CREATE TRIGGER consent_wordings_no_update BEFORE UPDATE ON consent_wordings
      BEGIN SELECT RAISE(ABORT, 'consent wordings are append-only: add a version'); END;
      CREATE TRIGGER consent_wordings_no_delete BEFORE DELETE ON consent_wordings
      BEGIN SELECT RAISE(ABORT, 'consent wordings are append-only'); END;

      CREATE TABLE consent_events (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'phone', 'post')),
        purpose TEXT NOT NULL CHECK (purpose IN ('newsletter', 'offers', 'loyalty', 'partners')),
        event TEXT NOT NULL CHECK (event IN ('granted', 'withdrawn', 'objected', 'informed')),
        at TEXT NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('paper', 'counter', 'website', 'phone', 'email', 'import', 'system')),
        operator TEXT NOT NULL,
        wording_id INTEGER REFERENCES consent_wordings (id),
        source_file TEXT,
        source_line INTEGER,
        import_id INTEGER,
        recorded_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX consent_events_by_contact ON consent_events (contact_id, at, id);
      CREATE INDEX consent_events_by_import ON consent_events (import_id) WHERE import_id IS NOT NULL;

      CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
      WHEN (SELECT open FROM ledger_gate) IS NOT 'merge'
        OR NEW.id IS NOT OLD.id OR NEW.channel IS NOT OLD.channel OR NEW.purpose IS NOT OLD.purpose
        OR NEW.event IS NOT OLD.event OR NEW.at IS NOT OLD.at OR NEW.method IS NOT OLD.method
        OR NEW.operator IS NOT OLD.operator OR NEW.wording_id IS NOT OLD.wording_id
        OR NEW.source_file IS NOT OLD.source_file OR NEW.source_line IS NOT OLD.source_line
        OR NEW.import_id IS NOT OLD.import_id OR NEW.recorded_at IS NOT OLD.recorded_at
      BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
      CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
      WHEN (SELECT open FROM ledger_gate) IS NOT 'erasure'
      BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;

      CREATE TABLE consent_state (
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        purpose TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('unknown', 'granted', 'withdrawn', 'objected')),
        informed INTEGER NOT NULL DEFAULT 0 CHECK (informed IN (0, 1)),
        at TEXT NOT NULL,
        event_id INTEGER NOT NULL,
        PRIMARY KEY (contact_id, channel, purpose)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX consent_state_by_key ON consent_state (channel, purpose, state, contact_id);

      CREATE TRIGGER consent_events_state AFTER INSERT ON consent_events
      WHEN NEW.event <> 'informed'
      BEGIN
        INSERT INTO consent_state (contact_id, channel, purpose, state, informed, at, event_id)
        VALUES (NEW.contact_id, NEW.channel, NEW.purpose, NEW.event, 0, NEW.at, NEW.id)
        ON CONFLICT (contact_id, channel, purpose) DO UPDATE SET
          state = excluded.state, at = excluded.at, event_id = excluded.event_id
        WHERE consent_state.state <> 'objected'
          AND (excluded.state = 'objected' OR consent_state.state = 'unknown' OR excluded.at >= consent_state.at);
      END;
      CREATE TRIGGER consent_events_informed AFTER INSERT ON consent_events
      WHEN NEW.event = 'informed'
      BEGIN
        INSERT INTO consent_state (contact_id, channel, purpose, state, informed, at, event_id)
        VALUES (NEW.contact_id, NEW.channel, NEW.purpose, 'unknown', 1, NEW.at, NEW.id)
        ON CONFLICT (contact_id, channel, purpose) DO UPDATE SET informed = 1;
      END;

      CREATE TABLE suppression (
        kind TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
        hash TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('objection', 'erasure')),
        created_at TEXT NOT NULL,
        PRIMARY KEY (kind, hash)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE privacy_requests (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
        subject TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure', 'portability', 'objection', 'restriction')),
        received_on TEXT NOT NULL,
        identity_check TEXT NOT NULL,
        due_on TEXT NOT NULL,
        extended_to TEXT,
        extension_reason TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'refused')),
        closed_on TEXT,
        outcome TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX privacy_requests_by_status ON privacy_requests (status, due_on);
      CREATE INDEX privacy_requests_by_contact ON privacy_requests (contact_id) WHERE contact_id IS NOT NULL;

      CREATE TABLE erasure_log (
        id INTEGER PRIMARY KEY,
        erased_at TEXT NOT NULL,
        contact_id INTEGER NOT NULL,
        keys TEXT NOT NULL DEFAULT '[]',
        request_id INTEGER,
        reason TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER erasure_log_no_update BEFORE UPDATE ON erasure_log
      BEGIN SELECT RAISE(ABORT, 'the erasure log is append-only'); END;
      CREATE TRIGGER erasure_log_no_delete BEFORE DELETE ON erasure_log
      BEGIN SELECT RAISE(ABORT, 'the erasure log is append-only'); END;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT,
        entity_id INTEGER,
        detail TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX audit_log_by_entity ON audit_log (entity, entity_id) WHERE entity_id IS NOT NULL;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

      CREATE TABLE contact_archive (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL UNIQUE,
        archived_at TEXT NOT NULL,
        rule TEXT NOT NULL,
        record TEXT NOT NULL
      ) STRICT;

      CREATE TABLE data_breaches (
        id INTEGER PRIMARY KEY,
        discovered_at TEXT NOT NULL,
        occurred_at TEXT,
        nature TEXT NOT NULL,
        data_categories TEXT NOT NULL,
        people_count INTEGER,
        consequences TEXT NOT NULL,
        measures TEXT NOT NULL,
        cnil_notified_at TEXT,
        people_notified_at TEXT,
        not_notified_reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
