import { createHash } from 'node:crypto';
import { fold } from '../../contract/text';
import { unneutralise } from './neutralise';

export const contactTargets = [
  'civility',
  'firstName',
  'lastName',
  'fullName',
  'company',
  'siret',
  'jobTitle',
  'email',
  'email2',
  'phone',
  'mobile',
  'phone2',
  'addressLine1',
  'addressLine2',
  'postcode',
  'city',
  'country',
  'birthDate',
  'language',
  'status',
  'source',
  'sourceDetail',
  'tags',
  'note',
  'code',
  'consentEmail',
  'consentSms',
  'consentDate',
  'consentMethod',
] as const;
export type ContactTarget = (typeof contactTargets)[number];

export const purchaseTargets = [
  'customerCode',
  'email',
  'phone',
  'date',
  'amount',
  'reference',
  'channel',
  'productName',
  'sku',
  'quantity',
  'unit',
  'unitPrice',
  'lineTotal',
  'lineDiscount',
  'lineDiscountPercent',
  'orderDiscount',
  'orderStatus',
  'refundedAmount',
] as const;
export type PurchaseTarget = (typeof purchaseTargets)[number];

export type ImportKind = 'contacts' | 'purchases';
export type TargetOf<K extends ImportKind> = K extends 'contacts' ? ContactTarget : PurchaseTarget;
export type Mapping<K extends ImportKind> = (TargetOf<K> | null)[];

/**
 * Header text reduced to what identifies it: folded (case, accents,
 * ligatures), punctuation and symbols as spaces. "N° client", "E-mail*" and
 * "Né(e) le" become "n client", "e mail", "ne e le".
 */
export const normaliseHeader = (header: string): string =>
  fold(header)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Words that qualify a header without changing what it holds ("E-mail du client"). */
const FILLERS = new Set(['du', 'de', 'des', 'la', 'le', 'l', 'd', 'client', 'clients', 'contact', 'customer', 'principal', 'principale', 'perso', 'personnel', 'personnelle', 'value', 'the', 'of']);

const withoutFillers = (normalised: string): string =>
  normalised
    .split(' ')
    .filter((w) => !FILLERS.has(w))
    .join(' ');

type Synonyms<T extends string> = Record<T, readonly string[]>;

/**
 * French and English headers seen in exports (Excel lists, tills, Outlook,
 * Google Contacts, other CRMs). Written as people type them; normalised once.
 */
const CONTACT_SYNONYMS: Synonyms<ContactTarget> = {
  civility: ['Civilité', 'Civ', 'Civ.', 'Titre', 'Title', 'Sexe', 'Genre', 'Gender', 'Salutation', 'Formule de politesse', 'Appellation', 'Name Prefix'],
  firstName: ['Prénom', 'Prénoms', 'First name', 'Firstname', 'Given name', 'Forename', 'First'],
  lastName: ['Nom de famille', 'Last name', 'Lastname', 'Surname', 'Family name', "Nom d'usage", 'Patronyme', 'Last', 'Nom de naissance'],
  fullName: ['Nom complet', 'Nom et prénom', 'Nom prénom', 'Prénom nom', 'Prénom et nom', 'Identité', 'Full name', 'Name', 'Display name', 'Contact name', 'Nom du contact', 'Destinataire'],
  company: ['Société', 'Raison sociale', 'Entreprise', 'Organisation', 'Organization', 'Organization 1 - Name', 'Company', 'Company name', 'Nom de la société', 'Nom société', 'Enseigne', 'Établissement', 'Structure', 'Employeur', 'Employer'],
  siret: ['SIRET', 'N° SIRET', 'Numéro SIRET', 'SIREN', 'N° SIREN', 'SIRET / SIREN', 'SIREN / SIRET'],
  jobTitle: ['Fonction', 'Poste', 'Job title', 'Titre du poste', 'Intitulé du poste', 'Profession', 'Métier', 'Position', 'Rôle', 'Role', 'Organization 1 - Title', 'Job'],
  email: ['E-mail', 'Email', 'Courriel', 'Mail', 'Mél', 'Adresse électronique', 'Adresse e-mail', 'Adresse email', 'Adresse mail', 'Adresse courriel', 'E-mail address', 'Email address', 'E-mail 1 - Value', 'E-mail 1', 'Email 1', 'Courriel 1', 'Primary email'],
  email2: ['E-mail 2', 'Email 2', 'Courriel 2', 'Mail 2', 'E-mail 2 address', 'E-mail 2 - Value', 'Autre e-mail', 'Autre email', 'Autre courriel', 'Email secondaire', 'E-mail secondaire', 'Second email', 'Secondary email', 'Other email', 'Autres e-mails', 'Other emails'],
  phone: ['Tél', 'Tél.', 'Tel', 'Téléphone', 'Tel fixe', 'Téléphone fixe', 'Fixe', 'Phone', 'Phone number', 'Telephone', 'Telephone number', 'Home phone', 'Business phone', 'Primary phone', 'Work phone', 'Tél. domicile', 'Téléphone domicile', 'Tél. bureau', 'Téléphone bureau', 'Tél pro', 'Téléphone professionnel', 'Ligne fixe', 'Phone 1 - Value', 'Numéro de téléphone', 'N° de téléphone', 'N° tél', 'Tél 1', 'Téléphone 1', 'Phone 1'],
  mobile: ['Portable', 'Mobile', 'GSM', 'Tél portable', 'Tél. portable', 'Téléphone portable', 'Tél mobile', 'Tél. mobile', 'Téléphone mobile', 'Mobile phone', 'Cell', 'Cell phone', 'Cellular', 'Cellulaire', 'N° portable', 'Numéro de portable', 'Numéro portable', 'Numéro mobile', 'Mobile number'],
  phone2: ['Tél 2', 'Tél. 2', 'Téléphone 2', 'Phone 2', 'Autre téléphone', 'Autre tél', 'Other phone', 'Phone 2 - Value', 'Home phone 2', 'Business phone 2', 'Téléphone secondaire', 'Tél secondaire', 'Autres téléphones', 'Other phones'],
  addressLine1: ['Adresse', 'Adresse 1', 'Adresse ligne 1', 'Ligne adresse 1', 'Adresse postale', 'Rue', 'Voie', 'N° et rue', 'Numéro et rue', 'Address', 'Address 1', 'Address line 1', 'Street', 'Street address', 'Home street', 'Business street', 'Address 1 - Street', 'Address 2 - Street', 'Adresse1'],
  addressLine2: ['Adresse 2', 'Adresse ligne 2', 'Ligne adresse 2', "Complément d'adresse", 'Complément adresse', 'Complément', 'Address 2', 'Address line 2', 'Home street 2', 'Business street 2', 'Street 2', 'Bâtiment', 'Résidence', 'Lieu-dit', 'Address 1 - Extended Address', 'Address 2 - Extended Address', 'Adresse2'],
  postcode: ['CP', 'C.P.', 'Code postal', 'Code post.', 'Zip', 'Zip code', 'Zipcode', 'Postal code', 'Postcode', 'Post code', 'Home postal code', 'Business postal code', 'Address 1 - Postal Code', 'Address 2 - Postal Code'],
  city: ['Ville', 'Commune', 'Localité', 'City', 'Town', 'Home city', 'Business city', 'Address 1 - City', 'Address 2 - City'],
  country: ['Pays', 'Country', 'Country/Region', 'Home country/region', 'Business country/region', 'Address 1 - Country', 'Address 2 - Country', 'Code pays', 'Country code'],
  birthDate: ['Date de naissance', 'Né(e) le', 'Né le', 'Née le', 'Date naissance', 'Naissance', 'Anniversaire', "Date d'anniversaire", 'Birthday', 'Birth date', 'Birthdate', 'Date of birth', 'DOB'],
  language: ['Langue', 'Langue préférée', 'Language', 'Preferred language', 'Lang'],
  status: ['Statut', 'Status', 'Type de contact', 'Statut client'],
  source: ['Source', 'Origine', 'Provenance', "Canal d'acquisition", 'Source de collecte', 'Lead source', 'Origin'],
  sourceDetail: ['Détail source', 'Détail de la source', 'Précision source', 'Détail origine', 'Source detail', 'Sous-source'],
  tags: ['Étiquettes', 'Étiquette', 'Tags', 'Tag', 'Catégories', 'Catégorie', 'Groupes', 'Groupe', 'Mots-clés', 'Mots clés', 'Labels', 'Label', 'Segments', 'Group Membership'],
  note: ['Remarques', 'Remarque', 'Commentaire', 'Commentaires', 'Notes', 'Note', 'Observations', 'Observation', 'Mémo', 'Memo', 'Infos', 'Informations', 'Info', 'Comments', 'Comment', 'Description'],
  code: ['Code client', 'N° client', 'Nº client', 'No client', 'Numéro client', 'Numéro de client', 'Num client', 'Réf client', 'Référence client', 'Identifiant client', 'Identifiant', 'ID client', 'ID', 'Code', 'Customer ID', 'Customer code', 'Customer number', 'Client ID', 'Client number', 'Matricule'],
  consentEmail: ['Consentement email', 'Consentement e-mail', 'Consentement courriel', 'Opt-in email', 'Optin email', 'Opt-in e-mail', 'Accepte email', 'Accepte les emails', 'Accepte e-mail', 'Newsletter', 'Email marketing', 'Accord email', 'Abonné newsletter'],
  consentSms: ['Consentement SMS', 'Opt-in SMS', 'Optin SMS', 'Accepte SMS', 'Accepte les SMS', 'SMS marketing', 'Accord SMS'],
  consentDate: ['Date consentement', 'Date du consentement', 'Date opt-in', 'Date optin', 'Consent date', 'Date de recueil'],
  consentMethod: ['Mode de recueil', 'Méthode consentement', 'Méthode de consentement', 'Moyen de recueil', 'Mode de consentement', 'Consent method', 'Preuve consentement', 'Preuve du consentement'],
};

const PURCHASE_SYNONYMS: Synonyms<PurchaseTarget> = {
  customerCode: ['Code client', 'N° client', 'Nº client', 'No client', 'Numéro client', 'Numéro de client', 'Num client', 'Réf client', 'Référence client', 'Identifiant client', 'ID client', 'Customer ID', 'Customer code', 'Customer number', 'Client ID', 'N° carte', 'N° carte fidélité', 'Numéro carte fidélité', 'Carte fidélité', 'Carte'],
  email: ['E-mail', 'Email', 'Courriel', 'Mail', 'Adresse e-mail', 'Adresse email', 'Adresse mail', 'Email address', 'E-mail address', 'Billing Email', 'E-mail de facturation', 'Email de facturation'],
  phone: ['Tél', 'Tél.', 'Tel', 'Téléphone', 'Portable', 'Mobile', 'GSM', 'Phone', 'Phone number', 'Billing Phone', 'Téléphone de facturation', 'Tél. de facturation'],
  date: ['Date', "Date d'achat", 'Date achat', 'Date de vente', 'Date vente', 'Date ticket', 'Date du ticket', 'Date de la commande', 'Date commande', 'Date facture', 'Date de facture', 'Jour', 'Purchase date', 'Order date', 'Sale date', 'Transaction date', 'Date opération', 'Date et heure', 'Horodatage', 'Timestamp', 'Created at', 'Date de création', 'Date de la création', 'Order created'],
  amount: ['Montant', 'Montant TTC', 'Total', 'Total TTC', 'Montant total', 'Montant total TTC', 'Prix total', 'Total à payer', 'Net à payer', 'Montant payé', 'Montant réglé', 'CA TTC', "Chiffre d'affaires", 'Amount', 'Total amount', 'Order total', 'Grand total', 'Somme'],
  reference: ['N° ticket', 'Numéro ticket', 'Numéro de ticket', 'Ticket', 'N° de ticket', 'N° facture', 'Numéro facture', 'Numéro de facture', 'Facture', 'N° commande', 'Numéro de commande', 'Commande', 'Order ID', 'Order number', 'Receipt', 'Receipt number', 'Invoice', 'Invoice number', 'Transaction ID', 'N° transaction', 'Référence vente', 'Référence', 'Réf', 'Réf.', 'Reference'],
  channel: ['Canal', 'Canal de vente', 'Channel', 'Sales channel', 'Mode de vente', 'Origine vente'],
  productName: ['Article', 'Produit', 'Désignation', 'Libellé', 'Libellé article', 'Nom produit', 'Nom du produit', 'Product', 'Product name', 'Item', 'Item name', 'Description article', 'Intitulé', 'Lineitem name', 'Nom de l’article', "Nom de l'article"],
  sku: ['SKU', 'Code article', 'Réf article', 'Réf. article', 'Référence article', 'Code produit', 'Réf produit', 'Référence produit', 'EAN', 'Code-barres', 'Code barre', 'Gencod', 'Barcode', 'Product code', 'Item code', 'Lineitem sku', 'Item SKU'],
  quantity: ['Quantité', 'Qté', 'Qte', 'Qty', 'Quantity', 'Nb', 'Nombre', 'Nbre', 'Qt', 'Poids', 'Weight', 'Lineitem quantity', 'Item quantity'],
  unit: ['Unité', 'Unité de vente', 'Unité de mesure', 'UV', 'U.V.', 'Unit', 'Unit of measure', 'UOM', 'UdM'],
  unitPrice: ['Prix unitaire', 'PU', 'PU TTC', 'Prix unitaire TTC', 'Unit price', 'Price', 'Prix', 'Prix de vente', 'Prix TTC', 'Tarif', 'Lineitem price', 'Item price', 'Item cost'],
  /** Off the line, an amount or a percentage; not Shopify's « Discount Amount », the order's, on its first row only. */
  lineDiscount: ['Remise', 'Remise ligne', 'Remise sur la ligne', 'Remise article', 'Montant remise', 'Montant de la remise', 'Remise €', 'Remise TTC', 'Réduction', 'Rabais', 'Lineitem discount', 'Line discount', 'Item discount', 'Discount'],
  /** Off the line, in percent: « 10 » is 10 %. */
  lineDiscountPercent: ['Remise %', 'Remise en %', '% remise', 'Taux de remise', 'Remise (%)', 'Pourcentage de remise', 'Discount %', 'Discount percent', 'Discount rate'],
  /** Off the whole ticket, an amount or « 10 % »: spread over its lines. Not Shopify's « Discount Amount », which holds shipping discounts too. */
  orderDiscount: ['Remise ticket', 'Remise sur ticket', 'Remise sur le ticket', 'Remise globale', 'Remise commande', 'Remise sur commande', 'Remise sur la commande', 'Remise panier', 'Remise facture', 'Remise sur facture', 'Remise sur la facture', 'Order discount', 'Ticket discount', 'Receipt discount', 'Cart discount'],
  /** What became of the order (e-shops): cancelled, refunded, voided or failed ones are left out. */
  orderStatus: ['Financial Status', 'Order status', 'Statut de la commande', 'État de la commande', 'Statut commande', 'État commande', 'Statut', 'État', 'Status', 'Payment status', 'Statut du paiement', 'État du paiement', 'Statut de paiement'],
  /** Given back on the order so far (e-shops: Shopify's « Refunded Amount », WooCommerce's « Refunded total »), on its first row. */
  refundedAmount: ['Refunded Amount', 'Refunded total', 'Refund amount', 'Refund total', 'Order refund amount', 'Total refunded', 'Montant remboursé', 'Total remboursé', 'Montant du remboursement', 'Remboursé', 'Déjà remboursé'],
  lineTotal: ['Total ligne', 'Montant ligne', 'Line total', 'Sous-total', 'Total article'],
};

/**
 * "Nom" alone is a family name next to a "Prénom" column, a whole name
 * otherwise, or when a column names the family name itself (Google
 * Contacts: Name, Given Name, Family Name).
 */
const BARE_NAME = new Set(['nom', 'noms', 'name']);
/** A bare price is a unit price next to a quantity, the sale amount otherwise. */
const BARE_PRICE = new Set(['prix', 'price', 'prix de vente', 'prix ttc', 'tarif']);
/** A bare "Référence" is the sale's unless a ticket number column claims that; then it is the article's. */
const BARE_REFERENCE = new Set(['reference', 'ref']);

const index = <T extends string>(synonyms: Synonyms<T>): Map<string, T> => {
  const map = new Map<string, T>();
  for (const [target, words] of Object.entries(synonyms) as [T, readonly string[]][]) {
    for (const word of words) {
      const key = normaliseHeader(word);
      if (!map.has(key)) map.set(key, target);
    }
  }
  return map;
};

const CONTACT_INDEX = index(CONTACT_SYNONYMS);
const PURCHASE_INDEX = index(PURCHASE_SYNONYMS);

const lookup = <T extends string>(map: Map<string, T>, normalised: string): T | null => {
  if (normalised === '') return null;
  return map.get(normalised) ?? map.get(withoutFillers(normalised)) ?? null;
};

/** Where a repeated target goes: a second e-mail column is the other e-mail, and so on. */
const CONTACT_SECOND: Partial<Record<ContactTarget, ContactTarget>> = {
  email: 'email2',
  phone: 'phone2',
  mobile: 'phone2',
  addressLine1: 'addressLine2',
};

const isBareName = (normalised: string): boolean => BARE_NAME.has(normalised) || BARE_NAME.has(withoutFillers(normalised));

/**
 * Outlook's Home / Business / Other columns and Google's Address 1 / 2 are
 * groups: a second group's street is another address, not the first one's
 * second line, and a second group's phone another number. Such a column
 * goes to the field a column of another group already has (the phone's
 * second field first), and on each row the first filled one wins
 * (normaliseContact): a contact known only at home keeps that address, one
 * with only a business phone keeps that number.
 */
const GROUPED = /^(home|business|work|other|address \d+)\b/;
/** Fields whose second column is a second line, not another value: a group's repeat shares them instead. */
const WHOLE_ADDRESS: ReadonlySet<ContactTarget> = new Set(['addressLine1', 'addressLine2', 'postcode', 'city', 'country']);

const guessContacts = (headers: readonly string[]): Mapping<'contacts'> => {
  const normalised = headers.map(normaliseHeader);
  const raw = normalised.map((h) => (isBareName(h) ? 'lastName' : lookup(CONTACT_INDEX, h)));
  const hasFirstName = raw.includes('firstName');
  const hasFamilyName = raw.some((t, i) => t === 'lastName' && !isBareName(normalised[i]!));
  const used = new Set<ContactTarget>();
  const shared = new Set<ContactTarget>();
  return raw.map((target, i) => {
    let t: ContactTarget | null = target;
    if (t === 'lastName' && isBareName(normalised[i]!) && (!hasFirstName || hasFamilyName)) t = 'fullName';
    if (t === null) return null;
    const grouped = GROUPED.test(normalised[i]!);
    if (used.has(t)) {
      const second = grouped && WHOLE_ADDRESS.has(t) ? undefined : CONTACT_SECOND[t];
      if (second !== undefined && !used.has(second)) t = second;
      else if (grouped && shared.has(second ?? t)) t = second ?? t;
      else return null;
    }
    used.add(t);
    if (grouped) shared.add(t);
    return t;
  });
};

/** Shopify's orders export: one row per item, its columns « Lineitem … »; its « Name » is the order number (#1001). */
const isShopifyOrders = (normalised: readonly string[]): boolean => normalised.some((h) => h.startsWith('lineitem '));
/** A header naming a rate rather than an amount. */
const PERCENT = /%|pourcent|percent|\btaux\b|\brate\b/i;
/** An e-shop order's shipping, a column beside its total. */
const SHIPPING = new Set(['shipping', 'frais de port', 'frais de livraison', 'livraison', 'shipping cost', 'order shipping', 'port']);

const guessPurchases = (headers: readonly string[]): Mapping<'purchases'> => {
  const normalised = headers.map(normaliseHeader);
  const shopify = isShopifyOrders(normalised);
  const raw = normalised.map((h) => (shopify && isBareName(h) ? 'reference' : lookup(PURCHASE_INDEX, h)));
  /*
   * An e-shop's order total holds its shipping (and, outside Europe, taxes),
   * which no line does: mapped, every order sent with costs would be refused
   * as « amount_mismatch ». Beside priced lines, the lines make the amount;
   * the user can still map the total by hand.
   */
  const pricedLines = raw.includes('unitPrice') || raw.includes('lineTotal');
  const shipped = pricedLines && normalised.some((h) => SHIPPING.has(h));
  const strongReference = raw.some((t, i) => t === 'reference' && !BARE_REFERENCE.has(normalised[i]!));
  const hasQuantity = raw.includes('quantity');
  const hasAmount = raw.includes('amount');
  const used = new Set<PurchaseTarget>();
  return raw.map((target, i) => {
    let t: PurchaseTarget | null = shipped && target === 'amount' ? null : target;
    const h = normalised[i]!;
    // « Remise % » normalises to « remise »: the sign, gone from the key, says the column holds percentages
    if (t === 'lineDiscount' && PERCENT.test(headers[i]!)) t = 'lineDiscountPercent';
    if (t === 'reference' && BARE_REFERENCE.has(h) && strongReference) t = 'sku';
    if (t === 'unitPrice' && BARE_PRICE.has(h) && !hasQuantity && !hasAmount) t = 'amount';
    if (t === null || used.has(t)) return null;
    used.add(t);
    return t;
  });
};

/**
 * A first guess of what each column holds, from its header; null for
 * columns to ignore. Each target is used once (a second e-mail column becomes
 * email2). The user edits the result; it is remembered under `layoutKey`.
 */
export function guessMapping(headers: readonly string[], kind: 'contacts'): Mapping<'contacts'>;
export function guessMapping(headers: readonly string[], kind: 'purchases'): Mapping<'purchases'>;
export function guessMapping(headers: readonly string[], kind: ImportKind): Mapping<'contacts'> | Mapping<'purchases'> {
  return kind === 'contacts' ? guessContacts(headers) : guessPurchases(headers);
}

/** How many cells read as a known header of either kind: how header-like a row is. */
export const knownHeaderCount = (cells: readonly string[]): number =>
  cells.reduce((n, cell) => {
    const h = normaliseHeader(cell);
    return n + (isBareName(h) || lookup(CONTACT_INDEX, h) !== null || lookup(PURCHASE_INDEX, h) !== null ? 1 : 0);
  }, 0);

/**
 * Identifies a file layout (the same export from the same till, next month)
 * so its mapping can be offered again. Insensitive to case, accents and
 * punctuation in headers; sensitive to their order.
 */
export const layoutKey = (headers: readonly string[]): string => {
  const names = headers.map(normaliseHeader);
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return createHash('sha256').update(JSON.stringify(names)).digest('hex');
};

/**
 * One row as target → text, through a mapping: trimmed, empty cells left out,
 * the export guard undone (so our own exports read back exactly). Values are
 * still text; the value parsers convert them.
 */
export const mapRow = <T extends string>(mapping: readonly (T | null)[], cells: readonly string[]): Partial<Record<T, string>> => {
  const out: Partial<Record<T, string>> = {};
  mapping.forEach((target, i) => {
    if (target === null) return;
    const value = unneutralise(cells[i] ?? '').trim();
    if (value !== '') out[target] = value;
  });
  return out;
};
