import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { clockFromEnv } from '#shared/clock.ts';

// Fixture: a scheduled function writing to DynamoDB and publishing to the bus, with clients built
// from the default configuration (endpoints only through AWS_ENDPOINT_URL_*).
const dynamodb = new DynamoDBClient({});
const events = new EventBridgeClient({});
const clock = clockFromEnv();
let invocations = 0;

export async function handler(event: { reason?: string }) {
  invocations++;
  const now = clock.now().toISOString();
  const id = `run-${invocations}-${now}`;
  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.TABLE_NAME,
      Item: {
        pk: { S: `written#${id}` },
        sk: { S: 'item' },
        kind: { S: 'written' },
        at: { S: now },
        reason: { S: event.reason ?? 'none' },
        marker: { S: process.env.FIXTURE_MARKER ?? '' },
      },
    }),
  );
  await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: process.env.EVENT_BUS_NAME,
          Source: 'acorn.test',
          DetailType: 'ItemWritten',
          Detail: JSON.stringify({ id, count: invocations }),
        },
      ],
    }),
  );
  console.log(JSON.stringify({ level: 'INFO', message: 'wrote item', id }));
  return { id, at: now };
}
