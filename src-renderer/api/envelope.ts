import { isAppErrorData, type Envelope } from '@contract';

/** Anything that is not a well-formed envelope is the transport's fault, not the store's. */
export const isEnvelope = (value: unknown): value is Envelope => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: unknown };
  return v.ok === true || (v.ok === false && isAppErrorData(v.error));
};
