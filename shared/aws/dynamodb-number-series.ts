import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { NumberSeriesContentionError } from '../domain/invoices/errors.ts';
import { formatInvoiceNumber, type NumberSlot, type SlotState } from '../domain/invoices/numbering.ts';
import type { NumberSeries, SeriesRef } from '../use-cases/invoices/ports.ts';
import { queryItems } from './dynamodb-query.ts';

/**
 * Gap-free number series on the single table, one item per number:
 *
 * | item | pk / sk | gsi1 (sparse) |
 * |---|---|---|
 * | slot | `NUMSERIES#<legal entity>#<series>` / `SEQ#<sequence, 12 digits>` | `NUMRESERVED` / `<reservedAt>#…` while reserved |
 *
 * Reserving reads the series' highest slot (a one-item query, strongly consistent) and puts the
 * next one only if it does not exist (one conditional PutItem, ARCHITECTURE rule 9); whoever loses
 * the race reads again. Every number from 1 to the highest therefore has its slot, and a slot only
 * ever moves reserved → issued or reserved → void (one conditional UpdateItem each).
 */
export class DynamoDbNumberSeries implements NumberSeries {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string; maxAttempts?: number }) {}

  static pk(legalEntity: string, series: string): string {
    return `NUMSERIES#${legalEntity}#${series}`;
  }

  static sk(sequence: number): string {
    return `SEQ#${String(sequence).padStart(12, '0')}`;
  }

  async reserve(series: SeriesRef, purpose: string, at: string): Promise<NumberSlot> {
    const pk = DynamoDbNumberSeries.pk(series.legalEntity, series.series);
    const attempts = this.deps.maxAttempts ?? 200;
    let sequence = (await this.#highest(pk)) + 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const slot: NumberSlot = {
        legalEntity: series.legalEntity,
        series: series.series,
        sequence,
        invoiceNumber: formatInvoiceNumber(series.prefix, series.series, sequence),
        state: 'reserved',
        reservedAt: at,
        purpose,
      };
      try {
        await this.deps.client.send(
          new PutItemCommand({
            TableName: this.deps.tableName,
            Item: {
              pk: { S: pk },
              sk: { S: DynamoDbNumberSeries.sk(sequence) },
              type: { S: 'NumberSlot' },
              legalEntity: { S: slot.legalEntity },
              series: { S: slot.series },
              sequence: { N: String(sequence) },
              invoiceNumber: { S: slot.invoiceNumber },
              state: { S: 'reserved' },
              reservedAt: { S: at },
              purpose: { S: purpose.slice(0, 500) },
              gsi1pk: { S: 'NUMRESERVED' },
              gsi1sk: { S: `${at}#${slot.invoiceNumber}` },
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return slot;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // Someone took it: start again after the highest slot now stored.
        sequence = Math.max(sequence + 1, (await this.#highest(pk)) + 1);
      }
    }
    throw new NumberSeriesContentionError(
      `Series ${series.series} of ${series.legalEntity}: no number after ${attempts} attempts`,
    );
  }

  async issue(slot: NumberSlot, at: string): Promise<boolean> {
    return this.#move(slot, 'issued', { ':at': { S: at } }, 'issuedAt = :at');
  }

  async void(slot: NumberSlot, reason: string, at: string): Promise<boolean> {
    return this.#move(
      slot,
      'void',
      { ':at': { S: at }, ':reason': { S: reason || 'abandoned' } },
      'voidedAt = :at, reason = :reason',
    );
  }

  async list(
    series: Pick<SeriesRef, 'legalEntity' | 'series'>,
    options: { fromSequence?: number; limit: number },
  ): Promise<NumberSlot[]> {
    const items = await queryItems(
      this.deps.client,
      {
        TableName: this.deps.tableName,
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: {
          ':pk': { S: DynamoDbNumberSeries.pk(series.legalEntity, series.series) },
          ':from': { S: DynamoDbNumberSeries.sk(options.fromSequence ?? 1) },
        },
        ConsistentRead: true,
      },
      options.limit,
    );
    return items.map(slotOf);
  }

  async staleReservations(before: string, limit: number): Promise<NumberSlot[]> {
    const res = await this.deps.client.send(
      new QueryCommand({
        TableName: this.deps.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :before',
        ExpressionAttributeValues: { ':pk': { S: 'NUMRESERVED' }, ':before': { S: before } },
        Limit: limit,
      }),
    );
    return (res.Items ?? []).map(slotOf);
  }

  async #highest(pk: string): Promise<number> {
    const res = await this.deps.client.send(
      new QueryCommand({
        TableName: this.deps.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :seq)',
        ExpressionAttributeValues: { ':pk': { S: pk }, ':seq': { S: 'SEQ#' } },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 1,
        ProjectionExpression: '#sequence',
        ExpressionAttributeNames: { '#sequence': 'sequence' },
      }),
    );
    const top = res.Items?.[0]?.sequence?.N;
    return top ? Number(top) : 0;
  }

  async #move(
    slot: NumberSlot,
    to: SlotState,
    values: Record<string, AttributeValue>,
    set: string,
  ): Promise<boolean> {
    try {
      await this.deps.client.send(
        new UpdateItemCommand({
          TableName: this.deps.tableName,
          Key: {
            pk: { S: DynamoDbNumberSeries.pk(slot.legalEntity, slot.series) },
            sk: { S: DynamoDbNumberSeries.sk(slot.sequence) },
          },
          ConditionExpression: '#state = :reserved',
          UpdateExpression: `SET #state = :to, ${set} REMOVE gsi1pk, gsi1sk`,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ...values, ':reserved': { S: 'reserved' }, ':to': { S: to } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function slotOf(item: Record<string, AttributeValue>): NumberSlot {
  return {
    legalEntity: item.legalEntity?.S ?? '',
    series: item.series?.S ?? '',
    sequence: Number(item.sequence?.N ?? '0'),
    invoiceNumber: item.invoiceNumber?.S ?? '',
    state: (item.state?.S ?? 'reserved') as SlotState,
    reservedAt: item.reservedAt?.S ?? '',
    purpose: item.purpose?.S ?? '',
    ...(item.issuedAt?.S ? { issuedAt: item.issuedAt.S } : {}),
    ...(item.voidedAt?.S ? { voidedAt: item.voidedAt.S } : {}),
    ...(item.reason?.S ? { reason: item.reason.S } : {}),
  };
}
