import { Alert, Anchor, Center, Loader, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorCode, errorMessage } from '../../app/errors';
import { navigate, routeHref } from '../../app/router';
import { ContactForm } from './ContactForm';
import { plainName } from './names';
import { useContact } from './use-contact';

/** #/contacts/new and #/contacts/:id/edit */
export const ContactFormPage = ({ id }: { id?: number }) => {
  const { t } = useTranslation();
  const [load] = useContact(id);

  if (id === undefined) {
    return (
      <Stack>
        <Title order={2}>{t('contacts.form.newTitle')}</Title>
        <ContactForm
          onSaved={(contact, { andNew }) => {
            if (!andNew) navigate({ name: 'contact', id: contact.id }, { replace: true });
          }}
          onCancel={() => navigate({ name: 'contacts' }, { replace: true })}
        />
      </Stack>
    );
  }
  if (load.state === 'loading') {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (load.state === 'error') {
    return (
      <Alert color="red" title={errorCode(load.error) === 'NOT_FOUND' ? t('contacts.page.notFound') : t('errors.title')}>
        {errorCode(load.error) === 'NOT_FOUND' ? null : errorMessage(t, load.error)}{' '}
        <Anchor href={routeHref({ name: 'contacts' })}>{t('contacts.backToList')}</Anchor>
      </Alert>
    );
  }
  return (
    <Stack>
      <Title order={2}>{t('contacts.form.editTitle', { name: plainName(t, load.contact) })}</Title>
      <ContactForm
        contact={load.contact}
        onSaved={(contact) => navigate({ name: 'contact', id: contact.id }, { replace: true })}
        onCancel={() => navigate({ name: 'contact', id }, { replace: true })}
      />
    </Stack>
  );
};
