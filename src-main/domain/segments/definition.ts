import { AppError, segmentDefinition, type SegmentDefinition, type SegmentNode } from '../../contract';
import { prepared, type Store } from '../../store/db';

/**
 * A stored definition back to its typed shape. Rows carry their version:
 * when version 2 exists, the step from 1 goes here, so a segment saved long
 * ago keeps meaning what its author built. A row that no longer parses (hand
 * edited, or a criterion withdrawn) is reported, never silently read as "everyone".
 */
export const readDefinition = (json: string, segmentId: number): SegmentDefinition => {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    raw = null;
  }
  const parsed = segmentDefinition.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('CONFLICT', 'saved segment cannot be read', { reason: 'segment_unreadable', segmentId });
  }
  return parsed.data;
};

/** The definition of a saved segment; NOT_FOUND when it does not exist (any more). */
export const loadDefinition = (store: Store, id: number): SegmentDefinition => {
  const json = prepared(store.sqlite, 'SELECT definition FROM segments WHERE id = ?').pluck().get(id) as string | undefined;
  if (json === undefined) throw new AppError('NOT_FOUND', 'segment not found', { entity: 'segment', id });
  return readDefinition(json, id);
};

/** Every criterion of a tree, depth first. */
export const criteriaIn = (node: SegmentNode): Extract<SegmentNode, { field: string }>[] => {
  if ('field' in node) return [node];
  return node.op === 'not' ? criteriaIn(node.child) : node.children.flatMap(criteriaIn);
};
