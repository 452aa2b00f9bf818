import { useEffect, useState } from 'react';
import { Button, Center, Group, Loader, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LedgerEntry } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { loyaltyErrorMessage } from './messages';

const PAGE = 20;

type Page = { entries: LedgerEntry[]; nextCursor: string | null };

/** The member's points history, newest first, a page at a time (a loyal customer has years of it). */
export const LedgerTable = ({ contactId, revision }: { contactId: number; revision: number }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [more, setMore] = useState(false);

  useEffect(() => {
    let live = true;
    api.call('loyalty.ledger', { contactId, limit: PAGE }).then(
      (p) => {
        if (!live) return;
        setPage(p);
        setError(null);
      },
      (e: unknown) => live && setError(loyaltyErrorMessage(t, e)),
    );
    return () => {
      live = false;
    };
  }, [api, contactId, revision, t]);

  const loadMore = async () => {
    if (page?.nextCursor == null) return;
    setMore(true);
    try {
      const next = await api.call('loyalty.ledger', { contactId, cursor: page.nextCursor, limit: PAGE });
      setPage({ entries: [...page.entries, ...next.entries], nextCursor: next.nextCursor });
    } catch (e) {
      setError(loyaltyErrorMessage(t, e));
    } finally {
      setMore(false);
    }
  };

  if (error !== null) return <Text c="red" size="sm">{error}</Text>;
  if (page === null) {
    return (
      <Center py="sm">
        <Loader size="sm" aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (page.entries.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="loyalty-ledger-empty">
        {t('loyalty.ledger.empty')}
      </Text>
    );
  }

  // the store writes machine reasons on referral credits: say them in words
  const reason = (e: LedgerEntry): string | null => {
    if (e.kind !== 'referral' || e.reason === null) return e.reason;
    if (e.reason === 'referred') return t('loyalty.ledger.referred');
    const m = /^referrer:(\d+)$/.exec(e.reason);
    return m ? t('loyalty.ledger.referrer', { id: m[1] }) : e.reason;
  };

  const detail = (e: LedgerEntry): string =>
    [
      reason(e),
      e.voucherCode === null ? null : t('loyalty.ledger.voucher', { code: e.voucherCode }),
      e.purchaseId === null ? null : t('loyalty.ledger.purchase', { id: e.purchaseId }),
      e.lotExpiresOn === null ? null : t('loyalty.ledger.expires', { date: fmt.date(e.lotExpiresOn) }),
    ]
      .filter((p): p is string => p !== null && p !== '')
      .join(' · ');

  return (
    <>
      <Table verticalSpacing={4} data-testid="loyalty-ledger">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={170}>{t('loyalty.ledger.date')}</Table.Th>
            <Table.Th w={150}>{t('loyalty.ledger.kind')}</Table.Th>
            <Table.Th w={100} ta="right">
              {t('loyalty.ledger.points')}
            </Table.Th>
            <Table.Th>{t('loyalty.ledger.detail')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {page.entries.map((e) => (
            <Table.Tr key={e.id} data-testid="loyalty-ledger-row" data-kind={e.kind} data-points={e.points}>
              <Table.Td>
                <Text size="sm">{fmt.dateTime(e.at)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{t(`loyalty.kind.${e.kind}`)}</Text>
              </Table.Td>
              <Table.Td ta="right">
                <Text size="sm" fw={600} c={e.points < 0 ? 'red.7' : 'teal.7'}>
                  {e.points > 0 ? '+' : ''}
                  {fmt.number(e.points)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  {detail(e)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {page.nextCursor !== null && (
        <Group justify="center">
          <Button variant="subtle" size="xs" loading={more} onClick={() => void loadMore()} data-testid="loyalty-ledger-more">
            {t('loyalty.ledger.more')}
          </Button>
        </Group>
      )}
    </>
  );
};

