import { useState, type ReactNode } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Box,
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
import { IconArrowLeft, IconCashRegister, IconPencil, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorCode, errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { navigate, routeHref } from '../../app/router';
import { CustomerOutlook } from '../attrition/CustomerOutlook';
import { ConsentPanel } from '../consent/ConsentPanel';
import { LoyaltyPanel } from '../loyalty/LoyaltyPanel';
import { PrivacyActions } from '../privacy/PrivacyActions';
import { RfmBadge } from '../rfm/RfmBadge';
import { ContactTimeline } from '../timeline/ContactTimeline';
import { fullName, plainName } from './names';
import { StatusBadge } from './StatusBadge';
import { useContact } from './use-contact';

/** The contact page's parts below its details, in page order, with the title each shows. */
const SECTIONS = [
  { id: 'timeline', title: 'timeline.title' },
  { id: 'loyalty', title: 'loyalty.title' },
  { id: 'consent', title: 'consent.title' },
  { id: 'privacy', title: 'privacy.actions.title' },
] as const;

type SectionId = (typeof SECTIONS)[number]['id'];

const sectionElementId = (id: SectionId): string => `contact-section-${id}`;

// the margin keeps a section's title clear of the app's header once scrolled to
const Section = ({ id, children }: { id: SectionId; children: ReactNode }) => (
  <Box id={sectionElementId(id)} style={{ scrollMarginTop: 72 }}>
    {children}
  </Box>
);

/**
 * One click to each part of a long page on a laptop screen. Buttons, not
 * links: the address's fragment is the app's route.
 */
const SectionLinks = () => {
  const { t } = useTranslation();
  return (
    <Group gap={4} component="nav" aria-label={t('contacts.page.sections')} data-testid="contact-sections">
      {SECTIONS.map((section) => (
        <Button
          key={section.id}
          variant="subtle"
          size="compact-sm"
          data-testid={`contact-section-link-${section.id}`}
          onClick={() => document.getElementById(sectionElementId(section.id))?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
        >
          {t(section.title)}
        </Button>
      ))}
    </Group>
  );
};

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

const Labelled = ({ label, children }: { label: string | null; children: ReactNode }) => (
  <div>
    {children}
    {label !== null && (
      <Text span size="xs" c="dimmed">
        {' '}
        ({label})
      </Text>
    )}
  </div>
);

const languageName = (code: string, locale: string): string => {
  try {
    const name = new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
    return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
  } catch {
    return code;
  }
};

/** Who the person is, at a glance: company, tags, code, where the record came from. */
const Identity = ({ contact }: { contact: Contact }) => {
  const { t } = useTranslation();
  const company = [contact.jobTitle, contact.companyName].filter((p): p is string => p !== null && p !== '');
  return (
    <Stack gap={6} miw={0}>
      <Group gap="sm" align="center" miw={0}>
        <Title order={2} data-testid="contact-name" style={{ overflowWrap: 'anywhere' }}>
          {fullName(t, contact)}
        </Title>
        <StatusBadge status={contact.status} size="md" />
        <RfmBadge contactId={contact.id} />
        {contact.code !== null && (
          <Badge variant="outline" color="gray" size="md" tt="none" data-testid="contact-code">
            {t('contacts.page.codeBadge', { code: contact.code })}
          </Badge>
        )}
      </Group>
      {company.length > 0 && (
        <Text c="dimmed" data-testid="contact-company">
          {company.join(' · ')}
        </Text>
      )}
      {contact.tags.length > 0 && (
        <Group gap={6} data-testid="contact-tags">
          {contact.tags.map((tag) => (
            <Badge
              key={tag.id}
              variant="light"
              color={tag.color ?? 'grape'}
              tt="none"
              data-testid="contact-tag"
            >
              {tag.name}
            </Badge>
          ))}
        </Group>
      )}
    </Stack>
  );
};

const Details = ({ contact }: { contact: Contact }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const none = <Text span c="dimmed" size="sm">{t('contacts.page.none')}</Text>;
  const place = [contact.postcode, contact.city].filter((p) => p !== null).join(' ');
  const addressLines = [contact.addressLine1, contact.addressLine2, place].filter((l): l is string => l !== null && l !== '');
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="lg">
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Field label={t('contacts.fields.email')} testId="contact-email">
            {contact.email === null ? none : <Anchor href={`mailto:${contact.email}`}>{contact.email}</Anchor>}
          </Field>
          {contact.emails.length > 0 && (
            <Field label={t('contacts.fields.emails')} testId="contact-emails">
              {contact.emails.map((e) => (
                <Labelled key={e.email} label={e.label}>
                  <Anchor href={`mailto:${e.email}`}>{e.email}</Anchor>
                </Labelled>
              ))}
            </Field>
          )}
          <Field label={t('contacts.fields.phone')} testId="contact-phone">
            {contact.phone === null ? none : <Anchor href={`tel:${contact.phone}`}>{fmt.phone(contact.phone)}</Anchor>}
          </Field>
          {contact.phones.length > 0 && (
            <Field label={t('contacts.fields.phones')} testId="contact-phones">
              {contact.phones.map((p) => (
                <Labelled key={p.phone} label={p.label}>
                  <Anchor href={`tel:${p.phone}`}>{fmt.phone(p.phone)}</Anchor>
                </Labelled>
              ))}
            </Field>
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Field label={t('contacts.page.address')} testId="contact-address">
            {addressLines.length === 0 && contact.country === 'FR'
              ? none
              : // the home country goes without saying on a French shop's screen
                [...addressLines, ...(contact.country === 'FR' ? [] : [fmt.country(contact.country)])].map((line, i) => (
                  <div key={i}>{line}</div>
                ))}
          </Field>
          {contact.birthDate !== null && (
            <Field label={t('contacts.fields.birthDate')} testId="contact-birth-date">
              {fmt.date(contact.birthDate)}
            </Field>
          )}
          {contact.language !== null && (
            <Field label={t('contacts.fields.language')} testId="contact-language">
              {languageName(contact.language, fmt.locale)}
            </Field>
          )}
        </Stack>
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
          <Field label={t('contacts.page.lastPurchase')} testId="contact-last-purchase">
            {contact.lastPurchaseAt === null ? none : fmt.date(contact.lastPurchaseAt)}
          </Field>
          {contact.firstPurchaseAt !== null && (
            <Field label={t('contacts.page.firstPurchase')}>{fmt.date(contact.firstPurchaseAt)}</Field>
          )}
          <Field label={t('contacts.page.lastInbound')} testId="contact-last-inbound">
            {contact.lastInboundAt === null ? none : fmt.dateTime(contact.lastInboundAt)}
          </Field>
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Field label={t('contacts.fields.source')} testId="contact-source">
            {t(`contacts.source.${contact.source}`)}
            {contact.sourceDetail !== null && (
              <Text span size="sm" c="dimmed">
                {' — '}
                {contact.sourceDetail}
              </Text>
            )}
          </Field>
          {contact.sourceDate !== null && (
            <Field label={t('contacts.fields.sourceDate')} testId="contact-source-date">
              {fmt.date(contact.sourceDate)}
            </Field>
          )}
          {contact.dataOrigin !== 'own' && (
            <Field label={t('contacts.fields.dataOrigin')} testId="contact-data-origin">
              {t(`contacts.dataOrigin.${contact.dataOrigin}`)}
            </Field>
          )}
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
  const [load, reload] = useContact(id);
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
        <Identity contact={contact} />
        <Group gap="xs" wrap="nowrap">
          <Button
            component="a"
            href={routeHref({ name: 'sale', contactId: contact.id })}
            leftSection={<IconCashRegister size={16} />}
            data-testid="contact-sale"
          >
            {t('contacts.page.recordSale')}
          </Button>
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
      <SectionLinks />
      {/* the history is where a call or a note is written: first, before the figures and the panels the law asks for */}
      <Section id="timeline">
        <ContactTimeline contactId={contact.id} onContactChanged={reload} />
      </Section>
      <CustomerOutlook contactId={contact.id} revision={contact} onChanged={reload} />
      <Section id="loyalty">
        <LoyaltyPanel contact={contact} />
      </Section>
      <Section id="consent">
        <ConsentPanel contact={contact} />
      </Section>
      <Section id="privacy">
        <PrivacyActions contact={contact} />
      </Section>
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
