import { minorToDecimal, type PurchaseOrderGenerator } from './generator.ts';
import { findMarketplace } from './marketplaces.ts';
import { Rng } from './prng.ts';

/**
 * The vendor's own side of the local world: a catalogue file and a stock file for the products the
 * sandbox orders, as an ERP/WMS would drop them into the S3 inbox. Deterministic from the seed,
 * and deliberately imperfect so every rule gets work: a few products missing from the catalogue,
 * a few discontinued, a few whose expected cost differs from what Amazon orders at, and stock
 * from plenty to none.
 */
export function vendorFiles(opts: {
  generator: PurchaseOrderGenerator;
  vendors: readonly { vendorCode: string; marketplaces: readonly string[] }[];
  seed: number;
  asOf: Date;
}): { catalogCsv: string; stockCsv: string } {
  const catalog = ['sku,asin,ean,marketplace,expectedNetCost,currency,status,leadTimeDays,maxOrderQuantity'];
  const stock = ['sku,availableToPromise,asOf'];
  for (const vendor of opts.vendors) {
    opts.generator.catalog(vendor.vendorCode).forEach((product, i) => {
      const rng = new Rng(opts.seed, 'vendor-files', vendor.vendorCode, i);
      const sku = `${vendor.vendorCode}-${String(i + 1).padStart(3, '0')}`;
      // One product in twenty is missing from the catalogue: its PO lines are unknown items.
      if (rng.chance(0.05)) return;
      const discontinued = rng.chance(0.05);
      const costOff = rng.chance(0.06);
      const leadTimeDays = rng.int(3, 21);
      for (const code of vendor.marketplaces) {
        const market = findMarketplace(code);
        if (!market) continue;
        const scale = 10 ** market.minorDigits;
        const cents = Math.round(product.costEurCents * (costOff ? 0.9 : 1));
        const cost = minorToDecimal(
          Math.max(1, Math.round((cents / 100) * market.perEur * scale)),
          market.minorDigits,
        );
        catalog.push(
          [
            sku,
            product.asin,
            product.ean,
            market.code,
            cost,
            market.currency,
            discontinued ? 'discontinued' : 'active',
            leadTimeDays,
            '',
          ].join(','),
        );
      }
      const level = rng.next();
      const eaches = level < 0.12 ? 0 : level < 0.3 ? rng.int(1, 40) : rng.int(200, 2000);
      stock.push([sku, eaches * product.caseSize, opts.asOf.toISOString()].join(','));
    });
  }
  return { catalogCsv: `${catalog.join('\n')}\n`, stockCsv: `${stock.join('\n')}\n` };
}
