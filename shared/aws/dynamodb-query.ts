import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type KeysAndAttributes,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';

/** A DynamoDB item as the low-level client returns it. */
export type Item = Record<string, AttributeValue>;

/** The key range of a query: a partition of the table or of an index, and at most one sort-key bound. */
export interface KeyRange {
  /** The index to query; the table itself when absent. */
  readonly index?: 'gsi1' | 'gsi2';
  readonly pk: string;
  /** Sort keys strictly below this value. */
  readonly below?: string;
  /** Sort keys up to and including this value. */
  readonly atMost?: string;
  /** Sort keys strictly above this value. */
  readonly above?: string;
  /** Sort keys from the first to the second value, both included. */
  readonly between?: readonly [string, string];
  /** Sort keys starting with this value. */
  readonly beginsWith?: string;
}

/**
 * The key condition of a {@link KeyRange}, with the index's own key names (`gsi1pk`/`gsi1sk` …).
 * Names and values only through placeholders, so a key value can never change the expression.
 */
export function keyCondition(
  range: KeyRange,
): Pick<
  QueryCommandInput,
  'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> {
  const names: Record<string, string> = { '#pk': range.index ? `${range.index}pk` : 'pk' };
  const values: Record<string, AttributeValue> = { ':pk': { S: range.pk } };
  let condition = '#pk = :pk';
  const sortKey = (expression: string, ...bounds: string[]) => {
    names['#sk'] = range.index ? `${range.index}sk` : 'sk';
    bounds.forEach((bound, i) => {
      values[`:sk${i}`] = { S: bound };
    });
    condition += ` AND ${expression}`;
  };
  if (range.below !== undefined) sortKey('#sk < :sk0', range.below);
  else if (range.atMost !== undefined) sortKey('#sk <= :sk0', range.atMost);
  else if (range.above !== undefined) sortKey('#sk > :sk0', range.above);
  else if (range.between !== undefined) sortKey('#sk BETWEEN :sk0 AND :sk1', ...range.between);
  else if (range.beginsWith !== undefined) sortKey('begins_with(#sk, :sk0)', range.beginsWith);
  return {
    ...(range.index ? { IndexName: range.index } : {}),
    KeyConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * The items of a query, page after page (never a Scan), until the last page or until `limit` items
 * were read: each page asks only for what is still missing, so a limited read costs no more than
 * the items it returns.
 */
export async function* queryPages(
  client: DynamoDBClient,
  input: QueryCommandInput,
  limit = Number.POSITIVE_INFINITY,
): AsyncGenerator<Item> {
  if (limit <= 0) return;
  let read = 0;
  let start: Item | undefined;
  do {
    const res = await client.send(
      new QueryCommand({
        ...input,
        ...(Number.isFinite(limit) ? { Limit: limit - read } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of res.Items ?? []) {
      read++;
      yield item;
    }
    start = res.LastEvaluatedKey;
  } while (start && read < limit);
}

/** {@link queryPages} collected into an array. */
export async function queryItems(
  client: DynamoDBClient,
  input: QueryCommandInput,
  limit = Number.POSITIVE_INFINITY,
): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of queryPages(client, input, limit)) items.push(item);
  return items;
}

/** Requests of a batch DynamoDB left unprocessed before a batch read or write gives up (with a growing pause between). */
const BATCH_ATTEMPTS = 8;

/**
 * The items of some keys of one table, by BatchGetItem: 100 keys a request, the keys DynamoDB leaves
 * unprocessed (throttling, the 16 MB answer limit) read again after a pause. Keys without an item
 * are simply absent; keys still unprocessed after {@link BATCH_ATTEMPTS} reads throw, so a
 * caller never takes a missing answer for a missing item.
 */
export async function batchGetItems(
  client: DynamoDBClient,
  tableName: string,
  keys: readonly Item[],
  options: Omit<KeysAndAttributes, 'Keys'> = {},
): Promise<Item[]> {
  const items: Item[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Item[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === BATCH_ATTEMPTS) {
        throw new Error(
          `DynamoDB left ${pending.length} keys of ${tableName} unprocessed after ${attempt} reads`,
        );
      }
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** (attempt - 1)));
      const res = await client.send(
        new BatchGetItemCommand({ RequestItems: { [tableName]: { ...options, Keys: pending } } }),
      );
      items.push(...(res.Responses?.[tableName] ?? []));
      pending = res.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return items;
}

/**
 * Puts items into one table by BatchWriteItem: 25 a request, the ones DynamoDB leaves unprocessed
 * (throttling) sent again after a pause. Items still unprocessed after {@link BATCH_ATTEMPTS}
 * requests throw, so a caller never takes a partial write for a complete one. Not conditional:
 * callers that must not overwrite read the keys first.
 */
export async function batchWriteItems(
  client: DynamoDBClient,
  tableName: string,
  items: readonly Item[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === BATCH_ATTEMPTS) {
        throw new Error(
          `DynamoDB left ${pending.length} items of ${tableName} unwritten after ${attempt} requests`,
        );
      }
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** (attempt - 1)));
      const res = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = (res.UnprocessedItems?.[tableName] ?? []).flatMap((r) =>
        r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
      );
    }
  }
}
