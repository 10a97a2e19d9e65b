import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { requireEnv } from '#shared/config/runtime.ts';
import { logger, metrics, withObservability } from '#shared/observability.ts';
import {
  makeImportShipmentFile,
  type ShipmentFileSummary,
} from '#shared/use-cases/shipments/import-shipment-file.ts';
import { makeRegisterShipments } from '#shared/use-cases/shipments/register-shipments.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { shipmentDependencies } from './dependencies.ts';

const { deps, s3 } = shipmentDependencies();
const inbox = requireEnv('INBOX_BUCKET_NAME');

async function read(key: string): Promise<string> {
  const res = await s3.send(new GetObjectCommand({ Bucket: inbox, Key: key }));
  return (await res.Body?.transformToString('utf-8')) ?? '';
}

const importFile = makeImportShipmentFile({
  read,
  register: makeRegisterShipments(deps),
  events: deps.events,
});

const objectCreatedSchema = z.looseObject({
  detail: z.looseObject({
    bucket: z.looseObject({ name: z.string() }),
    object: z.looseObject({ key: z.string().min(1) }),
  }),
});

/**
 * S3 "Object Created" in the inbox under `shipments/` → each shipment of the warehouse file
 * checked against its POs and confirmed to Amazon through the outbox; every bad row reported with
 * its number and field, the file left in the inbox. Errors are thrown: Lambda retries, and a file
 * seen twice sends one confirmation.
 */
export async function importShipmentFile(
  event: EventBridgeEvent<'Object Created', unknown>,
): Promise<ShipmentFileSummary> {
  const parsed = parseOrThrow(objectCreatedSchema, event, 'S3 Object Created event');
  const key = decodeURIComponent(parsed.detail.object.key.replace(/\+/g, ' '));
  const summary = await importFile(key);
  for (const shipment of summary.shipments) metrics.addMetric(`Shipment_${shipment.outcome}`, 'Count', 1);
  logger.info('Imported shipment file', {
    file: key,
    rows: summary.rows,
    shipments: summary.shipments.map((s) => ({ id: s.shipmentId, outcome: s.outcome, state: s.state })),
    problems: summary.problems.length,
  });
  return summary;
}

export const handler = withObservability(importShipmentFile);
