/**
 * `npx tsx bench/shipments.ts`: the shipments capability, in two parts, with the machine they ran on.
 *
 * 1. Throughput on one core: a generated warehouse file of many shipments (cases and eaches,
 *    parcels and multi-pallet trucks, lots and expiry) read, checked against its POs and turned into
 *    confirmations validated by our strict schema — rows per second, median of 5 runs after a
 *    warm-up.
 * 2. Latency end to end on the local system (`npm start`'s runtime, every function in its worker):
 *    from a file landing in the inbox to the confirmation received by the Amazon sandbox (202), and
 *    to `Success` as Acorn's follow-up reads it. The sandbox "processes" a confirmation for 5 clock
 *    minutes; the clock runs at SPEED× here, and the follow-up is invoked back to back instead of
 *    waiting for its schedule, so the figure is Acorn's own latency plus 5 min / SPEED.
 *
 * Figures are measured, never asserted in tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Rng } from '#local/amazon-sandbox/prng.ts';
import { PROJECT_ROOT, startLocalSystem } from '#local/system.ts';
import {
  type LineToShip,
  packShipment,
  type ShipmentToDescribe,
  toShipmentCsv,
} from '#local/warehouse/shipment-files.ts';
import {
  buildShipmentConfirmation,
  buildShipmentConfirmationsRequest,
} from '#shared/domain/shipments/confirmation-payload.ts';
import { departureWindow } from '#shared/domain/shipments/fulfilment.ts';
import { parseShipmentCsv } from '#shared/domain/shipments/shipment-file.ts';
import { planShipment, type ShipmentPurchaseOrder } from '#shared/domain/shipments/shipment-rules.ts';
import { gs1CheckDigit } from '#shared/domain/shipments/sscc.ts';
import type { OrderItem, PurchaseOrder } from '#shared/sp-api/schemas/orders.ts';
import { describeMachine, formatMachine } from './machine.ts';

const ORDERS = Number(process.env.BENCH_SHIPMENT_ORDERS ?? 2_000);
const RUNS = 5;
const LATENCY_FILES = Number(process.env.BENCH_SHIPMENT_FILES ?? 8);
const SPEED = 600;
const SHIP_DATE = '2026-12-01T10:00:00.000Z';
const SHIP_FROM = {
  partyId: 'ACMEWH1',
  address: {
    name: 'Acme Warehouse Koeln',
    addressLine1: 'Lagerweg 3',
    city: 'Koeln',
    postalCode: '50739',
    countryCode: 'DE',
  },
};

/** An ISO instant moved into a window (ISO instants of one format compare as strings). */
function within(instant: string, window: { start: string; end: string }): string {
  if (instant < window.start) return window.start;
  if (instant > window.end) return window.end;
  return instant;
}

const rate = (count: number, ms: number) => Math.round(count / (ms / 1000)).toLocaleString('en-US');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;

function order(n: number): PurchaseOrder {
  const rng = new Rng(3, 'bench-po', n);
  const items: OrderItem[] = Array.from({ length: rng.int(1, 12) }, (_, i) => {
    const body = `40${String(n * 100 + i).padStart(10, '0')}`;
    const cases = rng.chance(0.4);
    return {
      itemSequenceNumber: String(i + 1),
      amazonProductIdentifier: `B0${String(n * 100 + i).padStart(8, '0')}`,
      vendorProductIdentifier: `${body}${gs1CheckDigit(body)}`,
      orderedQuantity: cases
        ? { amount: rng.int(1, 20), unitOfMeasure: 'Cases', unitSize: rng.pick([6, 12]) }
        : { amount: rng.int(1, 60), unitOfMeasure: 'Eaches', unitSize: 1 },
      isBackOrderAllowed: false,
      netCost: { amount: '9.99', currencyCode: 'EUR' },
    };
  });
  return {
    purchaseOrderNumber: `P${String(n).padStart(7, '0')}`,
    purchaseOrderState: 'Acknowledged',
    orderDetails: {
      purchaseOrderDate: '2026-11-28T08:00:00Z',
      purchaseOrderStateChangedDate: '2026-11-28T09:00:00Z',
      sellingParty: { partyId: 'ACMEDE' },
      shipToParty: { partyId: 'DUS2' },
      shipWindow: '2026-11-30T07:00:00Z--2026-12-04T07:00:00Z',
      items,
    },
  };
}

function linesOf(po: PurchaseOrder, rng: Rng): LineToShip[] {
  return po.orderDetails!.items.map((item) => ({
    ean: item.vendorProductIdentifier!,
    unitOfMeasure: item.orderedQuantity.unitOfMeasure === 'Cases' ? 'Cases' : 'Eaches',
    unitSize: item.orderedQuantity.unitSize ?? 1,
    quantity: item.orderedQuantity.amount ?? 0,
    ...(rng.chance(0.5) ? { lotNumber: `L${rng.int(1000, 9999)}` } : {}),
    ...(rng.chance(0.3) ? { expiryDate: '2028-06-30' } : {}),
    countryOfOrigin: rng.pick(['DE', 'PL', 'CN']),
  }));
}

function throughput(): void {
  const started = performance.now();
  const orders = Array.from({ length: ORDERS }, (_, n) => order(n));
  const rng = new Rng(3, 'bench-shipments');
  const shipments: ShipmentToDescribe[] = [];
  for (let i = 0; i < orders.length; ) {
    const group = orders.slice(i, i + rng.int(1, 3));
    i += group.length;
    shipments.push({
      shipmentId: `WH-${shipments.length + 1}`,
      shipDate: SHIP_DATE,
      purchaseOrders: group.map((po) => ({
        purchaseOrderNumber: po.purchaseOrderNumber,
        lines: linesOf(po, rng),
      })),
    });
  }
  let serial = 1;
  const rows = shipments.flatMap((s) => {
    const packed = packShipment(s, { firstSerial: serial });
    serial += packed.serialsUsed;
    return packed.rows;
  });
  const csv = toShipmentCsv(rows);
  const contexts = new Map<string, ShipmentPurchaseOrder>(
    orders.map((po) => [
      po.purchaseOrderNumber,
      {
        order: po,
        vendorCode: 'ACMEDE',
        accepted: new Map(
          po.orderDetails!.items.map((i) => [i.itemSequenceNumber, i.orderedQuantity.amount ?? 0]),
        ),
        claimed: new Map(),
        window: departureWindow(po, 2)!,
      },
    ]),
  );
  console.log(
    `\ndata     ${rows.length.toLocaleString('en-US')} rows, ${shipments.length.toLocaleString('en-US')} shipments, ` +
      `${orders.length.toLocaleString('en-US')} POs, ${(csv.length / 1024 / 1024).toFixed(1)} MB of CSV, generated in ${(performance.now() - started).toFixed(0)} ms`,
  );

  const time = (fn: () => void) => {
    fn();
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      fn();
      runs.push(performance.now() - t);
    }
    return median(runs);
  };
  let confirmations = 0;
  const parseMs = time(() => {
    const parsed = parseShipmentCsv(csv);
    if (parsed.problems.length > 0)
      throw new Error(`generated file has problems: ${parsed.problems[0]?.message}`);
  });
  const allMs = time(() => {
    const parsed = parseShipmentCsv(csv);
    confirmations = 0;
    for (const shipment of parsed.shipments) {
      const { plan, problems } = planShipment({
        shipment,
        purchaseOrders: contexts,
        shipFromPartyIds: ['ACMEWH1'],
      });
      if (!plan) throw new Error(`shipment ${shipment.shipmentId} refused: ${problems[0]?.message}`);
      buildShipmentConfirmationsRequest([
        buildShipmentConfirmation({ plan, shipFrom: SHIP_FROM, confirmationDate: new Date(SHIP_DATE) }),
      ]);
      confirmations++;
    }
  });
  console.log(
    `\nparseShipmentCsv (rows, SSCC check digits)          ${rate(rows.length, parseMs).padStart(10)} rows/s  (${parseMs.toFixed(0)} ms)`,
  );
  console.log(
    `parse + rules + confirmation (strict schema)        ${rate(rows.length, allMs).padStart(10)} rows/s  (${confirmations.toLocaleString('en-US')} confirmations, ${rate(confirmations, allMs)} /s)`,
  );
}

async function latency(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acorn-bench-shipments-'));
  const system = await startLocalSystem({
    port: 0,
    sandboxPort: 0,
    dataDir,
    configPath: join(PROJECT_ROOT, 'acorn.config.json'),
    speed: SPEED,
    schedules: false,
    warehouse: false,
    poGeneration: { backlog: 120, perHour: 0 },
    log: () => {},
  });
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const region = system.runtime.env.AWS_REGION ?? 'us-east-1';
  const s3 = new S3Client({
    endpoint: system.runtime.endpoints.s3,
    region,
    forcePathStyle: true,
    credentials,
  });
  const dynamo = new DynamoDBClient({ endpoint: system.runtime.endpoints.dynamodb, region, credentials });
  const table = system.runtime.physicalName('Table');
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const stateOf = async (vendorCode: string, shipmentId: string) =>
    (
      await dynamo.send(
        new GetItemCommand({
          TableName: table,
          Key: { pk: { S: `SHIPMENT#${vendorCode}#${shipmentId}` }, sk: { S: 'SHIPMENT' } },
          ConsistentRead: true,
        }),
      )
    ).Item?.state?.S;
  try {
    // The catalogue and stock files seeded at start are imported; then the POs are pulled and acknowledged.
    for (let i = 0; i < 200; i++) {
      const imports = system.runtime.invocations().filter((x) => x.functionId === 'ImportInboxFile' && x.ok);
      if (imports.length >= 2) break;
      await sleep(100);
    }
    await system.runtime.invoke('PullPurchaseOrders', {});
    const ready: PurchaseOrder[] = [];
    for (let i = 0; i < 300 && ready.length < LATENCY_FILES; i++) {
      ready.length = 0;
      for (const po of system.sandbox.purchaseOrders()) {
        if (po.purchaseOrderState !== 'Acknowledged' || !departureWindow(po, 2)) continue;
        const status = system.sandbox.purchaseOrderStatus(po.purchaseOrderNumber);
        if (status?.itemStatus.some((s) => (s.acknowledgementStatus?.acceptedQuantity?.amount ?? 0) > 0))
          ready.push(po);
      }
      await sleep(100);
    }
    const submitted: number[] = [];
    const received: number[] = [];
    const accepted: number[] = [];
    for (const [n, po] of ready.slice(0, LATENCY_FILES).entries()) {
      const status = system.sandbox.purchaseOrderStatus(po.purchaseOrderNumber)!;
      const window = departureWindow(po, 2)!;
      const now = system.runtime.clock.now().toISOString();
      const lines: LineToShip[] = po.orderDetails!.items.flatMap((item) => {
        const amount =
          status.itemStatus.find((s) => s.itemSequenceNumber === item.itemSequenceNumber)
            ?.acknowledgementStatus?.acceptedQuantity?.amount ?? 0;
        return amount > 0
          ? [
              {
                ean: item.vendorProductIdentifier!,
                unitOfMeasure: item.orderedQuantity.unitOfMeasure === 'Cases' ? 'Cases' : 'Eaches',
                unitSize:
                  item.orderedQuantity.unitOfMeasure === 'Cases' ? (item.orderedQuantity.unitSize ?? 1) : 1,
                quantity: amount,
              },
            ]
          : [];
      });
      const shipmentId = `BENCH-${n + 1}`;
      const csv = toShipmentCsv(
        packShipment(
          {
            shipmentId,
            shipDate: within(now, window),
            purchaseOrders: [{ purchaseOrderNumber: po.purchaseOrderNumber, lines }],
          },
          { firstSerial: 10_000 * (n + 1) },
        ).rows,
      );
      const vendorCode = po.orderDetails!.sellingParty!.partyId;
      const before = system.sandbox.shipmentConfirmations().length;
      const landed = performance.now();
      await s3.send(
        new PutObjectCommand({
          Bucket: system.runtime.physicalName('InboxBucket'),
          Key: `shipments/${shipmentId}.csv`,
          Body: csv,
        }),
      );
      while (system.sandbox.shipmentConfirmations().length === before) await sleep(2);
      received.push(performance.now() - landed);
      while ((await stateOf(vendorCode, shipmentId)) !== 'submitted') await sleep(5);
      submitted.push(performance.now() - landed);
      while ((await stateOf(vendorCode, shipmentId)) !== 'accepted') {
        await system.runtime.invoke('FollowUpShipments', {});
      }
      accepted.push(performance.now() - landed);
    }
    const row = (label: string, values: number[]) =>
      console.log(
        `${label.padEnd(52)} p50 ${median(values).toFixed(0).padStart(5)} ms   p90 ${percentile(values, 90).toFixed(0).padStart(5)} ms   max ${Math.max(
          ...values,
        )
          .toFixed(0)
          .padStart(5)} ms`,
      );
    console.log(
      `\nlatency over ${accepted.length} files (clock ${SPEED}× real time; sandbox processing 5 clock min = ${(300_000 / SPEED).toFixed(0)} ms)`,
    );
    console.log(
      `first file (includes the import function's cold start): received ${received[0]?.toFixed(0)} ms, Success ${accepted[0]?.toFixed(0)} ms; then, warm:`,
    );
    row('file lands → confirmation received by the sandbox', received.slice(1));
    row('file lands → Acorn records it submitted (202)', submitted.slice(1));
    row('file lands → Success read by Acorn (accepted)', accepted.slice(1));
  } finally {
    s3.destroy();
    dynamo.destroy();
    await system.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log('Acorn benchmark: shipments (warehouse file → checked confirmation → Amazon)');
console.log(formatMachine(describeMachine()));
throughput();
await latency();
