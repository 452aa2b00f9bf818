import { CARD_NUMBER_LENGTH } from '@contract';

/**
 * A USB barcode scanner is a keyboard that types very fast: the card's digits
 * a few milliseconds apart, then Enter. A person never types 13 digits that
 * fast, so the gap between keys tells a scan from typing without a mode switch.
 */
export const SCAN_MAX_GAP_MS = 50;
/** The same card read twice this close together is one customer, not two visits. */
export const DUPLICATE_SCAN_MS = 1000;

export type ScanKey = { key: string; time: number };

export type ScanDetector = {
  /** Feeds one key press; returns the scanned number when this key (Enter) completes a scan. */
  push(event: ScanKey): string | null;
  reset(): void;
};

export const createScanDetector = (maxGapMs = SCAN_MAX_GAP_MS, length = CARD_NUMBER_LENGTH): ScanDetector => {
  let digits = '';
  let last = -Infinity;
  return {
    push({ key, time }) {
      const gap = time - last;
      last = time;
      if (/^\d$/.test(key)) {
        // a slow key starts over: only the burst that ends with Enter counts
        digits = gap <= maxGapMs ? digits + key : key;
        return null;
      }
      if (key === 'Enter' && gap <= maxGapMs && digits.length === length) {
        const number = digits;
        digits = '';
        return number;
      }
      digits = '';
      return null;
    },
    reset() {
      digits = '';
      last = -Infinity;
    },
  };
};

/** Refuses the same number read again within `windowMs` (a scanner's double beep, a nervous double scan). */
export const createDuplicateGuard = (windowMs = DUPLICATE_SCAN_MS) => {
  let lastNumber: string | null = null;
  let lastAt = -Infinity;
  return (number: string, now: number): boolean => {
    const duplicate = number === lastNumber && now - lastAt < windowMs;
    lastNumber = number;
    lastAt = now;
    return duplicate;
  };
};
