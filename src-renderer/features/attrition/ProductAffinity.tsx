import { useEffect, useState } from 'react';
import { ActionIcon, Loader, Modal, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconShoppingBagPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ProductAffinity as Affinity } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { OfferList } from './CustomerOutlook';

/** "Often bought with": products in the same recent baskets, then bought by the same customers. */
export const ProductAffinity = ({ productId }: { productId: number }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [data, setData] = useState<Affinity | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    setData(null);
    api.call('analytics.product.affinity', { productId }).then(
      (d) => live && setData(d),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [api, productId]);

  if (failed) return <Text c="red">{t('attrition.error')}</Text>;
  if (data === null) return <Loader size="sm" />;
  return (
    <Stack gap="xs" data-testid="product-affinity">
      <Title order={5}>{t('attrition.affinity.title')}</Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Stack gap={2}>
          <Text fw={600} size="sm">
            {t('attrition.affinity.sameBasket')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('attrition.affinity.basketsHelp', { count: data.baskets, n: fmt.number(data.baskets) })}
          </Text>
          {data.sameBasket.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('attrition.affinity.none')}
            </Text>
          ) : (
            <OfferList offers={data.sameBasket} testId="affinity-basket" />
          )}
        </Stack>
        <Stack gap={2}>
          <Text fw={600} size="sm">
            {t('attrition.affinity.sameCustomers')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('attrition.affinity.customersHelp', { n: fmt.number(data.customers) })}
          </Text>
          {data.sameCustomers.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('attrition.affinity.none')}
            </Text>
          ) : (
            <OfferList offers={data.sameCustomers} testId="affinity-customers" />
          )}
        </Stack>
      </SimpleGrid>
    </Stack>
  );
};

/** The products page's row action: opens "often bought with" for one product. */
export const ProductAffinityButton = ({ productId, name }: { productId: number; name: string }) => {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  return (
    <>
      <ActionIcon
        variant="subtle"
        aria-label={t('attrition.affinity.openFor', { name })}
        onClick={(e) => {
          e.stopPropagation();
          setOpened(true);
        }}
        data-testid="product-affinity-open"
      >
        <IconShoppingBagPlus size={16} />
      </ActionIcon>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title={<Text fw={600}>{name}</Text>}
        size="lg"
        // a click inside must not reach the row behind, which opens the product form
        onClick={(e) => e.stopPropagation()}
      >
        {opened && <ProductAffinity productId={productId} />}
      </Modal>
    </>
  );
};
