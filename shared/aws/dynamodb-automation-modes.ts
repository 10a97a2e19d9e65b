import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type ModeOverrides, modeOverridesSchema, NO_OVERRIDES } from '../domain/automation-modes.ts';
import type { ModeOverrideStore } from '../use-cases/console/ports.ts';
import { parseOrThrow } from '../validation.ts';

/** The one override item: `pk` = `sk` = `CONFIG#automation-modes`. */
export const MODE_OVERRIDES_KEY = {
  pk: { S: 'CONFIG#automation-modes' },
  sk: { S: 'CONFIG#automation-modes' },
};

/**
 * The automation-mode overrides as one item. A switch is one conditional PutItem on the version
 * read (`attribute_not_exists` for the first), so two admins switching at once cannot lose a switch
 * silently: the second gets a conflict and reads again.
 */
export class DynamoDbModeOverrides implements ModeOverrideStore {
  constructor(private readonly deps: { client: DynamoDBClient; tableName: string }) {}

  async read(): Promise<ModeOverrides> {
    const res = await this.deps.client.send(
      new GetItemCommand({ TableName: this.deps.tableName, Key: MODE_OVERRIDES_KEY, ConsistentRead: true }),
    );
    const text = res.Item?.overrides?.S;
    if (!text) return NO_OVERRIDES;
    return parseOrThrow(modeOverridesSchema, JSON.parse(text), 'automation-mode overrides item');
  }

  async write(next: ModeOverrides, expectedVersion: number): Promise<'written' | 'conflict'> {
    const valid = parseOrThrow(modeOverridesSchema, next, 'automation-mode overrides');
    try {
      await this.deps.client.send(
        new PutItemCommand({
          TableName: this.deps.tableName,
          Item: {
            ...MODE_OVERRIDES_KEY,
            type: { S: 'AutomationModeOverrides' },
            version: { N: String(valid.version) },
            overrides: { S: JSON.stringify(valid) },
          },
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :expected',
          ...(expectedVersion === 0
            ? {}
            : { ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } } }),
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }
}
