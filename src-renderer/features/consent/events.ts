/**
 * The consent panel and the timeline are siblings on the contact page: a
 * consent recorded in one must show in the other without the page (a shared
 * file) threading callbacks between them.
 */
type Listener = (contactId: number) => void;

const listeners = new Set<Listener>();

export const consentChanged = (contactId: number): void => {
  for (const listener of [...listeners]) listener(contactId);
};

/** Calls `cb` when this contact's consents change; returns the unsubscribe. */
export const onConsentChanged = (contactId: number, cb: () => void): (() => void) => {
  const listener: Listener = (id) => {
    if (id === contactId) cb();
  };
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
};
