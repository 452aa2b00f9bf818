import { SEGMENT_VERSION, type ParetoTier, type RfmSegmentKey, type SegmentDefinition } from '@contract';

export type { ShowCustomers } from '../../app/show-customers';

/* The customers behind a grid cell, a segment or a tier, as definitions the contact list can be narrowed to. */

export const cellDefinition = (r: number, f: number): SegmentDefinition => ({
  version: SEGMENT_VERSION,
  root: { field: 'rfmScore', r: { min: r, max: r }, f: { min: f, max: f } },
});

export const segmentDefinition = (key: RfmSegmentKey): SegmentDefinition => ({
  version: SEGMENT_VERSION,
  root: { field: 'rfmSegment', in: [key] },
});

export const tierDefinition = (tier: ParetoTier): SegmentDefinition => ({
  version: SEGMENT_VERSION,
  root: { field: 'paretoTier', in: [tier] },
});
