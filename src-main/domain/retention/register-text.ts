import type { Language } from '../../contract';

/**
 * The words of the generated documents (register, notice, their exports).
 * They are documents the shop hands out or files, written by the store in
 * the language asked for, not screen labels: the panel shows them as given.
 */
export type DocumentText = {
  activities: {
    customers: { name: string; purposes: string[]; basis: string; people: string[]; data: string[] };
    prospecting: { name: string; purposes: string[]; basis: string; people: string[]; data: string[] };
    loyalty: { name: string; purposes: string[]; basis: string; people: string[]; data: string[] };
  };
  recipients: { staff: string; accountant: string; partners: string };
  transfers: string;
  retention: {
    customers(years: number, accounting: number): string;
    prospecting(years: number): string;
    loyalty(years: number): string;
  };
  security: {
    local(path: string): string;
    backups(keep: number, folder: string): string;
    noCloud: string;
    secureDelete: string;
    ledger: string;
    audit: string;
    app: string;
    session: string;
  };
  purposes: Record<string, string>;
  register: {
    title: string;
    controller: string;
    name: string;
    address: string;
    siret: string;
    email: string;
    generatedAt: string;
    figures: string;
    figureLabels: Record<string, string>;
    consent: string;
    activity: string;
    purposes: string;
    basis: string;
    people: string;
    count: string;
    data: string;
    recipients: string;
    retention: string;
    transfers: string;
    security: string;
    missing: string;
  };
  notice(v: {
    name: string;
    address: string;
    email: string;
    prospectYears: number;
    customerYears: number;
    accountingYears: number;
    partners: boolean;
  }): string;
  placeholders: { name: string; address: string; email: string };
};

const fr: DocumentText = {
  activities: {
    customers: {
      name: 'Gestion de la clientèle',
      purposes: ['Ventes et factures', 'Suivi de la relation client et service après-vente', 'Tenue de la comptabilité'],
      basis: "Exécution du contrat (art. 6.1.b RGPD) ; obligation légale pour les pièces comptables (art. 6.1.c)",
      people: ['Clients particuliers', 'Clients professionnels (contacts de sociétés)'],
      data: ['Identité (civilité, nom, prénom)', 'Coordonnées (adresse, e-mail, téléphone)', 'Historique des achats et des échanges', 'Notes de suivi'],
    },
    prospecting: {
      name: 'Prospection commerciale',
      purposes: ["Envoi d'offres et de la lettre d'information par e-mail, SMS, téléphone ou courrier"],
      basis:
        "Consentement pour les particuliers par e-mail, SMS et téléphone (art. 6.1.a RGPD, L34-5 CPCE) ; intérêt légitime pour le courrier, les professionnels et les clients pour des produits analogues (art. 6.1.f)",
      people: ['Prospects', 'Clients ayant accepté ou ne s’étant pas opposés'],
      data: ['Identité', 'Coordonnées', 'Historique des consentements (date, moyen, texte présenté)'],
    },
    loyalty: {
      name: 'Programme de fidélité',
      purposes: ['Avantages de fidélité', 'Messages liés au programme'],
      basis: "Exécution du contrat d'adhésion (art. 6.1.b RGPD) ; consentement pour les messages (art. 6.1.a)",
      people: ['Clients adhérents'],
      data: ['Identité', 'Coordonnées', 'Achats et avantages'],
    },
  },
  recipients: {
    staff: 'Personnel habilité de la boutique',
    accountant: 'Expert-comptable (pièces de vente uniquement)',
    partners: 'Partenaires commerciaux, pour les seules personnes ayant consenti au partage',
  },
  transfers: "Aucun transfert hors de l'Union européenne",
  retention: {
    customers: (years, accounting) =>
      `Durée de la relation commerciale, puis ${years} ans après le dernier achat ou le dernier contact du client ; pièces comptables ${accounting} ans`,
    prospecting: (years) => `${years} ans après la collecte ou le dernier contact émanant du prospect`,
    loyalty: (years) => `Durée de l'adhésion, puis ${years} ans après le dernier achat`,
  },
  security: {
    local: (path) => `Données enregistrées dans une base SQLite locale sur l'ordinateur de la boutique (${path})`,
    backups: (keep, folder) =>
      `Sauvegardes automatiques au démarrage et à la fermeture, ${keep} copies conservées dans ${folder} ; ces copies ne sont pas chiffrées par l'application`,
    noCloud: "Aucun envoi vers un serveur ou un service en ligne : l'application fonctionne sans Internet",
    secureDelete: 'Les données supprimées sont écrasées dans le fichier (secure_delete)',
    ledger: 'Registre des consentements non modifiable, garanti par la base de données elle-même',
    audit: 'Journal des exports, effacements, fusions et changements de consentement',
    app: "Application isolée : aucun contenu distant, pas d'accès au système depuis l'interface",
    session: "L'accès dépend de la session de l'ordinateur : protégez-la par un mot de passe et chiffrez le disque",
  },
  purposes: { newsletter: "Lettre d'information", offers: 'Offres commerciales', loyalty: 'Programme de fidélité', partners: 'Partage avec des partenaires' },
  register: {
    title: 'Registre des activités de traitement',
    controller: 'Responsable du traitement',
    name: 'Nom',
    address: 'Adresse',
    siret: 'SIRET',
    email: 'Contact',
    generatedAt: 'Établi le',
    figures: 'Personnes enregistrées',
    figureLabels: {
      consumers: 'Particuliers',
      businesses: 'Contacts professionnels',
      prospects: 'Prospects',
      customers: 'Clients',
      former: 'Anciens clients',
      archived: 'Archivés (hors base active)',
      sales: 'Ventes enregistrées',
    },
    consent: 'Finalités de consentement utilisées',
    activity: 'Activité',
    purposes: 'Finalités',
    basis: 'Base légale',
    people: 'Personnes concernées',
    count: 'Nombre',
    data: 'Catégories de données',
    recipients: 'Destinataires',
    retention: 'Durée de conservation',
    transfers: 'Transferts hors UE',
    security: 'Mesures de sécurité',
    missing: "Identité de la boutique incomplète : complétez-la dans les réglages",
  },
  notice: (v) =>
    [
      `Les informations recueillies sur ce formulaire sont enregistrées par ${v.name}, ${v.address}, responsable du traitement, pour gérer votre compte client, vos achats et le service après-vente (exécution du contrat) et, si vous l'acceptez, pour vous adresser nos offres et notre lettre d'information (consentement).`,
      `Elles sont destinées au seul personnel de la boutique${v.partners ? ' et, uniquement avec votre accord, à nos partenaires commerciaux' : ''} ; elles restent sur notre ordinateur et ne quittent pas l'Union européenne.`,
      `Elles sont conservées ${v.customerYears} ans après votre dernier achat ou votre dernier contact, ${v.prospectYears} ans après leur collecte si vous n'êtes pas client ; les pièces comptables sont conservées ${v.accountingYears} ans.`,
      `Vous pouvez accéder à vos données, les rectifier, demander leur effacement ou leur portabilité, demander la limitation du traitement ou vous y opposer, et retirer votre consentement à tout moment, en écrivant à ${v.email} ou à l'adresse ci-dessus.`,
      "Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL (www.cnil.fr).",
    ].join('\n\n'),
  placeholders: { name: '[nom de la boutique]', address: '[adresse de la boutique]', email: '[e-mail de la boutique]' },
};

const en: DocumentText = {
  activities: {
    customers: {
      name: 'Customer management',
      purposes: ['Sales and invoices', 'Customer follow-up and after-sales service', 'Bookkeeping'],
      basis: 'Performance of a contract (GDPR art. 6.1.b); legal obligation for accounting records (art. 6.1.c)',
      people: ['Consumer customers', 'Business customers (company contacts)'],
      data: ['Identity (title, first and last name)', 'Contact details (address, e-mail, phone)', 'Purchase and contact history', 'Follow-up notes'],
    },
    prospecting: {
      name: 'Marketing',
      purposes: ['Offers and newsletter by e-mail, SMS, phone or post'],
      basis:
        'Consent for consumers by e-mail, SMS and phone (GDPR art. 6.1.a, French CPCE L34-5); legitimate interest for post, business contacts and customers for similar products (art. 6.1.f)',
      people: ['Prospects', 'Customers who agreed or did not object'],
      data: ['Identity', 'Contact details', 'Consent history (date, method, wording shown)'],
    },
    loyalty: {
      name: 'Loyalty programme',
      purposes: ['Loyalty benefits', 'Programme messages'],
      basis: 'Performance of the membership contract (GDPR art. 6.1.b); consent for messages (art. 6.1.a)',
      people: ['Member customers'],
      data: ['Identity', 'Contact details', 'Purchases and benefits'],
    },
  },
  recipients: {
    staff: 'Authorised shop staff',
    accountant: 'Accountant (sales records only)',
    partners: 'Business partners, only for people who agreed to sharing',
  },
  transfers: 'No transfer outside the European Union',
  retention: {
    customers: (years, accounting) =>
      `For the customer relationship, then ${years} years after the last purchase or last contact from the customer; accounting records ${accounting} years`,
    prospecting: (years) => `${years} years after collection or the last contact coming from the prospect`,
    loyalty: (years) => `For the membership, then ${years} years after the last purchase`,
  },
  security: {
    local: (path) => `Data stored in a local SQLite database on the shop's computer (${path})`,
    backups: (keep, folder) =>
      `Automatic backups at start and close, ${keep} copies kept in ${folder}; the application does not encrypt these copies`,
    noCloud: 'Nothing is sent to a server or online service: the application works without the Internet',
    secureDelete: 'Deleted data is overwritten in the file (secure_delete)',
    ledger: 'Consent ledger that cannot be altered, enforced by the database itself',
    audit: 'Log of exports, erasures, merges and consent changes',
    app: 'Isolated application: no remote content, no system access from the interface',
    session: "Access depends on the computer's user session: protect it with a password and encrypt the disk",
  },
  purposes: { newsletter: 'Newsletter', offers: 'Commercial offers', loyalty: 'Loyalty programme', partners: 'Sharing with partners' },
  register: {
    title: 'Register of processing activities',
    controller: 'Controller',
    name: 'Name',
    address: 'Address',
    siret: 'SIRET',
    email: 'Contact',
    generatedAt: 'Drawn up on',
    figures: 'People on record',
    figureLabels: {
      consumers: 'Consumers',
      businesses: 'Business contacts',
      prospects: 'Prospects',
      customers: 'Customers',
      former: 'Former customers',
      archived: 'Archived (out of the live base)',
      sales: 'Sales recorded',
    },
    consent: 'Consent purposes in use',
    activity: 'Activity',
    purposes: 'Purposes',
    basis: 'Legal basis',
    people: 'People concerned',
    count: 'Count',
    data: 'Data categories',
    recipients: 'Recipients',
    retention: 'Retention',
    transfers: 'Transfers outside the EU',
    security: 'Security measures',
    missing: "The shop's identity is incomplete: fill it in in the settings",
  },
  notice: (v) =>
    [
      `The information collected on this form is recorded by ${v.name}, ${v.address}, the controller, to manage your customer account, your purchases and after-sales service (performance of a contract) and, if you agree, to send you our offers and newsletter (consent).`,
      `It is meant for the shop's staff only${v.partners ? ' and, only with your agreement, our business partners' : ''}; it stays on our computer and does not leave the European Union.`,
      `It is kept ${v.customerYears} years after your last purchase or last contact, ${v.prospectYears} years after collection if you are not a customer; accounting records are kept ${v.accountingYears} years.`,
      `You may access your data, have it corrected or erased, receive it in a portable format, restrict or object to its use, and withdraw your consent at any time, by writing to ${v.email} or to the address above.`,
      'If, after contacting us, you believe your rights are not respected, you may lodge a complaint with the CNIL (www.cnil.fr).',
    ].join('\n\n'),
  placeholders: { name: '[shop name]', address: '[shop address]', email: '[shop e-mail]' },
};

export const documentText = (language: Language): DocumentText => (language === 'en' ? en : fr);
