import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

// Fixture: an inbox prefix handler that reads the new object and records it.
const dynamodb = new DynamoDBClient({});
const s3 = new S3Client({});

interface ObjectCreated {
  'detail-type': string;
  detail: { bucket: { name: string }; object: { key: string; size: number } };
}

export async function handler(event: ObjectCreated) {
  const { bucket, object } = event.detail;
  const body = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: object.key }));
  await dynamodb.send(
    new PutItemCommand({
      TableName: process.env.TABLE_NAME,
      Item: {
        pk: { S: `inbox#${object.key}` },
        sk: { S: 'item' },
        kind: { S: 'inbox' },
        size: { N: String(object.size) },
        body: { S: (await body.Body?.transformToString()) ?? '' },
        detailType: { S: event['detail-type'] },
      },
    }),
  );
}
