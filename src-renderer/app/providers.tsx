import type { ReactNode } from 'react';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import type { i18n as I18n } from 'i18next';
import { I18nextProvider } from 'react-i18next';
import type { Api } from '@contract';
import { ApiProvider } from '../api/context';
import { SettingsProvider } from './settings';
import { theme } from './theme';

export type AppProvidersProps = {
  api: Api;
  i18n: I18n;
  /** 'test' turns off Mantine's transitions and portals (component tests). */
  env?: 'default' | 'test';
  children: ReactNode;
};

/** Everything a screen needs around it; the app and the component tests use the same stack. */
export const AppProviders = ({ api, i18n, env = 'default', children }: AppProvidersProps) => (
  <MantineProvider theme={theme} defaultColorScheme="auto" env={env}>
    <I18nextProvider i18n={i18n}>
      <ApiProvider api={api}>
        <Notifications position="bottom-right" />
        <SettingsProvider>{children}</SettingsProvider>
      </ApiProvider>
    </I18nextProvider>
  </MantineProvider>
);
