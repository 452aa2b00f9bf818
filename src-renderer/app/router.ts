import { useSyncExternalStore } from 'react';

/** The privacy page's tabs, each its own address so a dashboard warning can link to one. */
export const privacyTabs = ['requests', 'retention', 'register', 'breaches', 'audit'] as const;
export type PrivacyTab = (typeof privacyTabs)[number];
const isPrivacyTab = (raw: string | undefined): raw is PrivacyTab => (privacyTabs as readonly (string | undefined)[]).includes(raw);

/** The loyalty page's tabs, each its own address (a bookmark, the back button, a link from elsewhere). */
export const loyaltyTabs = ['dashboard', 'members', 'rewards', 'programme', 'bonus'] as const;
export type LoyaltyTab = (typeof loyaltyTabs)[number];
const isLoyaltyTab = (raw: string | undefined): raw is LoyaltyTab => (loyaltyTabs as readonly (string | undefined)[]).includes(raw);

/** The Analyse page's tabs (issue 6), each its own address so the dashboard can link to one. */
export const analysisTabs = ['rfm', 'pareto', 'attrition'] as const;
export type AnalysisTab = (typeof analysisTabs)[number];
const isAnalysisTab = (raw: string | undefined): raw is AnalysisTab => (analysisTabs as readonly (string | undefined)[]).includes(raw);

export type Route =
  | { name: 'home' }
  | { name: 'contacts' }
  | { name: 'contactNew' }
  | { name: 'contact'; id: number }
  | { name: 'contactEdit'; id: number }
  | { name: 'settings' }
  | { name: 'tasks' }
  | { name: 'sale'; contactId: number | null }
  | { name: 'products' }
  | { name: 'duplicates' }
  | { name: 'imports' }
  | { name: 'privacy'; tab: PrivacyTab }
  | { name: 'loyalty'; tab: LoyaltyTab }
  | { name: 'loyaltyCard'; contactId: number }
  | { name: 'segments' }
  /** id null: a new segment. */
  | { name: 'segment'; id: number | null }
  | { name: 'analysis'; tab: AnalysisTab }
  | { name: 'notFound'; path: string };

const parseId = (raw: string | undefined): number | null =>
  raw !== undefined && /^[1-9]\d{0,15}$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : null;

/** Pages reached by one path segment: `#/tasks` … */
const singlePages: Readonly<Record<string, Route>> = {
  settings: { name: 'settings' },
  tasks: { name: 'tasks' },
  sale: { name: 'sale', contactId: null },
  products: { name: 'products' },
  duplicates: { name: 'duplicates' },
  imports: { name: 'imports' },
  privacy: { name: 'privacy', tab: 'requests' },
  loyalty: { name: 'loyalty', tab: 'dashboard' },
  segments: { name: 'segments' },
  analysis: { name: 'analysis', tab: 'rfm' },
};

/** `#/contacts/12/edit` → route; anything unknown is `notFound`, never an exception. */
export const parseHash = (hash: string): Route => {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  const parts = path.split('/').filter((p) => p !== '');
  const [first, second, third] = parts;
  if (parts.length === 0) return { name: 'home' };
  if (parts.length === 1) {
    const page = singlePages[first ?? ''];
    if (page !== undefined) return page;
  }
  if (first === 'privacy' && parts.length === 2 && isPrivacyTab(second)) return { name: 'privacy', tab: second };
  if (first === 'analysis' && parts.length === 2 && isAnalysisTab(second)) return { name: 'analysis', tab: second };
  if (first === 'loyalty' && parts.length === 2 && isLoyaltyTab(second)) return { name: 'loyalty', tab: second };
  if (first === 'loyalty' && second === 'card' && parts.length === 3) {
    const contactId = parseId(third);
    return contactId === null ? { name: 'notFound', path } : { name: 'loyaltyCard', contactId };
  }
  if (first === 'segments' && parts.length === 2) {
    if (second === 'new') return { name: 'segment', id: null };
    const segmentId = parseId(second);
    return segmentId === null ? { name: 'notFound', path } : { name: 'segment', id: segmentId };
  }
  if (first !== 'contacts') return { name: 'notFound', path };
  if (parts.length === 1) return { name: 'contacts' };
  if (second === 'new' && parts.length === 2) return { name: 'contactNew' };
  const id = parseId(second);
  if (id === null) return { name: 'notFound', path };
  if (parts.length === 2) return { name: 'contact', id };
  if (third === 'edit' && parts.length === 3) return { name: 'contactEdit', id };
  if (third === 'sale' && parts.length === 3) return { name: 'sale', contactId: id };
  return { name: 'notFound', path };
};

export const routeHref = (route: Route): string => {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'contacts':
      return '#/contacts';
    case 'contactNew':
      return '#/contacts/new';
    case 'contact':
      return `#/contacts/${route.id}`;
    case 'contactEdit':
      return `#/contacts/${route.id}/edit`;
    case 'settings':
    case 'tasks':
    case 'products':
    case 'duplicates':
    case 'imports':
    case 'segments':
      return `#/${route.name}`;
    case 'loyalty':
      return route.tab === 'dashboard' ? '#/loyalty' : `#/loyalty/${route.tab}`;
    case 'segment':
      return route.id === null ? '#/segments/new' : `#/segments/${route.id}`;
    case 'loyaltyCard':
      return `#/loyalty/card/${route.contactId}`;
    case 'privacy':
      return route.tab === 'requests' ? '#/privacy' : `#/privacy/${route.tab}`;
    case 'analysis':
      return `#/analysis/${route.tab}`;
    case 'sale':
      return route.contactId === null ? '#/sale' : `#/contacts/${route.contactId}/sale`;
    case 'notFound':
      return `#${route.path}`;
  }
};

/** `replace` keeps a transient page (a saved form) out of the back-button history. */
export const navigate = (route: Route, options: { replace?: boolean } = {}): void => {
  const href = routeHref(route);
  if (options.replace) {
    window.history.replaceState(window.history.state, '', href);
    // replaceState does not fire hashchange: tell the subscribers ourselves
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else if (window.location.hash !== href) {
    window.location.hash = href;
  }
};

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

const getHash = (): string => window.location.hash;

export const useRoute = (): Route => parseHash(useSyncExternalStore(subscribe, getHash, () => ''));
