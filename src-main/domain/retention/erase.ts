import type { Store } from '../../store/db';
import { eraseContacts } from '../privacy/erasure';

/** Erasure for real, through the one procedure that does it everywhere (suppression, erasure log, search index). */
export const eraseDue = (store: Store, ids: readonly number[]): number => eraseContacts(store, [...ids], { kind: 'retention' }).erased;

export { forgetErasedBytes } from '../privacy/erasure';
