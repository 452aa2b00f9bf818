import { Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Placeholder until the feature lands. */
export const ImportPage = () => {
  const { t } = useTranslation();
  return <Title order={2}>{t('nav.imports')}</Title>;
};
