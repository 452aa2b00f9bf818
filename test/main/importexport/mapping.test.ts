import { describe, expect, it } from 'vitest';
import { contactTargets, guessMapping, layoutKey, mapRow, normaliseHeader, purchaseTargets } from '../../../src-main/domain/importexport/mapping';

describe('guessMapping for contacts', () => {
  it.each([
    ['Nom de famille', 'lastName'],
    ['Prénom', 'firstName'],
    ['PRENOM', 'firstName'],
    ['Civilité', 'civility'],
    ['Titre', 'civility'],
    ['Société', 'company'],
    ['Raison sociale', 'company'],
    ['Entreprise', 'company'],
    ['E-mail', 'email'],
    ['Email', 'email'],
    ['Courriel', 'email'],
    ['Mail', 'email'],
    ['Adresse électronique', 'email'],
    ['E-mail du client', 'email'],
    ['Tél', 'phone'],
    ['Tél.', 'phone'],
    ['Téléphone', 'phone'],
    ['Tel fixe', 'phone'],
    ['Portable', 'mobile'],
    ['Mobile', 'mobile'],
    ['GSM', 'mobile'],
    ['Adresse', 'addressLine1'],
    ['Adresse 1', 'addressLine1'],
    ['Adresse 2', 'addressLine2'],
    ["Complément d'adresse", 'addressLine2'],
    ['Complément d’adresse', 'addressLine2'],
    ['CP', 'postcode'],
    ['C.P.', 'postcode'],
    ['Code postal', 'postcode'],
    ['Ville', 'city'],
    ['Commune', 'city'],
    ['Pays', 'country'],
    ['Date de naissance', 'birthDate'],
    ['Né(e) le', 'birthDate'],
    ['SIRET', 'siret'],
    ['Fonction', 'jobTitle'],
    ['Poste', 'jobTitle'],
    ['Code client', 'code'],
    ['N° client', 'code'],
    ['Étiquettes', 'tags'],
    ['Tags', 'tags'],
    ['Remarques', 'note'],
    ['Commentaire', 'note'],
    ['Source', 'source'],
    ['Origine', 'source'],
    ['First name', 'firstName'],
    ['Last name', 'lastName'],
    ['Surname', 'lastName'],
    ['Company', 'company'],
    ['Phone', 'phone'],
    ['Zip', 'postcode'],
    ['Postal code', 'postcode'],
    ['City', 'city'],
    ['Country', 'country'],
    ['Birthday', 'birthDate'],
    ['Consentement SMS', 'consentSms'],
    ['Newsletter', 'consentEmail'],
    ['Date du consentement', 'consentDate'],
    ['Mode de recueil', 'consentMethod'],
    ['Given Name', 'firstName'],
    ['E-mail 1 - Value', 'email'],
    ['Phone 1 - Value', 'phone'],
  ])('%s → %s', (header, target) => {
    expect(guessMapping([header], 'contacts')).toEqual([target]);
  });

  it('reads a bare "Nom" as the family name next to "Prénom", as the whole name alone', () => {
    expect(guessMapping(['Nom', 'Prénom'], 'contacts')).toEqual(['lastName', 'firstName']);
    expect(guessMapping(['Nom', 'Email'], 'contacts')).toEqual(['fullName', 'email']);
    expect(guessMapping(['Nom du client', 'Ville'], 'contacts')).toEqual(['fullName', 'city']);
    // Google Contacts: the whole name first, then its parts
    expect(guessMapping(['Name', 'Given Name', 'Additional Name', 'Family Name'], 'contacts')).toEqual(['fullName', 'firstName', null, 'lastName']);
    expect(guessMapping(['Nom', 'Prénom', 'Nom de famille'], 'contacts')).toEqual(['fullName', 'firstName', 'lastName']);
  });

  it('uses each target once, sending second e-mails, phones and addresses to their second field', () => {
    expect(guessMapping(['Email', 'E-mail', 'Tél', 'Téléphone', 'Adresse', 'Adresse', 'Ville', 'Commune', 'Zorglub', ''], 'contacts')).toEqual([
      'email', 'email2', 'phone', 'phone2', 'addressLine1', 'addressLine2', 'city', null, null, null,
    ]);
  });

  it('reads Outlook\'s Business and Home columns as two whole addresses and numbers, the first filled of each kept', () => {
    const outlook = ['First Name', 'Last Name', 'E-mail Address', 'Home Phone', 'Home Phone 2', 'Business Phone', 'Mobile Phone', 'Business Street',
      'Business Street 2', 'Business City', 'Business Postal Code', 'Business Country/Region', 'Home Street', 'Home City', 'Home Postal Code', 'Home Country/Region'];
    expect(guessMapping(outlook, 'contacts')).toEqual(['firstName', 'lastName', 'email', 'phone', 'phone2', 'phone2', 'mobile', 'addressLine1',
      'addressLine2', 'city', 'postcode', 'country', 'addressLine1', 'city', 'postcode', 'country']);
    // Google's second address likewise
    expect(guessMapping(['Address 1 - Street', 'Address 1 - City', 'Address 2 - Street', 'Address 2 - City'], 'contacts')).toEqual([
      'addressLine1', 'city', 'addressLine1', 'city',
    ]);
  });
});

describe('guessMapping for purchases', () => {
  it('maps a till export', () => {
    expect(
      guessMapping(['Date', "Date d'achat", 'Montant TTC', 'Qté', 'Article', 'Référence', 'N° ticket', 'Canal', 'Code client', 'Prix', 'Total ligne'], 'purchases'),
    ).toEqual(['date', null, 'amount', 'quantity', 'productName', 'sku', 'reference', 'channel', 'customerCode', 'unitPrice', 'lineTotal']);
  });

  it('reads a bare price as the amount when nothing else is', () => {
    expect(guessMapping(['Date', 'Prix', 'Email'], 'purchases')).toEqual(['date', 'amount', 'email']);
    expect(guessMapping(['Date', 'Prix', 'Quantité'], 'purchases')).toEqual(['date', 'unitPrice', 'quantity']);
    expect(guessMapping(['Date', 'Référence', 'Total', 'Produit', 'Désignation'], 'purchases')).toEqual(['date', 'reference', 'amount', 'productName', null]);
  });
});

describe('layoutKey', () => {
  it('ignores case, accents, punctuation and trailing empty headers, not order', () => {
    const key = layoutKey(['Nom', 'Prénom', 'E-mail']);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(layoutKey(['NOM', 'prenom ', 'E mail', ''])).toBe(key);
    expect(layoutKey(['Prénom', 'Nom', 'E-mail'])).not.toBe(key);
  });

  it('normalises headers', () => {
    expect(normaliseHeader(' N° Client* ')).toBe('n client');
    expect(normaliseHeader('Né(e) le')).toBe('ne e le');
    expect(normaliseHeader('Cœur')).toBe('coeur');
  });
});

describe('mapRow', () => {
  it('keeps mapped, non-empty, trimmed text and undoes the export guard', () => {
    expect(mapRow(['lastName', null, 'postcode', 'note', 'city'], [' Dupont ', 'x', '01000', "'=SOMME(A1)", ''])).toEqual({
      lastName: 'Dupont',
      postcode: '01000',
      note: '=SOMME(A1)',
    });
  });

  it('has a target list for each kind', () => {
    expect(contactTargets).toContain('fullName');
    expect(purchaseTargets).toContain('customerCode');
  });
});
