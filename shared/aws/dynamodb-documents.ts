import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  CursorStore,
  UpsertOutcome,
  VersionedDocument,
  VersionedDocumentStore,
} from '../use-cases/ports.ts';

function toAttribute(value: string | number | boolean): AttributeValue {
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  return { S: value };
}

/**
 * Versioned documents on the single table. One conditional PutItem per write: it succeeds only
 * for a first sighting or a strictly newer version, so replaying a page changes nothing and an
 * older copy never overwrites a newer one (ARCHITECTURE rules 8 and 9).
 */
export class DynamoDbDocumentStore implements VersionedDocumentStore {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string; now?: () => Date }) {}

  async upsert(doc: VersionedDocument): Promise<UpsertOutcome> {
    const item: Record<string, AttributeValue> = {
      pk: { S: doc.pk },
      sk: { S: doc.sk },
      version: { S: doc.version },
      document: { S: JSON.stringify(doc.document) },
      storedAt: { S: (this.deps.now?.() ?? new Date()).toISOString() },
      pendingEvent: { S: JSON.stringify(doc.pendingEvent) },
    };
    for (const [name, value] of Object.entries(doc.attributes)) item[name] = toAttribute(value);
    try {
      const res = await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR #version < :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': { S: doc.version } },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const previous = res.Attributes?.version?.S;
      return previous === undefined ? { kind: 'created' } : { kind: 'updated', previousVersion: previous };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const stored = await this.deps.client.send(
      new GetItemCommand({
        TableName: this.deps.tableName,
        Key: { pk: { S: doc.pk }, sk: { S: doc.sk } },
        ProjectionExpression: '#version, pendingEvent',
        ExpressionAttributeNames: { '#version': 'version' },
        ConsistentRead: true,
      }),
    );
    return {
      kind: 'unchanged',
      eventPending: stored.Item?.pendingEvent !== undefined,
      storedVersion: stored.Item?.version?.S ?? doc.version,
    };
  }

  async markPublished(key: { pk: string; sk: string }, version: string): Promise<void> {
    try {
      await this.deps.client.send(
        new UpdateItemCommand({
          TableName: this.deps.tableName,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          UpdateExpression: 'REMOVE pendingEvent',
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': { S: version } },
        }),
      );
    } catch (error) {
      // A newer version landed meanwhile; its own pending mark must stay.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/** Forward-only cursors, one item each. */
export class DynamoDbCursorStore implements CursorStore {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async get(name: string): Promise<string | undefined> {
    const res = await this.deps.client.send(
      new GetItemCommand({
        TableName: this.deps.tableName,
        Key: { pk: { S: `CURSOR#${name}` }, sk: { S: 'CURSOR' } },
        ConsistentRead: true,
      }),
    );
    return res.Item?.position?.S;
  }

  async advance(name: string, position: string): Promise<void> {
    try {
      await this.deps.client.send(
        new UpdateItemCommand({
          TableName: this.deps.tableName,
          Key: { pk: { S: `CURSOR#${name}` }, sk: { S: 'CURSOR' } },
          UpdateExpression: 'SET #position = :position',
          ConditionExpression: 'attribute_not_exists(#position) OR #position < :position',
          ExpressionAttributeNames: { '#position': 'position' },
          ExpressionAttributeValues: { ':position': { S: position } },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
