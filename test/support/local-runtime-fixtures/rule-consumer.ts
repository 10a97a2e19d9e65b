import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

// Fixture: the target of a bus rule.
const dynamodb = new DynamoDBClient({});

export async function handler(event: { source: string; time: string; detail: { id: string } }) {
  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.TABLE_NAME,
      Item: {
        pk: { S: `consumed#${event.detail.id}` },
        sk: { S: 'item' },
        kind: { S: 'consumed' },
        source: { S: event.source },
        time: { S: event.time },
        marker: { S: process.env.FIXTURE_MARKER ?? '' },
      },
    }),
  );
}
