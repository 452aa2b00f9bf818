import { Alert, Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';

/** What an analysis tab shows before its figures arrive: why they did not, or a loader. */
export const Waiting = ({ error }: { error: unknown }) => {
  const { t } = useTranslation();
  if (error !== null) return <Alert color="red">{`${t('rfm.error')} ${errorMessage(t, error)}`}</Alert>;
  return (
    <Center py="xl">
      <Loader aria-label={t('app.loading')} />
    </Center>
  );
};
