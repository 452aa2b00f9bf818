import type { Migration } from './types';

/**
 * Frozen once released. Loyalty programme (issue 5):
 *
 * - `loyalty_entries`: the append-only points ledger. Like `consent_events`,
 *   the database refuses updates and deletes unless `ledger_gate` is open:
 *   'erasure' may delete (a person erased), 'merge' may move entries to the
 *   kept contact (contact_id only). Each entry names its cause: a sale
 *   (`purchase_id`, deliberately not a foreign key: a deleted sale keeps its
 *   entries, reversed by a new one; `loyalty_sale_links` ties a live sale to
 *   its earning), a reward, the entry it reverses, a reason.
 * - `loyalty_lots`: what is left of each credit and when it expires, so debits
 *   and expiry take the oldest points first without ever touching the ledger.
 *   Invariant kept by the service: sum(remaining) = max(0, balance).
 * - `loyalty_members.balance`: the sum of the member's entries, kept by a
 *   trigger on every insert (and recomputed after a merge moves entries).
 * - Dashboard figures (`loyalty_totals`, `loyalty_tier_counts`,
 *   `loyalty_stats` per month and metric) are kept by triggers in the same
 *   transaction, so the dashboard never scans millions of entries.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'loyalty',
  up(db) {
    db.exec(`
      CREATE TABLE loyalty_rewards (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('item', 'amount', 'percent')),
        value INTEGER NOT NULL CHECK (
          (kind = 'item' AND value = 0) OR (kind = 'amount' AND value > 0) OR (kind = 'percent' AND value BETWEEN 1 AND 100)),
        product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
        cost_points INTEGER NOT NULL CHECK (cost_points > 0),
        valid_from TEXT,
        valid_to TEXT,
        min_tier TEXT,
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE loyalty_cards (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE CHECK (length(number) = 13 AND number NOT GLOB '*[^0-9]*'),
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('active', 'lost', 'closed')),
        issued_at TEXT NOT NULL,
        replaced_by INTEGER REFERENCES loyalty_cards (id) ON DELETE SET NULL
      ) STRICT;
      CREATE INDEX loyalty_cards_by_contact ON loyalty_cards (contact_id);

      CREATE TABLE loyalty_members (
        contact_id INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
        card_id INTEGER NOT NULL REFERENCES loyalty_cards (id),
        enrolled_at TEXT NOT NULL,
        tier TEXT NOT NULL,
        tier_since TEXT NOT NULL,
        referrer_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
        referral_pending INTEGER NOT NULL DEFAULT 0 CHECK (referral_pending IN (0, 1)),
        balance INTEGER NOT NULL DEFAULT 0,
        active_month TEXT
      ) STRICT;
      -- one index on the balance only: every credit moves it, and a second (tier, balance) index doubled the
      -- cost of a bulk grant; a tier filter walks this one (tier counts come from loyalty_tier_counts)
      CREATE INDEX loyalty_members_by_balance ON loyalty_members (balance, contact_id);
      CREATE INDEX loyalty_members_by_referrer ON loyalty_members (referrer_id) WHERE referrer_id IS NOT NULL;

      CREATE TABLE loyalty_entries (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('earn', 'redeem', 'welcome', 'referral', 'adjust', 'expire', 'reverse', 'bonus', 'entry_fee')),
        points INTEGER NOT NULL,
        at TEXT NOT NULL,
        reason TEXT,
        purchase_id INTEGER,
        reward_id INTEGER REFERENCES loyalty_rewards (id),
        voucher_code TEXT,
        reverses_id INTEGER,
        lot_expires_on TEXT,
        -- a reversal that found the points already spent: what it could not take back (never made negative)
        uncovered INTEGER NOT NULL DEFAULT 0 CHECK (uncovered >= 0),
        CHECK (points <> 0 OR kind = 'entry_fee' OR (kind = 'reverse' AND uncovered > 0)),
        CHECK (kind NOT IN ('earn', 'welcome', 'referral', 'bonus') OR points > 0),
        CHECK (kind NOT IN ('redeem', 'expire') OR points < 0),
        CHECK (kind <> 'adjust' OR (reason IS NOT NULL AND reason <> '')),
        CHECK (kind NOT IN ('earn', 'entry_fee') OR purchase_id IS NOT NULL),
        CHECK (kind <> 'redeem' OR (reward_id IS NOT NULL AND voucher_code IS NOT NULL)),
        CHECK (kind <> 'reverse' OR reverses_id IS NOT NULL)
      ) STRICT;
      -- a member's entries by date: points-tier windows and the contact's timeline
      CREATE INDEX loyalty_entries_by_contact ON loyalty_entries (contact_id, at);
      CREATE INDEX loyalty_entries_by_reversed ON loyalty_entries (reverses_id) WHERE reverses_id IS NOT NULL;

      -- the earning of each live sale: one per sale, whatever calls the service twice. Gone with the
      -- sale, so a sale id SQLite reuses after a deletion never meets the old sale's points
      CREATE TABLE loyalty_sale_links (
        purchase_id INTEGER PRIMARY KEY REFERENCES purchases (id) ON DELETE CASCADE,
        earn_id INTEGER NOT NULL
      ) STRICT;

      CREATE TRIGGER loyalty_entries_no_update BEFORE UPDATE ON loyalty_entries
      WHEN (SELECT open FROM ledger_gate) IS NOT 'merge'
        OR NEW.id IS NOT OLD.id OR NEW.kind IS NOT OLD.kind OR NEW.points IS NOT OLD.points OR NEW.at IS NOT OLD.at
        OR NEW.reason IS NOT OLD.reason OR NEW.purchase_id IS NOT OLD.purchase_id OR NEW.reward_id IS NOT OLD.reward_id
        OR NEW.voucher_code IS NOT OLD.voucher_code OR NEW.reverses_id IS NOT OLD.reverses_id
        OR NEW.lot_expires_on IS NOT OLD.lot_expires_on OR NEW.uncovered IS NOT OLD.uncovered
      BEGIN SELECT RAISE(ABORT, 'the loyalty ledger is append-only'); END;
      CREATE TRIGGER loyalty_entries_no_delete BEFORE DELETE ON loyalty_entries
      WHEN (SELECT open FROM ledger_gate) IS NOT 'erasure'
      BEGIN SELECT RAISE(ABORT, 'the loyalty ledger is append-only'); END;

      CREATE TABLE loyalty_lots (
        entry_id INTEGER PRIMARY KEY REFERENCES loyalty_entries (id) ON DELETE CASCADE,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        expires_on TEXT,
        remaining INTEGER NOT NULL CHECK (remaining >= 0)
      ) STRICT;
      -- whole, not partial: the contact's cascade and a merge look lots up by contact whatever is left in them
      CREATE INDEX loyalty_lots_by_contact ON loyalty_lots (contact_id);
      CREATE INDEX loyalty_lots_due ON loyalty_lots (expires_on) WHERE remaining > 0 AND expires_on IS NOT NULL;

      CREATE TABLE loyalty_tier_history (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        from_tier TEXT,
        to_tier TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('initial', 'up', 'down'))
      ) STRICT;
      CREATE INDEX loyalty_tier_history_by_contact ON loyalty_tier_history (contact_id, id);

      CREATE TABLE loyalty_vouchers (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        reward_id INTEGER NOT NULL REFERENCES loyalty_rewards (id),
        entry_id INTEGER NOT NULL,
        issued_at TEXT NOT NULL,
        used_at TEXT
      ) STRICT;
      CREATE INDEX loyalty_vouchers_by_contact ON loyalty_vouchers (contact_id);

      -- dashboard figures, kept by the triggers below
      CREATE TABLE loyalty_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        members INTEGER NOT NULL DEFAULT 0,
        balance INTEGER NOT NULL DEFAULT 0,
        positive_balance INTEGER NOT NULL DEFAULT 0,
        last_card INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      INSERT INTO loyalty_totals (id) VALUES (1);

      CREATE TABLE loyalty_tier_counts (
        tier TEXT PRIMARY KEY,
        members INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      -- metric: '<kind>+' / '<kind>-' (points by sign of the entry), 'active' (members whose last
      -- earn or redeem fell in that month), 'up' / 'down' (tier movements)
      CREATE TABLE loyalty_stats (
        month TEXT NOT NULL,
        metric TEXT NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (month, metric)
      ) STRICT, WITHOUT ROWID;

      CREATE TRIGGER loyalty_entries_active AFTER INSERT ON loyalty_entries
      WHEN NEW.kind IN ('earn', 'redeem')
      BEGIN
        UPDATE loyalty_members SET active_month = substr(NEW.at, 1, 7)
        WHERE contact_id = NEW.contact_id AND (active_month IS NULL OR active_month < substr(NEW.at, 1, 7));
      END;

      CREATE TRIGGER loyalty_entries_apply AFTER INSERT ON loyalty_entries
      BEGIN
        UPDATE loyalty_members SET balance = balance + NEW.points WHERE contact_id = NEW.contact_id;
        INSERT INTO loyalty_stats (month, metric, value)
        VALUES (substr(NEW.at, 1, 7), NEW.kind || CASE WHEN NEW.points < 0 THEN '-' ELSE '+' END, NEW.points)
        ON CONFLICT (month, metric) DO UPDATE SET value = value + excluded.value;
      END;

      CREATE TRIGGER loyalty_members_added AFTER INSERT ON loyalty_members
      BEGIN
        UPDATE loyalty_totals SET members = members + 1, balance = balance + NEW.balance,
          positive_balance = positive_balance + max(NEW.balance, 0) WHERE id = 1;
        INSERT INTO loyalty_tier_counts (tier, members) VALUES (NEW.tier, 1)
        ON CONFLICT (tier) DO UPDATE SET members = members + 1;
        INSERT INTO loyalty_stats (month, metric, value) SELECT NEW.active_month, 'active', 1 WHERE NEW.active_month IS NOT NULL
        ON CONFLICT (month, metric) DO UPDATE SET value = value + 1;
      END;

      CREATE TRIGGER loyalty_members_removed AFTER DELETE ON loyalty_members
      BEGIN
        UPDATE loyalty_totals SET members = members - 1, balance = balance - OLD.balance,
          positive_balance = positive_balance - max(OLD.balance, 0) WHERE id = 1;
        UPDATE loyalty_tier_counts SET members = members - 1 WHERE tier = OLD.tier;
        UPDATE loyalty_stats SET value = value - 1 WHERE month = OLD.active_month AND metric = 'active';
      END;

      CREATE TRIGGER loyalty_members_balance AFTER UPDATE OF balance ON loyalty_members
      WHEN NEW.balance IS NOT OLD.balance
      BEGIN
        UPDATE loyalty_totals SET balance = balance + NEW.balance - OLD.balance,
          positive_balance = positive_balance + max(NEW.balance, 0) - max(OLD.balance, 0) WHERE id = 1;
      END;

      CREATE TRIGGER loyalty_members_tier AFTER UPDATE OF tier ON loyalty_members
      WHEN NEW.tier IS NOT OLD.tier
      BEGIN
        UPDATE loyalty_tier_counts SET members = members - 1 WHERE tier = OLD.tier;
        INSERT INTO loyalty_tier_counts (tier, members) VALUES (NEW.tier, 1)
        ON CONFLICT (tier) DO UPDATE SET members = members + 1;
      END;

      CREATE TRIGGER loyalty_members_active AFTER UPDATE OF active_month ON loyalty_members
      WHEN NEW.active_month IS NOT OLD.active_month
      BEGIN
        UPDATE loyalty_stats SET value = value - 1 WHERE month = OLD.active_month AND metric = 'active';
        INSERT INTO loyalty_stats (month, metric, value) SELECT NEW.active_month, 'active', 1 WHERE NEW.active_month IS NOT NULL
        ON CONFLICT (month, metric) DO UPDATE SET value = value + 1;
      END;

      CREATE TRIGGER loyalty_tier_moves AFTER INSERT ON loyalty_tier_history
      WHEN NEW.direction <> 'initial'
      BEGIN
        INSERT INTO loyalty_stats (month, metric, value) VALUES (substr(NEW.at, 1, 7), NEW.direction, 1)
        ON CONFLICT (month, metric) DO UPDATE SET value = value + 1;
      END;
    `);
  },
};
