import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

// Fixture: an SQS consumer reporting partial batch failures (bodies containing "fail").
const dynamodb = new DynamoDBClient({});

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    if (record.body.includes('fail')) {
      batchItemFailures.push({ itemIdentifier: record.messageId });
      continue;
    }
    await dynamodb.send(
      new PutItemCommand({
        TableName: process.env.TABLE_NAME,
        Item: {
          pk: { S: `message#${record.body}` },
          sk: { S: 'item' },
          kind: { S: 'message' },
          source: { S: record.eventSource },
          receiveCount: { S: record.attributes.ApproximateReceiveCount },
        },
      }),
    );
  }
  return { batchItemFailures };
}
