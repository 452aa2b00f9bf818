import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Badge, Group, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconUsers } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { CheckDuplicatesInput, DuplicateCandidate } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { routeHref } from '../../app/router';

const CHECK_DEBOUNCE_MS = 300;
const SHOWN_MAX = 5;

export type DuplicateProbe = Pick<CheckDuplicatesInput, 'firstName' | 'lastName' | 'email' | 'phone' | 'postcode' | 'excludeId'>;

const worthChecking = (p: DuplicateProbe): boolean =>
  [p.email, p.phone, p.firstName, p.lastName].some((v) => (v ?? '').trim() !== '');

/**
 * Records that look like the one being typed, checked a moment after the
 * typing stops. A half-typed value simply matches nothing; a failed check
 * shows nothing (it is a hint, never a reason to block the capture).
 */
export const useDuplicateCandidates = (probe: DuplicateProbe): DuplicateCandidate[] => {
  const api = useApi();
  const key = JSON.stringify(probe);
  const [debounced] = useDebouncedValue(key, CHECK_DEBOUNCE_MS);
  const [found, setFound] = useState<{ key: string; rows: DuplicateCandidate[] }>({ key: '', rows: [] });

  useEffect(() => {
    const input = JSON.parse(debounced) as DuplicateProbe;
    if (!worthChecking(input)) return;
    let live = true;
    api.call('contacts.checkDuplicates', { ...input, limit: SHOWN_MAX }).then(
      (rows) => live && setFound({ key: debounced, rows }),
      () => live && setFound({ key: debounced, rows: [] }),
    );
    return () => {
      live = false;
    };
  }, [api, debounced]);

  // what was found for an older text stays until the new answer: no flicker while typing on
  return worthChecking(probe) ? found.rows : [];
};

/** The warning under the capture form; the user may still save. */
export const DuplicateWarning = ({ candidates }: { candidates: DuplicateCandidate[] }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const shown = useRef<HTMLDivElement>(null);
  const found = candidates.map((c) => c.id).join(',');
  useEffect(() => {
    // it sits under the form, below the fold of a laptop screen while the top fields are typed: brought into sight once per new find
    if (found !== '') shown.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
  }, [found]);
  if (candidates.length === 0) return null;
  return (
    <Alert
      ref={shown}
      color="yellow"
      variant="light"
      icon={<IconUsers size={18} />}
      title={t('contacts.duplicates.title', { count: candidates.length })}
      data-testid="duplicate-warning"
    >
      <Stack gap={6}>
        {candidates.map((c) => (
          <Group key={c.id} gap="xs" wrap="wrap" data-testid="duplicate-candidate" data-contact-id={c.id}>
            <Anchor href={routeHref({ name: 'contact', id: c.id })} fw={600} size="sm" data-testid="duplicate-open">
              {c.name === '' ? t('contacts.unnamed') : c.name}
            </Anchor>
            <Text size="xs" c="dimmed">
              {[c.email, c.phone === null ? null : fmt.phone(c.phone), [c.postcode, c.city].filter(Boolean).join(' ')]
                .filter((p) => p !== null && p !== '')
                .join(' · ')}
            </Text>
            {c.reasons.map((r) => (
              <Badge key={r} size="xs" variant="outline" color="yellow" data-testid="duplicate-reason" data-reason={r}>
                {t(`duplicates.reason.${r}`)}
              </Badge>
            ))}
          </Group>
        ))}
        <Text size="xs" c="dimmed">
          {t('contacts.duplicates.hint')}
        </Text>
      </Stack>
    </Alert>
  );
};
