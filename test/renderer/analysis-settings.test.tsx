import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AnalysisSettingsSection } from '../../src-renderer/features/analysis/AnalysisSettingsSection';
import { jobResult } from '../jobs';
import { openTestStore, renderWithApi } from './render';

configure({ asyncUtilTimeout: 10_000 });

describe('analysis settings', () => {
  it('saves a window, a reference date and a factor, and recomputes with them', async () => {
    const { api } = await openTestStore();
    const c = (await api.call('contacts.create', { firstName: 'Anne', lastName: 'Durand' })).id;
    await api.call('purchases.create', { contactId: c, purchasedAt: '2025-03-10T10:00:00.000Z', lines: [{ label: 'Vin', unitPriceCents: 2000 }] });
    const user = userEvent.setup();
    renderWithApi(<AnalysisSettingsSection />, api);
    const months = await screen.findByTestId('analysis-window-months');
    await user.clear(months);
    await user.type(months, '6');
    await user.type(screen.getByTestId('analysis-reference-date'), '30/06/2025');
    const factor = screen.getByTestId('analysis-risk-factor');
    await user.clear(factor);
    await user.type(factor, '2');
    await user.click(screen.getByTestId('analysis-settings-save'));
    // saved by a job: its end is told, the button is back
    expect(await screen.findByText('Période d’analyse enregistrée, chiffres recalculés.')).toBeTruthy();
    await screen.findByTestId('analysis-settings-save');
    await waitFor(async () => expect((await api.call('analytics.status', {})).referenceDate).toBe('2025-06-30'));
    const status = await api.call('analytics.status', {});
    expect(status).toMatchObject({ windowMonths: 6, riskFactor: 2, window: { start: '2025-01-01T00:00:00.000Z', end: '2025-07-01T00:00:00.000Z' } });
    // the sale of March is in the new window: the customer is active there
    expect((await api.call('analytics.rfm', {})).customers).toBe(1);
    expect(await screen.findByTestId('analysis-window-now')).toHaveProperty(
      'textContent',
      'Période calculée : du 1er janv. 2025 au 30 juin 2025.',
    );
  });

  it.each([
    // the start is a year back from today: any day of a month
    ['fr', /^Période calculée : du (1er|\d{1,2}) \S+ \d{4} jusqu’à aujourd’hui\.$/],
    ['en', /^Period covered: from \d{1,2} \w+ \d{4} up to today\.$/],
  ] as const)('says the period runs up to today when it follows today (%s)', async (language, sentence) => {
    const { api } = await openTestStore(language);
    renderWithApi(<AnalysisSettingsSection />, api, language);
    expect((await screen.findByTestId('analysis-window-now')).textContent).toMatch(sentence);
  });

  it('shows a date that is not one on its field and changes nothing', async () => {
    const { api } = await openTestStore();
    const before = await api.call('analytics.status', {});
    const user = userEvent.setup();
    renderWithApi(<AnalysisSettingsSection />, api);
    await user.type(await screen.findByTestId('analysis-reference-date'), '31/02/2025');
    await user.click(screen.getByTestId('analysis-settings-save'));
    await screen.findByText(/date/i, { selector: '.mantine-TextInput-error, .mantine-InputWrapper-error' });
    expect(await api.call('analytics.status', {})).toEqual(before);
  });

  it('shows the refill running in place of the button; Cancel keeps the settings and says so', async () => {
    const { api } = await openTestStore();
    // enough sales for a refill of a second or more: time to press Cancel
    await jobResult(api, () => api.call('demo.generate', { customers: 20_000, purchasesPerCustomer: 10 }));
    const before = await api.call('analytics.status', {});
    const user = userEvent.setup();
    renderWithApi(<AnalysisSettingsSection />, api);
    const months = await screen.findByTestId('analysis-window-months');
    await user.clear(months);
    await user.type(months, '3');
    await user.click(screen.getByTestId('analysis-settings-save'));
    await screen.findByTestId('analysis-job');
    expect(screen.queryByTestId('analysis-settings-save')).toBeNull();
    expect(screen.getByText('Enregistrement des réglages et recalcul des analyses')).toBeTruthy();
    await user.click(screen.getByTestId('analysis-job-cancel'));
    const ended = await screen.findByTestId('analysis-settings-ended', {}, { timeout: 25_000 });
    expect(ended.getAttribute('data-status')).toBe('cancelled');
    expect(ended.textContent).toBe('Recalcul arrêté : les réglages et les chiffres sont restés ceux d’avant.');
    expect(await api.call('analytics.status', {})).toEqual(before);
    // the fields show the settings kept
    await waitFor(() => expect((screen.getByTestId('analysis-window-months') as HTMLInputElement).value).toBe('12'));
  }, 60_000);

  it('takes back a refill that started before the page opened, and keeps its end silent there', async () => {
    const { api } = await openTestStore('en');
    await jobResult(api, () => api.call('demo.generate', { customers: 20_000, purchasesPerCustomer: 10 }));
    const { jobId } = await api.call('analytics.recompute', {});
    renderWithApi(<AnalysisSettingsSection />, api, 'en');
    await screen.findByTestId('analysis-job');
    expect(screen.getByText('Recomputing the analyses')).toBeTruthy();
    // its end: the button back, no alert (done), and no word of saved settings (none were)
    await screen.findByTestId('analysis-settings-save', {}, { timeout: 25_000 });
    expect(screen.queryByTestId('analysis-settings-ended')).toBeNull();
    expect(screen.queryByText('Analysis period saved, figures recomputed.')).toBeNull();
    expect((await api.call('jobs.running', {})).map((j) => j.jobId)).not.toContain(jobId);
  }, 60_000);
});
