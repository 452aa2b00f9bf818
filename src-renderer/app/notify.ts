import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { errorMessage } from './errors';

export const notifyError = (t: TFunction, error: unknown): void => {
  notifications.show({ color: 'red', title: t('errors.title'), message: errorMessage(t, error), autoClose: 8000 });
};

export const notifySuccess = (message: string): void => {
  notifications.show({ color: 'teal', message, autoClose: 3000 });
};
