import type { Migration } from './types';

/**
 * Frozen once released. The customer base proper: companies linked to people,
 * extra e-mails and phones, tags, dated notes, the interaction timeline,
 * follow-up tasks, a product catalogue, purchase lines and refunds, and the
 * bookkeeping that makes imports and merges undoable.
 *
 * Conventions: every table STRICT; personal rows hang off contacts with
 * ON DELETE CASCADE (erasure removes them for real); sales hang off contacts
 * with ON DELETE SET NULL (kept, anonymised, for the accounts).
 */
export const migration0002: Migration = {
  version: 2,
  name: 'customer-base',
  up(db) {
    db.exec(`
      CREATE TABLE companies (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        sort_name TEXT NOT NULL,
        siren TEXT CHECK (siren IS NULL OR length(siren) = 9),
        siret TEXT CHECK (siret IS NULL OR length(siret) = 14),
        email TEXT,
        phone TEXT,
        address_line1 TEXT,
        address_line2 TEXT,
        postcode TEXT,
        city TEXT,
        country TEXT NOT NULL DEFAULT 'FR',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX companies_by_name ON companies (sort_name, id);
      CREATE UNIQUE INDEX companies_by_siret ON companies (siret) WHERE siret IS NOT NULL;
      CREATE INDEX companies_by_siren ON companies (siren) WHERE siren IS NOT NULL;

      ALTER TABLE contacts ADD COLUMN code TEXT;
      ALTER TABLE contacts ADD COLUMN company_id INTEGER REFERENCES companies (id) ON DELETE SET NULL;
      ALTER TABLE contacts ADD COLUMN job_title TEXT;
      ALTER TABLE contacts ADD COLUMN birth_date TEXT;
      ALTER TABLE contacts ADD COLUMN language TEXT;
      ALTER TABLE contacts ADD COLUMN source_detail TEXT;
      ALTER TABLE contacts ADD COLUMN source_date TEXT;
      ALTER TABLE contacts ADD COLUMN data_origin TEXT NOT NULL DEFAULT 'own'
        CHECK (data_origin IN ('own', 'purchased', 'derived'));
      -- last contact initiated by the person: CNIL retention of prospects runs from it
      ALTER TABLE contacts ADD COLUMN last_inbound_at TEXT;
      -- the import that created the row (undo removes exactly those)
      ALTER TABLE contacts ADD COLUMN import_id INTEGER;
      -- folded "first last" without the postcode, for duplicate detection at capture
      ALTER TABLE contacts ADD COLUMN match_name TEXT;

      CREATE UNIQUE INDEX contacts_by_code ON contacts (code) WHERE code IS NOT NULL;
      CREATE INDEX contacts_by_company ON contacts (company_id) WHERE company_id IS NOT NULL;
      CREATE INDEX contacts_by_status ON contacts (status, sort_name, id);
      CREATE INDEX contacts_by_source ON contacts (source, id);
      CREATE INDEX contacts_by_match ON contacts (postcode, match_name) WHERE match_name IS NOT NULL;
      CREATE INDEX contacts_by_import ON contacts (import_id) WHERE import_id IS NOT NULL;

      CREATE TABLE contact_emails (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        email TEXT NOT NULL,
        label TEXT
      ) STRICT;
      CREATE INDEX contact_emails_by_contact ON contact_emails (contact_id);
      CREATE INDEX contact_emails_by_email ON contact_emails (email);

      CREATE TABLE contact_phones (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        phone TEXT NOT NULL,
        label TEXT
      ) STRICT;
      CREATE INDEX contact_phones_by_contact ON contact_phones (contact_id);
      CREATE INDEX contact_phones_by_phone ON contact_phones (phone);

      CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        folded TEXT NOT NULL UNIQUE,
        color TEXT
      ) STRICT;

      CREATE TABLE contact_tags (
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        PRIMARY KEY (contact_id, tag_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX contact_tags_by_tag ON contact_tags (tag_id, contact_id);

      CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        noted_at TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX notes_by_contact ON notes (contact_id, noted_at);

      CREATE TABLE interactions (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('visit', 'call', 'email', 'letter', 'sms', 'chat', 'meeting', 'note')),
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        initiated_by TEXT NOT NULL CHECK (initiated_by IN ('contact', 'shop')),
        occurred_at TEXT NOT NULL,
        summary TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX interactions_by_contact ON interactions (contact_id, occurred_at);

      CREATE TABLE tasks (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        due_date TEXT NOT NULL,
        done_at TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX tasks_by_contact ON tasks (contact_id, due_date);
      CREATE INDEX tasks_open_by_due ON tasks (due_date, id) WHERE done_at IS NULL;

      CREATE TABLE products (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        sort_name TEXT NOT NULL,
        sku TEXT,
        category TEXT,
        price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
        currency TEXT NOT NULL DEFAULT 'EUR',
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX products_by_sku ON products (sku) WHERE sku IS NOT NULL;
      CREATE INDEX products_by_name ON products (sort_name, id);
      CREATE INDEX products_by_category ON products (category, sort_name);

      -- a refund is a purchase of kind 'refund' with a negative amount, linked to the sale it refunds
      ALTER TABLE purchases ADD COLUMN kind TEXT NOT NULL DEFAULT 'sale' CHECK (kind IN ('sale', 'refund'));
      ALTER TABLE purchases ADD COLUMN refund_of INTEGER REFERENCES purchases (id) ON DELETE SET NULL;
      ALTER TABLE purchases ADD COLUMN reference TEXT;
      ALTER TABLE purchases ADD COLUMN note TEXT;
      ALTER TABLE purchases ADD COLUMN import_id INTEGER;
      CREATE INDEX purchases_by_refund ON purchases (refund_of) WHERE refund_of IS NOT NULL;
      CREATE INDEX purchases_by_import ON purchases (import_id) WHERE import_id IS NOT NULL;

      CREATE TABLE purchase_lines (
        id INTEGER PRIMARY KEY,
        purchase_id INTEGER NOT NULL REFERENCES purchases (id) ON DELETE CASCADE,
        product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
        label TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity <> 0),
        unit_price_cents INTEGER NOT NULL,
        total_cents INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX purchase_lines_by_purchase ON purchase_lines (purchase_id);
      CREATE INDEX purchase_lines_by_product ON purchase_lines (product_id, purchase_id) WHERE product_id IS NOT NULL;

      CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('contacts', 'purchases')),
        file_name TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        options TEXT NOT NULL,
        created INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        merged INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        imported_at TEXT NOT NULL,
        undone_at TEXT
      ) STRICT;

      -- what an import changed in existing rows, so undo can put them back exactly
      CREATE TABLE import_changes (
        import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        entity TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        before TEXT NOT NULL,
        PRIMARY KEY (import_id, entity, entity_id)
      ) STRICT, WITHOUT ROWID;

      -- column mappings remembered per file layout (hash of the header row)
      CREATE TABLE import_layouts (
        layout TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        mapping TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- a merge keeps both records' state and what moved, so it can be undone
      CREATE TABLE merges (
        id INTEGER PRIMARY KEY,
        kept_id INTEGER NOT NULL,
        removed_id INTEGER NOT NULL,
        snapshot TEXT NOT NULL,
        merged_at TEXT NOT NULL,
        undone_at TEXT
      ) STRICT;
      CREATE INDEX merges_by_kept ON merges (kept_id);

      -- pairs the user said are not duplicates, so the finder stops proposing them
      CREATE TABLE not_duplicates (
        a_id INTEGER NOT NULL,
        b_id INTEGER NOT NULL,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (a_id, b_id),
        CHECK (a_id < b_id)
      ) STRICT, WITHOUT ROWID;
    `);
    // a frozen copy of the folding rule of this version (migrations never follow later code)
    const fold = (v: string) =>
      v.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/\s+/g, ' ').trim();
    const rows = db.prepare('SELECT id, first_name, last_name FROM contacts').iterate() as Iterable<{
      id: number;
      first_name: string | null;
      last_name: string | null;
    }>;
    const set = db.prepare('UPDATE contacts SET match_name = ? WHERE id = ?');
    const pending: [string, number][] = [];
    for (const r of rows) pending.push([fold(`${r.first_name ?? ''} ${r.last_name ?? ''}`), r.id]);
    for (const [name, id] of pending) set.run(name, id);
  },
};
