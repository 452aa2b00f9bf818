import { useEffect, useRef, useState } from 'react';
import {
  ActionIcon,
  AppShell,
  Box,
  Button,
  Group,
  NavLink,
  Stack,
  Text,
  Title,
  Tooltip,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import {
  IconBuildingStore,
  IconCashRegister,
  IconChartDots,
  IconChecklist,
  IconFileImport,
  IconGift,
  IconHome,
  IconMoon,
  IconPackage,
  IconPlus,
  IconSettings,
  IconShieldLock,
  IconSun,
  IconTopologyStar3,
  IconUsers,
  IconUsersGroup,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { AnalysisPage } from '../features/analysis/AnalysisPage';
import { ContactFormPage } from '../features/contacts/ContactFormPage';
import { ContactList, defaultListPrefs, type ListPrefs } from '../features/contacts/ContactList';
import { noFilters, type ListFilters } from '../features/contacts/list-filters';
import { ContactPage } from '../features/contacts/ContactPage';
import { DuplicatesPage } from '../features/duplicates/DuplicatesPage';
import { HomePage } from '../features/home/HomePage';
import { ImportPage } from '../features/imports/ImportPage';
import { CardPage } from '../features/loyalty/CardPage';
import { LoyaltyPage } from '../features/loyalty/LoyaltyPage';
import { ScanListener } from '../features/loyalty/ScanListener';
import { PrivacyPage } from '../features/privacy/PrivacyPage';
import { ProductsPage } from '../features/sales/ProductsPage';
import { SalePage } from '../features/sales/SalePage';
import { SegmentPage, SegmentsPage } from '../features/segments/SegmentsPage';
import { TasksPage } from '../features/timeline/TasksPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { JobIndicator } from './JobIndicator';
import { navigate, routeHref, useRoute, type Route } from './router';
import { useSettings } from './settings';
import { ShowCustomersContext, type ShowCustomers } from './show-customers';
import { isTypingTarget, shortcutFor } from './shortcuts';

const ColorSchemeToggle = () => {
  const { t } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light', { getInitialValueInEffect: true });
  const label = computed === 'dark' ? t('header.lightMode') : t('header.darkMode');
  return (
    <Tooltip label={label}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={label}
        onClick={() => setColorScheme(computed === 'dark' ? 'light' : 'dark')}
        data-testid="color-scheme-toggle"
      >
        {computed === 'dark' ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  );
};

type Section = 'home' | 'contacts' | 'segments' | 'analysis' | 'sale' | 'tasks' | 'products' | 'duplicates' | 'imports' | 'privacy' | 'loyalty' | 'settings';

const section = (route: Route): Section | null => {
  switch (route.name) {
    case 'home':
      return 'home';
    case 'contacts':
    case 'contact':
    case 'contactNew':
    case 'contactEdit':
      return 'contacts';
    case 'settings':
    case 'tasks':
    case 'sale':
    case 'products':
    case 'duplicates':
    case 'imports':
    case 'privacy':
    case 'loyalty':
    case 'analysis':
      return route.name;
    case 'loyaltyCard':
      return 'loyalty';
    case 'segments':
    case 'segment':
      return 'segments';
    case 'notFound':
      return null;
  }
};

const NotFound = () => {
  const { t } = useTranslation();
  return (
    <Stack align="flex-start" data-testid="not-found">
      <Title order={2}>{t('app.notFound')}</Title>
      <Button component="a" href={routeHref({ name: 'home' })} variant="light">
        {t('nav.home')}
      </Button>
    </Stack>
  );
};

const navItems: readonly { route: Route; icon: typeof IconHome }[] = [
  { route: { name: 'home' }, icon: IconHome },
  { route: { name: 'contacts' }, icon: IconUsers },
  { route: { name: 'segments' }, icon: IconTopologyStar3 },
  { route: { name: 'analysis', tab: 'rfm' }, icon: IconChartDots },
  { route: { name: 'sale', contactId: null }, icon: IconCashRegister },
  { route: { name: 'loyalty', tab: 'dashboard' }, icon: IconGift },
  { route: { name: 'tasks' }, icon: IconChecklist },
  { route: { name: 'products' }, icon: IconPackage },
  { route: { name: 'duplicates' }, icon: IconUsersGroup },
  { route: { name: 'imports' }, icon: IconFileImport },
  { route: { name: 'privacy', tab: 'requests' }, icon: IconShieldLock },
  { route: { name: 'settings' }, icon: IconSettings },
];

/** The main window: header, navigation, and the page for the current route. */
export const Shell = () => {
  const { t } = useTranslation();
  const route = useRoute();
  const { settings } = useSettings();
  // the list keeps its search and order while the user visits a contact
  const listPrefs = useRef<ListPrefs>(defaultListPrefs);
  const [searchSignal, setSearchSignal] = useState(0);

  const onContacts = route.name === 'contacts';
  // a segment opens in the list as its only criterion: the list's other filters would silently narrow it
  const showSegment = (segment: NonNullable<ListFilters['segment']>) => {
    listPrefs.current = { ...listPrefs.current, q: '', filters: { ...noFilters, segment }, filtersOpen: false };
    navigate({ name: 'contacts' });
  };
  const showCustomers: ShowCustomers = (name, definition) => showSegment({ name, definition });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const shortcut = shortcutFor(event, isTypingTarget(event.target));
      if (shortcut === null) return;
      event.preventDefault();
      if (shortcut === 'search') {
        if (!onContacts) navigate({ name: 'contacts' });
        setSearchSignal((n) => n + 1);
      } else {
        navigate({ name: 'contactNew' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onContacts]);

  const active = section(route);
  const shopName = settings?.shop.name ?? null;

  let page;
  switch (route.name) {
    case 'home':
      page = <HomePage />;
      break;
    case 'contacts':
      page = (
        <ContactList
          initial={listPrefs.current}
          onPrefsChange={(prefs) => {
            listPrefs.current = prefs;
          }}
          onOpen={(id) => navigate({ name: 'contact', id })}
          onNew={() => navigate({ name: 'contactNew' })}
          focusSignal={searchSignal}
        />
      );
      break;
    case 'contactNew':
      page = <ContactFormPage key="new" />;
      break;
    case 'contact':
      page = <ContactPage key={route.id} id={route.id} />;
      break;
    case 'contactEdit':
      page = <ContactFormPage key={`edit-${route.id}`} id={route.id} />;
      break;
    case 'settings':
      page = <SettingsPage />;
      break;
    case 'tasks':
      page = <TasksPage />;
      break;
    case 'sale':
      page = <SalePage key={route.contactId ?? 'counter'} contactId={route.contactId} />;
      break;
    case 'products':
      page = <ProductsPage />;
      break;
    case 'duplicates':
      page = <DuplicatesPage />;
      break;
    case 'imports':
      page = <ImportPage />;
      break;
    case 'privacy':
      page = <PrivacyPage tab={route.tab} />;
      break;
    case 'loyalty':
      page = <LoyaltyPage tab={route.tab} />;
      break;
    case 'loyaltyCard':
      page = <CardPage key={route.contactId} contactId={route.contactId} />;
      break;
    case 'segments':
      page = <SegmentsPage onShowContacts={showSegment} />;
      break;
    case 'segment':
      page = <SegmentPage key={route.id ?? 'new'} id={route.id} onShowContacts={showSegment} />;
      break;
    case 'analysis':
      page = <AnalysisPage tab={route.tab} />;
      break;
    case 'notFound':
      page = <NotFound />;
      break;
  }

  return (
    <ShowCustomersContext.Provider value={showCustomers}>
      <AppShell header={{ height: 52 }} navbar={{ width: 220, breakpoint: 0 }} padding="md" data-testid="app-shell">
        <ScanListener />
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap" miw={0}>
              <IconBuildingStore size={22} aria-hidden />
              <Text fw={700}>{t('app.name')}</Text>
              {shopName !== null && (
                <Text c="dimmed" truncate data-testid="shop-name-header">
                  {shopName}
                </Text>
              )}
            </Group>
            <Group gap="sm" wrap="nowrap">
              <JobIndicator route={route.name} />
              <ColorSchemeToggle />
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="sm">
          <Stack gap={4}>
            <Button
              leftSection={<IconPlus size={16} />}
              component="a"
              href={routeHref({ name: 'contactNew' })}
              mb="sm"
              title={t('shortcuts.newContact')}
              data-testid="new-contact-button"
            >
              {t('contacts.new')}
            </Button>
            {navItems.map(({ route: target, icon: Icon }) => (
              <NavLink
                key={target.name}
                href={routeHref(target)}
                label={t(`nav.${target.name}`)}
                leftSection={<Icon size={18} />}
                active={active === section(target)}
                data-testid={`nav-${target.name}`}
              />
            ))}
          </Stack>
        </AppShell.Navbar>
        <AppShell.Main h="100dvh" style={{ display: 'flex', flexDirection: 'column' }}>
          <Box style={{ flex: 1, minHeight: 0, overflow: onContacts ? 'hidden' : 'auto' }}>{page}</Box>
        </AppShell.Main>
      </AppShell>
    </ShowCustomersContext.Provider>
  );
};
