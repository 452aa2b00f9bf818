import type { Migration } from './types';

/**
 * Frozen once released. Segmentation and analytics (issue 6): figures kept
 * current per customer and per month, so RFM, Pareto tiers, churn and the
 * dashboard never rescan sales (DESIGN §4).
 *
 * - `analytics_state`: one row. The analysis window as configured (months,
 *   fixed reference date or null for "today", at-risk factor) and as
 *   materialised in `customer_figures` (`window_start`, `window_end`,
 *   `prev_start`); the RFM thresholds of the last recompute (JSON) with
 *   their time, and the previous period's. `stale` = 1 asks for a full
 *   recompute at the next start: this migration cannot run the JS that
 *   computes figures, so a base that already has sales is filled then.
 * - `customer_figures`: one row per contact that has a purchase. Window
 *   figures (sales, net total, first and last sale), the previous window of
 *   the same length (for declining frequency and tier movements), the median
 *   days between sales and the instant from which the customer is overdue.
 *   No foreign key on purpose: a merge moves every row referring to a
 *   contact, and these rows are derived, rebuilt from the purchases instead;
 *   a trigger removes them with their contact.
 * - `customer_months`: months (UTC `YYYY-MM`) in which a contact bought, with
 *   the number of sales; `month_customers` counts per month the active
 *   customers, those whose first purchase month it is, and those active the
 *   month before too (churn = active last month − retained). Kept by
 *   triggers; a full recompute rebuilds these tables without them.
 * - `sales_months`: revenue per month, anonymous sales included, kept by
 *   triggers on purchases.
 * - `customer_losses`: a customer marked as lost by hand, with the kind of
 *   attrition (DESIGN §5) and a note; user data, so a merge moves it.
 *
 * Partial indexes cover only customers active in the window: quintile
 * thresholds are found by walking them, and every score or tier is a range
 * on one of them.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'analytics',
  up(db) {
    db.exec(`
      CREATE TABLE analytics_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        window_months INTEGER NOT NULL DEFAULT 12 CHECK (window_months BETWEEN 1 AND 120),
        reference_date TEXT CHECK (reference_date IS NULL OR reference_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        risk_factor REAL NOT NULL DEFAULT 1.5 CHECK (risk_factor >= 1 AND risk_factor <= 10),
        window_start TEXT,
        window_end TEXT,
        prev_start TEXT,
        thresholds TEXT CHECK (thresholds IS NULL OR json_valid(thresholds)),
        thresholds_at TEXT,
        previous_thresholds TEXT CHECK (previous_thresholds IS NULL OR json_valid(previous_thresholds)),
        stale INTEGER NOT NULL DEFAULT 1 CHECK (stale IN (0, 1))
      ) STRICT;
      -- a new base has nothing to compute; an upgraded one with sales is filled at the next open
      INSERT INTO analytics_state (id, stale) VALUES (1, EXISTS (SELECT 1 FROM purchases));

      CREATE TABLE customer_figures (
        contact_id INTEGER PRIMARY KEY,
        sales INTEGER NOT NULL,
        total_cents INTEGER NOT NULL,
        first_at TEXT,
        last_at TEXT,
        prev_sales INTEGER NOT NULL,
        prev_total_cents INTEGER NOT NULL,
        gap_days INTEGER,
        risk_at TEXT
      ) STRICT;
      CREATE INDEX customer_figures_by_last ON customer_figures (last_at) WHERE sales > 0;
      CREATE INDEX customer_figures_by_sales ON customer_figures (sales, last_at, total_cents) WHERE sales > 0;
      CREATE INDEX customer_figures_by_total ON customer_figures (total_cents) WHERE sales > 0;
      CREATE INDEX customer_figures_by_prev_total ON customer_figures (prev_total_cents) WHERE prev_sales > 0;
      CREATE INDEX customer_figures_by_risk ON customer_figures (risk_at) WHERE risk_at IS NOT NULL AND sales > 0;
      CREATE INDEX customer_figures_by_gap ON customer_figures (gap_days) WHERE gap_days IS NOT NULL AND sales > 0;

      CREATE TABLE customer_months (
        contact_id INTEGER NOT NULL,
        month TEXT NOT NULL,
        sales INTEGER NOT NULL CHECK (sales > 0),
        PRIMARY KEY (contact_id, month)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX customer_months_by_month ON customer_months (month, contact_id);

      CREATE TABLE month_customers (
        month TEXT PRIMARY KEY,
        active INTEGER NOT NULL DEFAULT 0,
        new INTEGER NOT NULL DEFAULT 0,
        retained INTEGER NOT NULL DEFAULT 0
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE sales_months (
        month TEXT PRIMARY KEY,
        sales INTEGER NOT NULL DEFAULT 0,
        refunds INTEGER NOT NULL DEFAULT 0,
        revenue_cents INTEGER NOT NULL DEFAULT 0
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE customer_losses (
        contact_id INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
        attrition TEXT NOT NULL CHECK (attrition IN ('dissatisfaction', 'structural', 'conjunctural', 'anecdotal')),
        note TEXT,
        marked_at TEXT NOT NULL,
        won_back_at TEXT
      ) STRICT;

      CREATE TRIGGER contacts_analytics_ad AFTER DELETE ON contacts BEGIN
        DELETE FROM customer_figures WHERE contact_id = old.id;
        DELETE FROM customer_months WHERE contact_id = old.id;
      END;

      -- month arithmetic on 'YYYY-MM': date() understands 'YYYY-MM-01'
      CREATE TRIGGER customer_months_ai AFTER INSERT ON customer_months BEGIN
        INSERT INTO month_customers (month, active) VALUES (new.month, 1)
          ON CONFLICT (month) DO UPDATE SET active = active + 1;
        UPDATE month_customers SET retained = retained + 1 WHERE month = new.month AND EXISTS (
          SELECT 1 FROM customer_months WHERE contact_id = new.contact_id AND month = strftime('%Y-%m', new.month || '-01', '-1 month'));
        UPDATE month_customers SET retained = retained + 1 WHERE month = strftime('%Y-%m', new.month || '-01', '+1 month') AND EXISTS (
          SELECT 1 FROM customer_months WHERE contact_id = new.contact_id AND month = strftime('%Y-%m', new.month || '-01', '+1 month'));
        -- first month of this customer: it takes the "new" mark from the month that had it
        UPDATE month_customers SET new = new - 1 WHERE month = (
          SELECT min(month) FROM customer_months WHERE contact_id = new.contact_id AND month > new.month)
          AND NOT EXISTS (SELECT 1 FROM customer_months WHERE contact_id = new.contact_id AND month < new.month);
        UPDATE month_customers SET new = new + 1 WHERE month = new.month
          AND NOT EXISTS (SELECT 1 FROM customer_months WHERE contact_id = new.contact_id AND month < new.month);
      END;
      CREATE TRIGGER customer_months_ad AFTER DELETE ON customer_months BEGIN
        UPDATE month_customers SET active = active - 1 WHERE month = old.month;
        UPDATE month_customers SET retained = retained - 1 WHERE month = old.month AND EXISTS (
          SELECT 1 FROM customer_months WHERE contact_id = old.contact_id AND month = strftime('%Y-%m', old.month || '-01', '-1 month'));
        UPDATE month_customers SET retained = retained - 1 WHERE month = strftime('%Y-%m', old.month || '-01', '+1 month') AND EXISTS (
          SELECT 1 FROM customer_months WHERE contact_id = old.contact_id AND month = strftime('%Y-%m', old.month || '-01', '+1 month'));
        UPDATE month_customers SET new = new - 1 WHERE month = old.month
          AND NOT EXISTS (SELECT 1 FROM customer_months WHERE contact_id = old.contact_id AND month < old.month);
        UPDATE month_customers SET new = new + 1 WHERE month = (
          SELECT min(month) FROM customer_months WHERE contact_id = old.contact_id AND month > old.month)
          AND NOT EXISTS (SELECT 1 FROM customer_months WHERE contact_id = old.contact_id AND month < old.month);
        -- a month nobody bought in any more has no row, as if it never had one (an undo gives the base back byte for byte)
        DELETE FROM month_customers WHERE month = old.month AND active = 0;
      END;

      CREATE TRIGGER purchases_months_ai AFTER INSERT ON purchases BEGIN
        INSERT INTO sales_months (month, sales, refunds, revenue_cents)
          VALUES (substr(new.purchased_at, 1, 7), new.kind = 'sale', new.kind = 'refund', new.amount_cents)
          ON CONFLICT (month) DO UPDATE SET sales = sales + excluded.sales, refunds = refunds + excluded.refunds,
            revenue_cents = revenue_cents + excluded.revenue_cents;
      END;
      CREATE TRIGGER purchases_months_ad AFTER DELETE ON purchases BEGIN
        UPDATE sales_months SET sales = sales - (old.kind = 'sale'), refunds = refunds - (old.kind = 'refund'),
          revenue_cents = revenue_cents - old.amount_cents
          WHERE month = substr(old.purchased_at, 1, 7);
        DELETE FROM sales_months WHERE month = substr(old.purchased_at, 1, 7) AND sales = 0 AND refunds = 0;
      END;
    `);
  },
};
