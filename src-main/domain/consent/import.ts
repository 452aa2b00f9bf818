import { fold, type ConsentChannel, type ConsentPurpose, type RowIssue } from '../../contract';
import { prepared, type Store } from '../../store/db';
import { dateTimeInstant, parseDateTime, unneutralise } from '../importexport';
import { appendConsentEvent } from './events';

/**
 * Consent columns of a contact file ("Accepte e-mails", "Newsletter", "Optin
 * SMS"…) become ledger events with their provenance: method and operator
 * 'import', the file name and the row's line, the import id (undo removes
 * them). A yes is a grant, an explicit no a withdrawal; an empty cell says
 * nothing. The header tells the purpose when it names one (newsletter,
 * fidélité, partenaires); a bare "accepte les e-mails" covers the shop's own
 * marketing: newsletter and offers. A "Date consentement" column dates the
 * events; without one they are dated when imported.
 */
const YES = new Set(['oui', 'o', 'yes', 'y', '1', 'x', 'true', 'vrai', 'ok', 'opt-in', 'optin', 'accepte']);
const NO = new Set(['non', 'n', 'no', '0', 'false', 'faux', 'opt-out', 'optout', 'refuse']);

export type ConsentAnswer = 'granted' | 'withdrawn' | null;

/** oui/non/1/0/x/true/false/yes/no → granted / withdrawn; '' → null (nothing said); anything else → undefined. */
export const readConsentValue = (raw: string): ConsentAnswer | undefined => {
  const v = fold(unneutralise(raw).trim());
  if (v === '') return null;
  if (YES.has(v)) return 'granted';
  if (NO.has(v)) return 'withdrawn';
  return undefined;
};

export const purposesOfHeader = (header: string): ConsentPurpose[] => {
  const h = fold(header);
  if (/partenaire|partner/.test(h)) return ['partners'];
  if (/fidelite|loyalty|carte/.test(h)) return ['loyalty'];
  if (/newsletter|lettre/.test(h)) return ['newsletter'];
  return ['newsletter', 'offers'];
};

type Column = { index: number; channel: ConsentChannel; purposes: ConsentPurpose[]; target: string };

export type ConsentColumns = {
  /** Whether the file has a consent column at all. */
  present: boolean;
  /** Reads one row: the entries it states, and notices for unreadable values. */
  read(line: number, cells: readonly string[]): { at: string | null; entries: { channel: ConsentChannel; purpose: ConsentPurpose; event: 'granted' | 'withdrawn' }[]; notices: RowIssue[] };
};

export const consentColumns = (mapping: readonly (string | null)[], headers: readonly string[]): ConsentColumns => {
  const columns: Column[] = [];
  let dateIndex = -1;
  mapping.forEach((target, index) => {
    if (target === 'consentEmail' || target === 'consentSms') {
      columns.push({ index, channel: target === 'consentEmail' ? 'email' : 'sms', purposes: purposesOfHeader(headers[index] ?? ''), target });
    } else if (target === 'consentDate' && dateIndex < 0) {
      dateIndex = index;
    }
  });
  return {
    present: columns.length > 0,
    read(line, cells) {
      const notices: RowIssue[] = [];
      const entries: { channel: ConsentChannel; purpose: ConsentPurpose; event: 'granted' | 'withdrawn' }[] = [];
      const seen = new Set<string>();
      for (const c of columns) {
        const raw = cells[c.index] ?? '';
        const answer = readConsentValue(raw);
        if (answer === undefined) {
          notices.push({ line, field: c.target, value: raw, reason: 'consent_not_imported' });
          continue;
        }
        if (answer === null) continue;
        for (const purpose of c.purposes) {
          // two columns on one cell: the first that says something wins
          const key = `${c.channel}:${purpose}`;
          if (seen.has(key)) continue;
          seen.add(key);
          entries.push({ channel: c.channel, purpose, event: answer });
        }
      }
      let at: string | null = null;
      if (dateIndex >= 0 && entries.length > 0) {
        const raw = (cells[dateIndex] ?? '').trim();
        if (raw !== '') {
          // the moment of consent is its proof: to the minute when the file has it
          const d = parseDateTime(raw);
          const instant = d.ok ? dateTimeInstant(d.value.date, d.value.time) : null;
          if (instant !== null && Date.parse(instant) <= Date.now()) at = instant;
          else notices.push({ line, field: 'consentDate', value: raw, reason: 'consent_not_imported' });
        }
      }
      return { at, entries, notices };
    },
  };
};

/**
 * Writes a row's consent entries for a contact, skipping what the ledger
 * already says (a file imported twice adds nothing) and grants over an
 * objection (permanent). Returns how many events were written.
 */
export const recordImportedConsent = (
  store: Store,
  contactId: number,
  row: { at: string | null; entries: { channel: ConsentChannel; purpose: ConsentPurpose; event: 'granted' | 'withdrawn' }[] },
  source: { importId: number; fileName: string; line: number; now: string; wordings: Record<ConsentPurpose, number> },
): number => {
  if (row.entries.length === 0) return 0;
  const current = prepared(store.sqlite, 'SELECT state FROM consent_state WHERE contact_id = ? AND channel = ? AND purpose = ?').pluck();
  const { wordings } = source;
  let written = 0;
  for (const e of row.entries) {
    const state = current.get(contactId, e.channel, e.purpose) as string | undefined;
    if (state === e.event || state === 'objected') continue;
    appendConsentEvent(
      store,
      {
        contactId,
        channel: e.channel,
        purpose: e.purpose,
        event: e.event,
        at: row.at ?? source.now,
        method: 'import',
        operator: 'import',
        wordingId: wordings[e.purpose],
        sourceFile: source.fileName,
        sourceLine: source.line,
        importId: source.importId,
      },
      source.now,
    );
    written++;
  }
  return written;
};
