/**
 * Pulls the last N days of purchase orders (and their status) again, through the same Lambda the
 * schedule fires. Pulls are idempotent: a backfill only adds what is missing or newer.
 *
 *   npm run backfill -- --days 30                          # the running `npm start`
 *   npm run backfill -- --days 30 --function <name> [--status-function <name>]   # a deployment
 *
 * Locally the script talks to the Lambda Invoke API that `npm start` serves on its port, so the
 * code path is the same as against AWS.
 */
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

const { values } = parseArgs({
  options: {
    days: { type: 'string' },
    function: { type: 'string' },
    'status-function': { type: 'string' },
  },
});
const days = Number(values.days);
if (!Number.isInteger(days) || days < 1 || days > 180) {
  console.error('--days must be a whole number of days from 1 to 180 (Amazon keeps six months of POs)');
  process.exit(2);
}

const local = values.function === undefined;
const client = local
  ? new LambdaClient({
      endpoint: `http://127.0.0.1:${process.env.PORT ?? 4280}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    })
  : new LambdaClient({});
const targets = local
  ? ['PullPurchaseOrders', 'PullPurchaseOrderStatus']
  : [values.function, values['status-function']].filter((f): f is string => Boolean(f));

for (const name of targets) {
  const res = await client.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: new TextEncoder().encode(JSON.stringify({ backfillDays: days })),
    }),
  );
  const body = res.Payload ? new TextDecoder().decode(res.Payload) : '';
  if (res.FunctionError) {
    console.error(`${name} failed: ${body}`);
    process.exit(1);
  }
  console.log(`${name}: ${body}`);
}
