import { threadId } from 'node:worker_threads';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// Fixture: HTTP routes. The SQS client keeps the SDK default useQueueUrlAsEndpoint.
const dynamodb = new DynamoDBClient({});
const sqs = new SQSClient({});
const secrets = new SecretsManagerClient({});
let invocations = 0;

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2 | object> {
  invocations++;
  switch (event.routeKey) {
    case 'GET /items/{id}': {
      const got = await dynamodb.send(
        new GetItemCommand({
          TableName: process.env.TABLE_NAME,
          Key: { pk: { S: event.pathParameters?.id ?? '' }, sk: { S: 'item' } },
        }),
      );
      return got.Item ? json(200, { pk: got.Item.pk?.S }) : json(404, { message: 'no such item' });
    }
    case 'POST /messages': {
      const bodies = JSON.parse(event.body ?? '[]') as string[];
      let queueUrl = process.env.QUEUE_URL;
      if (event.queryStringParameters?.resolve === 'by-name') {
        // The URL the emulator hands out (http://sqs.<region>.localhost:PORT/...), used as it is.
        const name = queueUrl?.split('/').pop();
        queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
      }
      for (const body of bodies)
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
      return json(202, { queued: bodies.length, queueUrl });
    }
    case 'GET /env':
      return {
        marker: process.env.FIXTURE_MARKER,
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
        seesWriterOnlyVariable: process.env.ONLY_IN_WRITER !== undefined,
        dynamodbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
        clock: process.env.ACORN_CLOCK,
        invocations,
        threadId,
      };
    case 'GET /secret': {
      const secret = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.SECRET_ID }));
      const value = JSON.parse(secret.SecretString ?? '{}') as { clientId?: string };
      return json(200, { clientId: value.clientId });
    }
    case 'ANY /echo/{proxy+}':
      return {
        statusCode: 201,
        headers: { 'x-echo': 'yes' },
        cookies: ['a=1'],
        body: JSON.stringify({
          method: event.requestContext.http.method,
          proxy: event.pathParameters?.proxy,
          query: event.queryStringParameters,
          cookies: event.cookies,
          body: event.body,
          isBase64Encoded: event.isBase64Encoded,
        }),
      };
    default:
      return json(500, { message: `unexpected route ${event.routeKey}` });
  }
}
