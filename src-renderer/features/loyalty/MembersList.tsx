import { useEffect, useState } from 'react';
import { Anchor, Button, Center, Group, Loader, NativeSelect, Stack, Table, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LoyaltyProgramme, MemberPage } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { routeHref } from '../../app/router';
import { loyaltyErrorMessage, spacedCardNumber, tierName } from './messages';

const PAGE = 50;
const integer = (text: string): number | undefined => (/^-?\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : undefined);

/** Members by tier and balance (who is close to a reward, who sits on points), a page at a time. */
export const MembersList = ({ programme }: { programme: LoyaltyProgramme | null }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [tier, setTier] = useState('');
  const [min, setMin] = useState('');
  const [max, setMax] = useState('');
  const [page, setPage] = useState<MemberPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [more, setMore] = useState(false);

  const filter = { ...(tier === '' ? {} : { tier }), ...(integer(min) === undefined ? {} : { minBalance: integer(min) }), ...(integer(max) === undefined ? {} : { maxBalance: integer(max) }) };
  const key = JSON.stringify(filter);

  useEffect(() => {
    let live = true;
    const handle = setTimeout(() => {
      api.call('loyalty.members', { ...(JSON.parse(key) as object), limit: PAGE }).then(
        (p) => {
          if (!live) return;
          setPage(p);
          setError(null);
        },
        (e: unknown) => live && setError(loyaltyErrorMessage(t, e)),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(handle);
    };
  }, [api, key, t]);

  const loadMore = async () => {
    if (page?.nextCursor == null) return;
    setMore(true);
    try {
      const next = await api.call('loyalty.members', { ...filter, cursor: page.nextCursor, limit: PAGE });
      setPage({ ...next, rows: [...page.rows, ...next.rows] });
    } catch (e) {
      setError(loyaltyErrorMessage(t, e));
    } finally {
      setMore(false);
    }
  };

  return (
    <Stack data-testid="members-list">
      <Group align="flex-end">
        <NativeSelect
          label={t('loyalty.members.tier')}
          value={tier}
          onChange={(e) => setTier(e.currentTarget.value)}
          data={[{ value: '', label: t('loyalty.members.allTiers') }, ...(programme?.tiers ?? []).map((x) => ({ value: x.key, label: x.name }))]}
          data-testid="members-tier"
        />
        <TextInput label={t('loyalty.members.minBalance')} value={min} onChange={(e) => setMin(e.currentTarget.value)} inputMode="numeric" w={140} data-testid="members-min" />
        <TextInput label={t('loyalty.members.maxBalance')} value={max} onChange={(e) => setMax(e.currentTarget.value)} inputMode="numeric" w={140} data-testid="members-max" />
        {page !== null && (
          <Text size="sm" c="dimmed" mb={8} data-testid="members-total">
            {t('loyalty.members.total', { count: page.total, n: fmt.number(page.total) })}
          </Text>
        )}
      </Group>
      {error !== null && <Text c="red">{error}</Text>}
      {page === null ? (
        <Center py="md">
          <Loader size="sm" aria-label={t('app.loading')} />
        </Center>
      ) : (
        <>
          <Table verticalSpacing={4} data-testid="members-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('loyalty.members.name')}</Table.Th>
                <Table.Th>{t('loyalty.members.card')}</Table.Th>
                <Table.Th>{t('loyalty.members.tier')}</Table.Th>
                <Table.Th ta="right">{t('loyalty.members.balance')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {page.rows.map((row) => (
                <Table.Tr key={row.contactId} data-testid="member-row">
                  <Table.Td>
                    <Anchor href={routeHref({ name: 'contact', id: row.contactId })} size="sm">
                      {row.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ff="monospace">{spacedCardNumber(row.cardNumber)}</Table.Td>
                  <Table.Td>{tierName(programme, row.tier)}</Table.Td>
                  <Table.Td ta="right">{fmt.number(row.balance)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {page.rows.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('loyalty.members.none')}
            </Text>
          )}
          {page.nextCursor !== null && (
            <Group justify="center">
              <Button variant="subtle" loading={more} onClick={() => void loadMore()} data-testid="members-more">
                {t('loyalty.members.more')}
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
};
