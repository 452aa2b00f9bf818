import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconPrinter } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Member } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { routeHref } from '../../app/router';
import { useSettings } from '../../app/settings';
import { code128Svg, qrSvg } from './barcodes';
import { loyaltyErrorMessage, spacedCardNumber } from './messages';
import './card.css';

/** The card itself, at its real size: what the printer gets. */
export const LoyaltyCardFace = ({ member, shopName }: { member: Member; shopName: string }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const number = member.card.number;
  // generated here from 13 digits checked by the store: no user text reaches the markup
  const barcode = { __html: code128Svg(number) };
  const qr = { __html: qrSvg(number) };
  return (
    <div className="loyalty-card" data-testid="loyalty-card" data-number={number}>
      <div className="loyalty-card__band">
        <div className="loyalty-card__shop" data-testid="loyalty-card-shop">
          {shopName}
        </div>
        <div className="loyalty-card__kind">{t('loyalty.card.kind')}</div>
      </div>
      <div className="loyalty-card__holder">
        <div className="loyalty-card__name" data-testid="loyalty-card-name">
          {member.name}
        </div>
        <div className="loyalty-card__since">{t('loyalty.member.since', { date: fmt.date(member.enrolledAt) })}</div>
      </div>
      <div className="loyalty-card__codes">
        <div
          className="loyalty-card__barcode"
          role="img"
          aria-label={t('loyalty.card.barcodeLabel', { number })}
          data-testid="loyalty-card-barcode"
          dangerouslySetInnerHTML={barcode}
        />
        <div className="loyalty-card__number">{spacedCardNumber(number)}</div>
      </div>
      <div className="loyalty-card__qr" role="img" aria-label={t('loyalty.card.qrLabel', { number })} data-testid="loyalty-card-qr" dangerouslySetInnerHTML={qr} />
    </div>
  );
};

/** #/loyalty/card/:contactId — the card to print (or save as PDF), reprinted whenever needed. */
export const CardPage = ({ contactId }: { contactId: number }) => {
  const api = useApi();
  const { t } = useTranslation();
  const { settings } = useSettings();
  const [state, setState] = useState<{ member: Member | null } | { error: unknown } | null>(null);

  useEffect(() => {
    let live = true;
    api.call('loyalty.member', { id: contactId }).then(
      (member) => live && setState({ member }),
      (error: unknown) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [api, contactId]);

  const back = (
    <Anchor href={routeHref({ name: 'contact', id: contactId })} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        {t('loyalty.card.back')}
      </Group>
    </Anchor>
  );

  if (state === null) {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if ('error' in state || state.member === null) {
    return (
      <Stack align="flex-start">
        {back}
        <Alert color="yellow" data-testid="loyalty-card-missing">
          {'error' in state ? loyaltyErrorMessage(t, state.error) : t('loyalty.card.notMember')}
        </Alert>
      </Stack>
    );
  }
  const { member } = state;
  return (
    <Stack align="flex-start" data-testid="loyalty-card-page">
      {back}
      <Group justify="space-between" w="100%">
        <Title order={2}>{t('loyalty.card.title')}</Title>
        <Button leftSection={<IconPrinter size={16} />} onClick={() => window.print()} data-testid="loyalty-card-print">
          {t('loyalty.card.printNow')}
        </Button>
      </Group>
      {member.card.status !== 'active' && (
        <Alert color="orange" data-testid="loyalty-card-inactive">
          {t('loyalty.card.inactive', { status: t(`loyalty.cardStatus.${member.card.status}`) })}
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        {t('loyalty.card.hint')}
      </Text>
      <LoyaltyCardFace member={member} shopName={settings?.shop.name ?? t('app.name')} />
    </Stack>
  );
};
