import { useState, type ReactNode } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconArrowLeft, IconPencil, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorCode, errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { navigate, routeHref } from '../../app/router';
import { fullName, plainName } from './names';
import { StatusBadge } from './StatusBadge';
import { useContact } from './use-contact';

const Field = ({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) => (
  <Stack gap={2}>
    <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
      {label}
    </Text>
    <Text size="sm" component="div" data-testid={testId}>
      {children}
    </Text>
  </Stack>
);

const Details = ({ contact }: { contact: Contact }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const none = <Text span c="dimmed" size="sm">{t('contacts.page.none')}</Text>;
  const place = [contact.postcode, contact.city].filter((p) => p !== null).join(' ');
  const addressLines = [contact.addressLine1, contact.addressLine2, place].filter((l): l is string => l !== null && l !== '');
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg">
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Field label={t('contacts.fields.email')} testId="contact-email">
            {contact.email === null ? none : <Anchor href={`mailto:${contact.email}`}>{contact.email}</Anchor>}
          </Field>
          <Field label={t('contacts.fields.phone')} testId="contact-phone">
            {contact.phone === null ? none : <Anchor href={`tel:${contact.phone}`}>{fmt.phone(contact.phone)}</Anchor>}
          </Field>
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Field label={t('contacts.page.address')} testId="contact-address">
          {addressLines.length === 0 && contact.country === 'FR'
            ? none
            : // the home country goes without saying on a French shop's screen
              [...addressLines, ...(contact.country === 'FR' ? [] : [fmt.country(contact.country)])].map((line, i) => (
                <div key={i}>{line}</div>
              ))}
        </Field>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Field label={t('contacts.page.purchases')} testId="contact-purchases">
            {contact.purchaseCount === 0
              ? t('contacts.page.noPurchase')
              : t('contacts.page.purchaseSummary', {
                  count: contact.purchaseCount,
                  n: fmt.number(contact.purchaseCount),
                  total: fmt.money(contact.totalCents),
                })}
          </Field>
          <Field label={t('contacts.page.lastPurchase')}>
            {contact.lastPurchaseAt === null ? none : fmt.date(contact.lastPurchaseAt)}
          </Field>
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Field label={t('contacts.fields.source')} testId="contact-source">
            {t(`contacts.source.${contact.source}`)}
          </Field>
          <Field label={t('contacts.page.created')}>{fmt.dateTime(contact.createdAt)}</Field>
          <Field label={t('contacts.page.updated')}>{fmt.dateTime(contact.updatedAt)}</Field>
        </Stack>
      </Paper>
    </SimpleGrid>
  );
};

/** #/contacts/:id */
export const ContactPage = ({ id }: { id: number }) => {
  const api = useApi();
  const { t } = useTranslation();
  const [load] = useContact(id);
  const [confirming, setConfirming] = useState(false);

  if (load.state === 'loading') {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (load.state === 'error') {
    const missing = errorCode(load.error) === 'NOT_FOUND';
    return (
      <Alert
        color={missing ? 'yellow' : 'red'}
        title={missing ? t('contacts.page.notFound') : t('errors.title')}
        data-testid="contact-missing"
      >
        {missing ? null : errorMessage(t, load.error)}{' '}
        <Anchor href={routeHref({ name: 'contacts' })}>{t('contacts.backToList')}</Anchor>
      </Alert>
    );
  }
  const { contact } = load;

  const remove = async () => {
    try {
      await api.call('contacts.delete', { id: contact.id });
      setConfirming(false);
      notifySuccess(t('contacts.delete.done', { name: plainName(t, contact) }));
      navigate({ name: 'contacts' }, { replace: true });
    } catch (error) {
      notifyError(t, error);
    }
  };

  return (
    <Stack data-testid="contact-page" data-contact-id={contact.id}>
      <Anchor href={routeHref({ name: 'contacts' })} size="sm">
        <Group gap={4} component="span">
          <IconArrowLeft size={14} aria-hidden />
          {t('contacts.backToList')}
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Group gap="sm" align="center" miw={0}>
          <Title order={2} data-testid="contact-name" style={{ overflowWrap: 'anywhere' }}>
            {fullName(t, contact)}
          </Title>
          <StatusBadge status={contact.status} size="md" />
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Button
            component="a"
            href={routeHref({ name: 'contactEdit', id: contact.id })}
            leftSection={<IconPencil size={16} />}
            variant="light"
            data-testid="contact-edit"
          >
            {t('common.edit')}
          </Button>
          <Button
            color="red"
            variant="light"
            leftSection={<IconTrash size={16} />}
            onClick={() => setConfirming(true)}
            data-testid="contact-delete"
          >
            {t('common.delete')}
          </Button>
        </Group>
      </Group>
      <Details contact={contact} />
      <ConfirmDialog
        opened={confirming}
        title={t('contacts.delete.title')}
        confirmLabel={t('common.delete')}
        danger
        testId="delete-confirm"
        onConfirm={remove}
        onClose={() => setConfirming(false)}
      >
        {t('contacts.delete.confirm', { name: plainName(t, contact) })}
      </ConfirmDialog>
    </Stack>
  );
};
