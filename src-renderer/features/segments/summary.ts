import type { TFunction } from 'i18next';
import type { SegmentCriterion, SegmentNode, Tag } from '@contract';
import type { Formatters } from '../../app/format';
import { targetLabel } from '../consent/labels';
import { boundToInput, monthToInput } from './draft';

/** Names the summary can show instead of ids. */
export type SummaryNames = { tags: readonly Tag[] };

const criterionText = (t: TFunction, fmt: Formatters, names: SummaryNames, c: SegmentCriterion): string => {
  const field = t(`segments.field.${c.field}`);
  const values = (value: string) => t('segments.summary.values', { field, value });
  const bounds = (min: string | null, max: string | null) =>
    min !== null && max !== null
      ? t('segments.summary.range', { field, min, max })
      : min !== null
        ? t('segments.summary.atLeast', { field, min })
        : t('segments.summary.atMost', { field, max: max ?? '' });
  const since = (text: string, bound: string | undefined) =>
    bound === undefined ? text : t('segments.summary.withSince', { text, from: boundToInput(bound) });
  switch (c.field) {
    case 'status':
      return values(c.in.map((s) => t(`contacts.status.${s}`)).join(', '));
    case 'source':
      return values(c.in.map((s) => t(`contacts.source.${s}`)).join(', '));
    case 'loyaltyTier':
      return values(c.in.join(', '));
    case 'tags': {
      const byId = new Map(names.tags.map((tag) => [tag.id, tag.name]));
      return values(c.tagIds.map((id) => byId.get(id) ?? '…').join(', '));
    }
    case 'city':
    case 'postcode':
      return t('segments.summary.prefix', { field, value: c.prefix });
    case 'created':
    case 'firstPurchase':
    case 'lastPurchase': {
      if (c.withinDays !== undefined) return t('segments.summary.within', { field, count: c.withinDays, n: fmt.number(c.withinDays) });
      const from = c.from === undefined ? null : boundToInput(c.from);
      const to = c.to === undefined ? null : boundToInput(c.to);
      if (from !== null && to !== null) return t('segments.summary.between', { field, from, to });
      return from !== null ? t('segments.summary.since', { field, from }) : t('segments.summary.until', { field, to: to ?? '' });
    }
    case 'purchaseCount':
    case 'loyaltyBalance':
      return bounds(c.min === undefined ? null : fmt.number(c.min), c.max === undefined ? null : fmt.number(c.max));
    case 'totalSpent':
      return bounds(c.minCents === undefined ? null : fmt.money(c.minCents), c.maxCents === undefined ? null : fmt.money(c.maxCents));
    case 'boughtProduct':
      return since(t('segments.summary.products', { field, count: c.productIds.length, n: fmt.number(c.productIds.length) }), c.since);
    case 'boughtCategory':
      return since(values(c.categories.join(', ')), c.since);
    case 'contactable':
      return `${field} ${targetLabel(t, { channel: c.channel, purpose: c.purpose })}`;
    case 'rfmScore':
      return (['r', 'f', 'm'] as const)
        .flatMap((d) => {
          const b = c[d];
          if (b === undefined) return [];
          const dim = t(`rfm.dimension.${d}`);
          return [b.min === b.max ? t('segments.summary.score', { dim, min: b.min }) : t('segments.summary.scoreRange', { dim, min: b.min, max: b.max })];
        })
        .join(` ${t('segments.group.andWord')} `);
    case 'rfmSegment':
      return values(c.in.map((k) => t(`rfm.segment.${k}.name`)).join(', '));
    case 'paretoTier':
      return values(c.in.map((k) => t(`pareto.tier.${k}`)).join(', '));
    case 'atRisk':
    case 'markedLost':
      // a flag: its name says it all
      return field;
    case 'boughtInMonths':
      return c.from === c.to
        ? t('segments.summary.inMonth', { field, month: monthToInput(c.from) })
        : t('segments.summary.inMonths', { field, from: monthToInput(c.from), to: monthToInput(c.to) });
  }
};

/** A definition in one line of words: "Statut : Client ET (Ville commence par « nant » OU …) ET NON …". */
export const summarise = (t: TFunction, fmt: Formatters, names: SummaryNames, node: SegmentNode, nested = false): string => {
  if ('field' in node) return criterionText(t, fmt, names, node);
  if (node.op === 'not') return t('segments.summary.not', { value: summarise(t, fmt, names, node.child, true) });
  const joined = node.children.map((c) => summarise(t, fmt, names, c, true)).join(` ${t(node.op === 'and' ? 'segments.group.andWord' : 'segments.group.orWord')} `);
  return nested && node.children.length > 1 ? `(${joined})` : joined;
};
