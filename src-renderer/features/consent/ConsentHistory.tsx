import { useState } from 'react';
import { Badge, Button, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConsentEvent, ConsentEventKind } from '@contract';
import { useFormatters } from '../../app/format';
import { shortHash } from './labels';

/** Enough rows to see the latest consent given at the counter (up to one per box) without scrolling away. */
const FIRST_ROWS = 8;

export const eventColors: Record<ConsentEventKind, string> = {
  granted: 'teal',
  withdrawn: 'orange',
  objected: 'red',
  informed: 'blue',
};

/** The ledger as proof: what, when, how, by whom, and which exact wording. */
export const ConsentHistory = ({ events }: { events: readonly ConsentEvent[] }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [all, setAll] = useState(false);
  const shown = all ? events : events.slice(0, FIRST_ROWS);
  return (
    <Stack gap="xs" data-testid="consent-history">
      <Title order={4}>{t('consent.history.title', { n: fmt.number(events.length) })}</Title>
      {events.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="consent-history-empty">
          {t('consent.history.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped verticalSpacing={4} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('consent.history.when')}</Table.Th>
                <Table.Th>{t('consent.history.what')}</Table.Th>
                <Table.Th>{t('consent.history.scope')}</Table.Th>
                <Table.Th>{t('consent.history.method')}</Table.Th>
                <Table.Th>{t('consent.history.operator')}</Table.Th>
                <Table.Th>{t('consent.history.wording')}</Table.Th>
                <Table.Th>{t('consent.history.source')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((e) => (
                <Table.Tr
                  key={e.id}
                  data-testid="consent-history-row"
                  data-event={e.event}
                  data-channel={e.channel}
                  data-purpose={e.purpose}
                  data-wording-version={e.wordingVersion ?? ''}
                >
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <time dateTime={e.at}>{fmt.dateTime(e.at)}</time>
                  </Table.Td>
                  <Table.Td>
                    <Badge size="sm" variant="light" color={eventColors[e.event]} tt="none">
                      {t(`consent.event.${e.event}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {t(`consent.channel.${e.channel}`)} · {t(`consent.purpose.${e.purpose}`)}
                  </Table.Td>
                  <Table.Td>{t(`consent.method.${e.method}`)}</Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{e.operator}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }} title={e.wordingHash ?? undefined}>
                    {e.wordingVersion === null ? '—' : t('consent.history.wordingRef', { version: e.wordingVersion, hash: shortHash(e.wordingHash) })}
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    {e.sourceFile === null
                      ? '—'
                      : e.sourceLine === null
                        ? e.sourceFile
                        : t('consent.history.sourceLine', { file: e.sourceFile, line: e.sourceLine })}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {events.length > FIRST_ROWS && (
        <Button variant="subtle" size="compact-sm" onClick={() => setAll((a) => !a)} style={{ alignSelf: 'flex-start' }} data-testid="consent-history-toggle">
          {all ? t('consent.history.showLess') : t('consent.history.showAll', { n: fmt.number(events.length) })}
        </Button>
      )}
    </Stack>
  );
};
