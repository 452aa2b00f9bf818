import { useEffect, useState } from 'react';
import { Alert, Anchor, Stack } from '@mantine/core';
import { IconAlertTriangle, IconClockExclamation, IconShieldLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { DUE_SOON_DAYS, type DataBreach, type PrivacyOverdue, type RetentionStatus } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { routeHref } from '../../app/router';

type Alerts = { requests: PrivacyOverdue; retention: RetentionStatus; breaches: DataBreach[] };

/**
 * What the GDPR would hold against the shop today, on the first screen:
 * requests past their deadline (one month), people due for review under the
 * retention rules, breaches past the CNIL's 72 hours. Nothing shows when all
 * is in order.
 */
export const PrivacyAlerts = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [alerts, setAlerts] = useState<Alerts | null>(null);

  useEffect(() => {
    let live = true;
    const load = () => {
      Promise.all([api.call('privacy.requests.overdue', {}), api.call('retention.status', {}), api.call('breaches.list', {})]).then(
        ([requests, retention, breaches]) => live && setAlerts({ requests, retention, breaches }),
        () => live && setAlerts(null),
      );
    };
    load();
    const off = api.on('data.changed', load);
    return () => {
      live = false;
      off();
    };
  }, [api]);

  if (alerts === null) return null;
  const { requests, retention, breaches } = alerts;
  const lateBreaches = breaches.filter((b) => b.cnilOverdue).length;
  const dueForReview = retention.due.prospect + retention.due.customer;
  // a marker, not text: tests (and nobody else) can tell "all clear" from "not loaded yet"
  if (requests.overdue === 0 && requests.dueSoon === 0 && dueForReview === 0 && lateBreaches === 0) {
    return <span hidden data-testid="home-privacy-clear" />;
  }
  return (
    <Stack gap="xs" data-testid="home-privacy-alerts">
      {requests.overdue > 0 && (
        <Alert color="red" icon={<IconClockExclamation size={18} />} data-testid="home-alert-requests-overdue">
          <Anchor href={routeHref({ name: 'privacy', tab: 'requests' })}>
            {t('home.alerts.requestsOverdue', { count: requests.overdue, n: fmt.number(requests.overdue) })}
          </Anchor>
        </Alert>
      )}
      {requests.overdue === 0 && requests.dueSoon > 0 && (
        <Alert color="yellow" icon={<IconClockExclamation size={18} />} data-testid="home-alert-requests-due">
          <Anchor href={routeHref({ name: 'privacy', tab: 'requests' })}>
            {t('home.alerts.requestsDueSoon', { count: requests.dueSoon, n: fmt.number(requests.dueSoon), days: DUE_SOON_DAYS })}
          </Anchor>
        </Alert>
      )}
      {lateBreaches > 0 && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="home-alert-breaches">
          <Anchor href={routeHref({ name: 'privacy', tab: 'breaches' })}>
            {t('home.alerts.breachesLate', { count: lateBreaches, n: fmt.number(lateBreaches) })}
          </Anchor>
        </Alert>
      )}
      {dueForReview > 0 && (
        <Alert color="blue" icon={<IconShieldLock size={18} />} data-testid="home-alert-retention">
          <Anchor href={routeHref({ name: 'privacy', tab: 'retention' })}>
            {t('home.alerts.retentionDue', { count: dueForReview, n: fmt.number(dueForReview) })}
          </Anchor>
        </Alert>
      )}
    </Stack>
  );
};
