import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AnalysisSettingsSection } from '../../src-renderer/features/analysis/AnalysisSettingsSection';
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
    await waitFor(async () => expect((await api.call('analytics.status', {})).referenceDate).toBe('2025-06-30'));
    const status = await api.call('analytics.status', {});
    expect(status).toMatchObject({ windowMonths: 6, riskFactor: 2, window: { start: '2025-01-01T00:00:00.000Z', end: '2025-07-01T00:00:00.000Z' } });
    // the sale of March is in the new window: the customer is active there
    expect((await api.call('analytics.rfm', {})).customers).toBe(1);
    expect(await screen.findByTestId('analysis-window-now')).toHaveProperty('textContent', expect.stringContaining('2025'));
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
});
