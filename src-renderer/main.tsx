import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './app/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createDefaultApi } from './api';
import { App } from './app/App';
import { createI18n, resolveLanguage, systemLanguage } from './app/i18n';
import { AppProviders } from './app/providers';

const root = document.getElementById('root');
if (root === null) throw new Error('#root missing from index.html');

// the saved language is applied once settings load; until then, the system's
const i18n = createI18n(resolveLanguage(null, systemLanguage()));

createRoot(root).render(
  <StrictMode>
    <AppProviders api={createDefaultApi()} i18n={i18n}>
      <App />
    </AppProviders>
  </StrictMode>,
);
