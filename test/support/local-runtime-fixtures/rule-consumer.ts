import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

// Fixture: the target of a bus rule.
const dynamodb = new DynamoDBClient({});

export async function handler(event: {
  source: string;
  time: string;
  detail: { id: string; name?: string; status?: string };
}) {
  if (event.source === 'aws.states') {
    // A Step Functions execution status change from the default bus.
    await dynamodb.send(
      new PutItemCommand({
        TableName: process.env.TABLE_NAME,
        Item: {
          pk: { S: `execution#${event.detail.name ?? ''}` },
          sk: { S: 'item' },
          kind: { S: 'execution' },
          status: { S: event.detail.status ?? '' },
        },
      }),
    );
    return;
  }
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
