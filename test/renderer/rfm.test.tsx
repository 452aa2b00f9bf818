import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Api, SegmentDefinition } from '../../src-main/contract';
import { ShowCustomersContext } from '../../src-renderer/app/show-customers';
import { AnalysisPage } from '../../src-renderer/features/analysis/AnalysisPage';
import { Dashboard } from '../../src-renderer/features/dashboard/Dashboard';
import { createFormatters } from '../../src-renderer/app/format';
import { createI18n } from '../../src-renderer/app/i18n';
import { RfmBadge } from '../../src-renderer/features/rfm/RfmBadge';
import { compile, toDraft } from '../../src-renderer/features/segments/draft';
import { summarise } from '../../src-renderer/features/segments/summary';
import { jobResult } from '../jobs';
import { suiteInZone } from '../zone';
import { openTestStore, renderWithApi } from './render';

const WAIT = { timeout: 8000 };
const DAY = 86_400_000;
const day = (daysAgo: number): string => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);

/**
 * Five customers, one per quintile of every figure: customer i bought i
 * times, last i·10 days after the first one's last sale, for i × 10 €. So
 * customer 5 scores R5 F5 M5 (champion, gold) and customer 1 R1 F1 M1
 * (hibernating, bottom).
 */
const seed = async (api: Api): Promise<number[]> => {
  await jobResult(api, () => api.call('analytics.configure', { windowMonths: 12, referenceDate: null }));
  const ids: number[] = [];
  for (let i = 1; i <= 5; i++) {
    const c = await api.call('contacts.create', { lastName: `Client ${i}`, status: 'customer' });
    ids.push(c.id);
    for (let k = 0; k < i; k++) {
      await api.call('purchases.create', { contactId: c.id, purchasedAt: day(100 - i * 10 + k), lines: [{ label: 'Article', unitPriceCents: 1000 }] });
    }
  }
  const gone = await api.call('contacts.create', { lastName: 'Parti' });
  await api.call('purchases.create', { contactId: gone.id, purchasedAt: day(500), lines: [{ label: 'Article', unitPriceCents: 1000 }] });
  await api.call('analytics.thresholds.recompute', {});
  return [...ids, gone.id];
};

describe('Analyse page, RFM tab', () => {
  it('shows the grid and the segments, and a click asks for the customers behind a cell', async () => {
    const { api } = await openTestStore('fr');
    await seed(api);
    const shown: [string, SegmentDefinition][] = [];
    renderWithApi(
      <ShowCustomersContext.Provider value={(name, definition) => shown.push([name, definition])}>
        <AnalysisPage tab="rfm" />
      </ShowCustomersContext.Provider>,
      api,
    );
    const grid = await screen.findByTestId('rfm-grid', {}, WAIT);
    expect(within(grid).getByTestId('rfm-cell-5-5').textContent).toContain('1');
    expect(screen.getByTestId('rfm-computed-at').textContent).toMatch(/5 clients actifs/);
    const champions = screen.getByTestId('rfm-segment-champions');
    expect(champions.textContent).toContain('Champions');
    expect(champions.textContent).toContain('Fidélisation');
    expect(screen.getByTestId('rfm-segment-lost').textContent).toContain('Abandon');

    await userEvent.click(within(grid).getByTestId('rfm-cell-5-5'));
    expect(shown).toEqual([['R5 F5', { version: 2, root: { field: 'rfmScore', r: { min: 5, max: 5 }, f: { min: 5, max: 5 } } }]]);
    await userEvent.click(champions);
    expect(shown[1]).toEqual(['Champions', { version: 2, root: { field: 'rfmSegment', in: ['champions'] } }]);
  });

  it('the contact badge: scores and segment, "lost" and "no purchase"', async () => {
    const { api } = await openTestStore('fr');
    const ids = await seed(api);
    const none = await api.call('contacts.create', { lastName: 'Jamais' });
    const view = renderWithApi(<RfmBadge contactId={ids[4] ?? 0} />, api);
    await waitFor(() => expect(screen.getByTestId('rfm-badge').textContent).toBe('R5 F5 M5Champions'), WAIT);
    view.unmount();
    const lost = renderWithApi(<RfmBadge contactId={ids[5] ?? 0} />, api);
    await waitFor(() => expect(screen.getByTestId('rfm-badge').textContent).toBe('Perdus'), WAIT);
    lost.unmount();
    renderWithApi(<RfmBadge contactId={none.id} />, api);
    await waitFor(() => expect(screen.getByTestId('rfm-badge').textContent).toBe('Aucun achat'), WAIT);
  });

  it('the segment builder keeps RFM criteria through its draft and says them in words', () => {
    const definition: SegmentDefinition = {
      version: 2,
      root: {
        op: 'and',
        children: [
          { field: 'rfmScore', r: { min: 4, max: 5 }, m: { min: 5, max: 5 } },
          { field: 'rfmSegment', in: ['atRisk', 'lost'] },
          { op: 'not', child: { field: 'paretoTier', in: ['bottom'] } },
        ],
      },
    };
    expect(compile(toDraft(definition, ',')).definition).toEqual(definition);
    const i18n = createI18n('fr');
    const text = summarise(i18n.t, createFormatters('fr', 'EUR'), { tags: [] }, definition.root);
    expect(text).toBe('Récence de 4 à 5 ET Montant = 5 ET Segment RFM : À risque, Perdus ET NON Palier Pareto : Bas');
  });
});

describe('a closed analysis window, east of UTC', () => {
  // Paris is ahead of UTC: the millisecond before the window's end (1 July 00:00 UTC) is 1 July at 01:59 there
  suiteInZone('Europe/Paris');

  it('ends on the reference day on the RFM tab and on the dashboard, as in the settings', async () => {
    const { api } = await openTestStore('fr');
    const c = (await api.call('contacts.create', { firstName: 'Anne', lastName: 'Durand' })).id;
    await api.call('purchases.create', { contactId: c, purchasedAt: '2025-03-10T10:00:00.000Z', lines: [{ label: 'Vin', unitPriceCents: 2000 }] });
    await jobResult(api, () => api.call('analytics.configure', { windowMonths: 6, referenceDate: '2025-06-30' }));
    await api.call('analytics.thresholds.recompute', {});
    const period = 'du 1er janv. 2025 au 30 juin 2025';

    const rfm = renderWithApi(
      <ShowCustomersContext.Provider value={() => {}}>
        <AnalysisPage tab="rfm" />
      </ShowCustomersContext.Provider>,
      api,
    );
    const panel = await screen.findByTestId('rfm-panel', {}, WAIT);
    expect(panel.textContent).toContain(`Période analysée : ${period} · 1 client actif, 20,00`);
    expect(screen.getByTestId('rfm-computed-at').textContent).toMatch(/ sur 1 client actif\.$/);
    rfm.unmount();

    renderWithApi(
      <ShowCustomersContext.Provider value={() => {}}>
        <Dashboard />
      </ShowCustomersContext.Provider>,
      api,
    );
    await waitFor(() => expect(screen.getByTestId('dashboard').textContent).toContain(`sur la période d’analyse, ${period}.`), WAIT);
  });
});
