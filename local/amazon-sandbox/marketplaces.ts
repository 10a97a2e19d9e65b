/**
 * The sandbox's picture of Amazon's retail marketplaces: currency, fulfilment centres (ship-to),
 * the Amazon entity that is billed, and whether a CreditNote may go through submitInvoices.
 * Addresses and tax numbers are made up but shaped like the real ones.
 */

/** A fulfilment centre or the billed Amazon entity, as it appears in a PO party. */
export interface SandboxParty {
  readonly partyId: string;
  readonly name: string;
  readonly addressLine1: string;
  readonly city: string;
  readonly postalCode: string;
  readonly stateOrRegion?: string;
  readonly vatNumber?: string;
}

/** One marketplace as the sandbox simulates it. */
export interface SandboxMarketplace {
  /** The code used in acorn.config.json (`UK`, not `GB`). */
  readonly code: string;
  /** ISO 3166 country of the marketplace (`GB` for UK). */
  readonly countryCode: string;
  readonly currency: string;
  /** Digits after the decimal point of the currency (0 for JPY). */
  readonly minorDigits: number;
  /** Rough price level relative to EUR, so a product costs about the same everywhere. */
  readonly perEur: number;
  readonly buyingPartyId: string;
  readonly billTo: SandboxParty;
  readonly fulfilmentCenters: readonly SandboxParty[];
  /**
   * North-American POs carry party ids only; EU POs carry full addresses (Amazon's use-case guide
   * marks the NA address details "not applicable").
   */
  readonly addressesOnPo: boolean;
  /** Whether submitInvoices accepts `invoiceType: CreditNote` here (notes/domain.md 1.4). */
  readonly creditNotesAccepted: boolean;
}

// The billed entity of an EU marketplace is Amazon EU S.a r.l.'s local branch.
const euBillTo = (
  countryCode: string,
  branch: string,
  addressLine1: string,
  postalCode: string,
  city: string,
  vatNumber: string,
): SandboxParty => ({
  partyId: `AMAZON_${countryCode}`,
  name: `Amazon EU S.a r.l., ${branch}`,
  addressLine1,
  city,
  postalCode,
  vatNumber,
});

const fc = (
  partyId: string,
  name: string,
  addressLine1: string,
  postalCode: string,
  city: string,
  stateOrRegion?: string,
) =>
  ({
    partyId,
    name,
    addressLine1,
    postalCode,
    city,
    ...(stateOrRegion ? { stateOrRegion } : {}),
  }) satisfies SandboxParty;

/** Every marketplace the sandbox can generate purchase orders for, by config code. */
export const SANDBOX_MARKETPLACES: Readonly<Record<string, SandboxMarketplace>> = {
  DE: {
    code: 'DE',
    countryCode: 'DE',
    currency: 'EUR',
    minorDigits: 2,
    perEur: 1,
    buyingPartyId: 'AMZDE',
    billTo: euBillTo(
      'DE',
      'Niederlassung Deutschland',
      'Marcel-Breuer-Strasse 12',
      '80807',
      'Muenchen',
      'DE999999901',
    ),
    fulfilmentCenters: [
      fc('DUS2', 'Amazon Logistik Rheinberg GmbH', 'Amazonstrasse 1', '47495', 'Rheinberg'),
      fc('FRA7', 'Amazon Logistik Frankenthal GmbH', 'Am Roehrich 15', '67227', 'Frankenthal'),
      fc('LEJ1', 'Amazon Logistik Leipzig GmbH', 'Amazonstrasse 1', '04347', 'Leipzig'),
      fc('MUC3', 'Amazon Logistik Graben GmbH', 'Amazonstrasse 1', '86836', 'Graben'),
    ],
    addressesOnPo: true,
    creditNotesAccepted: true,
  },
  FR: {
    code: 'FR',
    countryCode: 'FR',
    currency: 'EUR',
    minorDigits: 2,
    perEur: 1,
    buyingPartyId: 'AMZFR',
    billTo: euBillTo(
      'FR',
      'Succursale Francaise',
      '67 boulevard du General Leclerc',
      '92110',
      'Clichy',
      'FR99999999902',
    ),
    fulfilmentCenters: [
      fc('ORY1', 'Amazon France Logistique SAS', '1401 rue du Champ Rouge', '45770', 'Saran'),
      fc('LYS1', 'Amazon France Logistique SAS', 'ZAC du Parc d Activites', '71100', 'Sevrey'),
      fc('MRS1', 'Amazon France Logistique SAS', 'BP 49 ZAC les Portes de Provence', '26200', 'Montelimar'),
    ],
    addressesOnPo: true,
    creditNotesAccepted: true,
  },
  IT: {
    code: 'IT',
    countryCode: 'IT',
    currency: 'EUR',
    minorDigits: 2,
    perEur: 1,
    buyingPartyId: 'AMZIT',
    billTo: euBillTo(
      'IT',
      'Succursale Italiana',
      'Viale Monte Grappa 3/5',
      '20124',
      'Milano',
      'IT99999999903',
    ),
    fulfilmentCenters: [
      fc(
        'MXP5',
        'Amazon Italia Logistica S.r.l.',
        'Strada Dogana Po 2U',
        '29015',
        'Castel San Giovanni',
        'PC',
      ),
      fc('FCO1', 'Amazon Italia Logistica S.r.l.', 'Via Salaria km 40', '02032', 'Passo Corese', 'RI'),
    ],
    addressesOnPo: true,
    creditNotesAccepted: true,
  },
  ES: {
    code: 'ES',
    countryCode: 'ES',
    currency: 'EUR',
    minorDigits: 2,
    perEur: 1,
    buyingPartyId: 'AMZES',
    billTo: euBillTo(
      'ES',
      'Sucursal en Espana',
      'Calle Ramirez de Prado 5',
      '28045',
      'Madrid',
      'ESW9999999J',
    ),
    fulfilmentCenters: [
      fc(
        'MAD4',
        'Amazon Spain Fulfillment S.L.',
        'Avenida de la Astronomia 24',
        '28830',
        'San Fernando de Henares',
        'Madrid',
      ),
      fc(
        'BCN1',
        'Amazon Spain Fulfillment S.L.',
        'Avinguda de les Garrigues 6',
        '08820',
        'El Prat de Llobregat',
        'Barcelona',
      ),
    ],
    addressesOnPo: true,
    creditNotesAccepted: true,
  },
  NL: {
    code: 'NL',
    countryCode: 'NL',
    currency: 'EUR',
    minorDigits: 2,
    perEur: 1,
    buyingPartyId: 'AMZNL',
    billTo: euBillTo('NL', 'Dutch Branch', 'Mr. Treublaan 7', '1097 DP', 'Amsterdam', 'NL999999999B01'),
    fulfilmentCenters: [
      fc('RTM1', 'Amazon Fulfillment Netherlands B.V.', 'Ringweg 1', '3197 KX', 'Rotterdam'),
    ],
    addressesOnPo: true,
    creditNotesAccepted: true,
  },
  PL: {
    code: 'PL',
    countryCode: 'PL',
    currency: 'PLN',
    minorDigits: 2,
    perEur: 4.3,
    buyingPartyId: 'AMZPL',
    billTo: euBillTo('PL', 'Oddzial w Polsce', 'ul. Prosta 70', '00-838', 'Warszawa', 'PL9999999904'),
    fulfilmentCenters: [
      fc('POZ1', 'Amazon Fulfillment Poland sp. z o.o.', 'ul. Poznanska 1d', '62-080', 'Sady'),
      fc(
        'WRO2',
        'Amazon Fulfillment Poland sp. z o.o.',
        'ul. Inwestycyjna 19',
        '55-040',
        'Bielany Wroclawskie',
      ),
    ],
    addressesOnPo: true,
    creditNotesAccepted: true,
  },
  SE: {
    code: 'SE',
    countryCode: 'SE',
    currency: 'SEK',
    minorDigits: 2,
    perEur: 11.2,
    buyingPartyId: 'AMZSE',
    billTo: euBillTo('SE', 'Swedish Branch', 'Mailbox 4', '111 52', 'Stockholm', 'SE999999999901'),
    fulfilmentCenters: [
      fc('ARN1', 'Amazon Fulfillment Sweden AB', 'Logistikvagen 2', '195 72', 'Rosersberg'),
    ],
    addressesOnPo: true,
    creditNotesAccepted: true,
  },
  UK: {
    code: 'UK',
    countryCode: 'GB',
    currency: 'GBP',
    minorDigits: 2,
    perEur: 0.86,
    buyingPartyId: 'AMZUK',
    billTo: {
      partyId: 'AMAZON_UK',
      name: 'Amazon EU S.a r.l., UK Branch',
      addressLine1: '1 Principal Place, Worship Street',
      city: 'London',
      postalCode: 'EC2A 2FA',
      vatNumber: 'GB999999905',
    },
    fulfilmentCenters: [
      fc('LTN1', 'Amazon UK Services Ltd.', 'Marston Gate, Ridgmont', 'MK43 0ZA', 'Bedford'),
      fc('BHX4', 'Amazon UK Services Ltd.', 'Plot 1 Prologis Park', 'CV6 4QJ', 'Coventry'),
      fc('MAN1', 'Amazon UK Services Ltd.', 'Airport City, Ringway Road', 'M90 5AA', 'Manchester'),
    ],
    addressesOnPo: true,
    creditNotesAccepted: true,
  },
  US: {
    code: 'US',
    countryCode: 'US',
    currency: 'USD',
    minorDigits: 2,
    perEur: 1.08,
    buyingPartyId: 'AMZUS',
    billTo: {
      partyId: 'AMAZON_US',
      name: 'Amazon.com Services LLC',
      addressLine1: 'PO Box 80463',
      city: 'Seattle',
      postalCode: '98108',
      stateOrRegion: 'WA',
    },
    fulfilmentCenters: [
      fc('PHX6', 'Amazon.com Services LLC', '4750 West Mohave Street', '85043', 'Phoenix', 'AZ'),
      fc('ONT8', 'Amazon.com Services LLC', '24208 San Michele Road', '92551', 'Moreno Valley', 'CA'),
      fc('BFI4', 'Amazon.com Services LLC', '21005 64th Avenue South', '98032', 'Kent', 'WA'),
      fc('JFK8', 'Amazon.com Services LLC', '546 Gulf Avenue', '10314', 'Staten Island', 'NY'),
    ],
    addressesOnPo: false,
    creditNotesAccepted: false,
  },
  CA: {
    code: 'CA',
    countryCode: 'CA',
    currency: 'CAD',
    minorDigits: 2,
    perEur: 1.47,
    buyingPartyId: 'AMZCA',
    billTo: {
      partyId: 'AMAZON_CA',
      name: 'Amazon.com.ca ULC',
      addressLine1: '40 King Street West',
      city: 'Toronto',
      postalCode: 'M5H 3Y2',
      stateOrRegion: 'ON',
    },
    fulfilmentCenters: [
      fc('YYZ4', 'Amazon.com.ca ULC', '8050 Heritage Road', 'L6Y 0C9', 'Brampton', 'ON'),
      fc('YVR2', 'Amazon.com.ca ULC', '450 Derwent Place', 'V3M 5Y9', 'Delta', 'BC'),
    ],
    addressesOnPo: false,
    creditNotesAccepted: false,
  },
  JP: {
    code: 'JP',
    countryCode: 'JP',
    currency: 'JPY',
    minorDigits: 0,
    perEur: 160,
    buyingPartyId: 'AMZJP',
    billTo: {
      partyId: 'AMAZON_JP',
      name: 'Amazon Japan G.K.',
      addressLine1: '1-8-1 Shimomeguro',
      city: 'Meguro-ku, Tokyo',
      postalCode: '153-0064',
    },
    fulfilmentCenters: [
      fc('NRT1', 'Amazon Japan G.K.', '2-3-1 Minamigyotoku', '272-0138', 'Ichikawa', 'Chiba'),
    ],
    addressesOnPo: true,
    creditNotesAccepted: false,
  },
  // Invoicing covers these too (shared/domain/invoices/marketplace-rules.ts).
  MX: {
    code: 'MX',
    countryCode: 'MX',
    currency: 'MXN',
    minorDigits: 2,
    perEur: 19.5,
    buyingPartyId: 'AMZMX',
    billTo: {
      partyId: 'AMAZON_MX',
      name: 'Servicios Comerciales Amazon Mexico S. de R.L. de C.V.',
      addressLine1: 'Juan Salvador Agraz 73',
      city: 'Ciudad de Mexico',
      postalCode: '05348',
      stateOrRegion: 'CDMX',
    },
    fulfilmentCenters: [
      fc('MEX1', 'Amazon Mexico Fulfillment', 'Av. Tepotzotlan 2', '54605', 'Tepotzotlan', 'MEX'),
    ],
    addressesOnPo: false,
    creditNotesAccepted: false,
  },
  BE: {
    code: 'BE',
    countryCode: 'BE',
    currency: 'EUR',
    minorDigits: 2,
    perEur: 1,
    buyingPartyId: 'AMZBE',
    billTo: euBillTo('BE', 'Belgian Branch', 'Avenue Louise 54', '1050', 'Bruxelles', 'BE0999999901'),
    fulfilmentCenters: [
      fc('BRU1', 'Amazon Fulfillment Belgium', 'Rue de l Industrie 10', '1400', 'Nivelles'),
    ],
    addressesOnPo: true,
    creditNotesAccepted: true,
  },
  IE: {
    code: 'IE',
    countryCode: 'IE',
    currency: 'EUR',
    minorDigits: 2,
    perEur: 1,
    buyingPartyId: 'AMZIE',
    billTo: euBillTo('IE', 'Irish Branch', 'One Burlington Plaza', 'D04 RH96', 'Dublin', 'IE9999999WA'),
    fulfilmentCenters: [
      fc('DUB4', 'Amazon Fulfillment Ireland', 'Baldonnell Business Park', 'D22 X4N1', 'Dublin'),
    ],
    addressesOnPo: true,
    creditNotesAccepted: true,
  },
};

/**
 * Countries where submitInvoices accepts a CreditNote (notes/domain.md 1.4):
 * ES, IN, IE, ZA, BE, FR, EG, PL, NL, GB, DE, SE, SA, IT.
 */
export const CREDIT_NOTE_COUNTRIES: ReadonlySet<string> = new Set([
  'ES',
  'IN',
  'IE',
  'ZA',
  'BE',
  'FR',
  'EG',
  'PL',
  'NL',
  'GB',
  'DE',
  'SE',
  'SA',
  'IT',
]);

/** Looks a marketplace up by config code or ISO country (`UK` and `GB` both find the UK). */
export function findMarketplace(codeOrCountry: string): SandboxMarketplace | undefined {
  const key = codeOrCountry.toUpperCase();
  return SANDBOX_MARKETPLACES[key] ?? Object.values(SANDBOX_MARKETPLACES).find((m) => m.countryCode === key);
}
