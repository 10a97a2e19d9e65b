import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { type FauxqsServer, type SpyMessage, startFauxqs } from 'fauxqs';
import { type Clock, systemClock } from '#shared/clock.ts';
import { AwsJsonServer } from './aws-json-server.ts';
import { LocalEventBus } from './event-bus.ts';
import { LocalSecretsManager } from './secrets-manager.ts';

/**
 * The local AWS services, all in this process, no Docker:
 * - DynamoDB: dynalite (LevelDB under `<dataDir>/dynamodb`, in memory without dataDir);
 * - S3 and SQS: one fauxqs server. S3 objects are files under `<dataDir>/s3` (in memory without
 *   dataDir); SQS is in memory (messages do not survive a restart). ListObjectsV2 pagination works
 *   without `--openssl-legacy-provider`, unlike s3rver. fauxqs listens on 0.0.0.0 (it has no
 *   option to bind loopback only);
 * - EventBridge (PutEvents), Secrets Manager and Step Functions: our AWS JSON server (the Step
 *   Functions operations are registered by the runtime, which owns the function host).
 * Handlers reach them through the standard `AWS_ENDPOINT_URL_<SERVICE>` variables in `env`.
 */

export const LOCAL_ACCOUNT_ID = '000000000000';

export interface EmulatorEndpoints {
  dynamodb: string;
  s3: string;
  sqs: string;
  eventbridge: string;
  secretsmanager: string;
  sfn: string;
}

export interface StartEmulatorsOptions {
  /** Persist DynamoDB, S3 and secrets under this directory; absent = in memory. */
  dataDir?: string;
  /** Default us-east-1. */
  region?: string;
  /** Clock for event times and secret dates. Default: the system clock. */
  clock?: Clock;
}

/** An S3 object just written (PutObject, CopyObject, CompleteMultipartUpload). */
export interface ObjectCreated {
  bucket: string;
  key: string;
}

export interface Emulators {
  endpoints: EmulatorEndpoints;
  /** AWS_ENDPOINT_URL_*, AWS_REGION, AWS_DEFAULT_REGION and dummy credentials. */
  env: Record<string, string>;
  region: string;
  accountId: string;
  eventBus: LocalEventBus;
  secretsManager: LocalSecretsManager;
  /** Where the runtime registers further AWS JSON services (Step Functions). */
  awsJson: AwsJsonServer;
  /** fauxqs, for admin calls that have no AWS API (creating buckets idempotently). */
  fauxqs: FauxqsServer;
  /** Calls `listener` for every object created from now on; returns the unsubscribe function. */
  onObjectCreated(listener: (object: ObjectCreated) => void): () => void;
  close(): Promise<void>;
}

export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const region = options.region ?? 'us-east-1';
  const clock = options.clock ?? systemClock;
  const dataDir = options.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });

  const ddb = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(dataDir ? { path: join(dataDir, 'dynamodb') } : {}),
  });
  const ddbListening = listen(ddb);

  const fauxqsStarted = startFauxqs({
    port: 0,
    logger: false,
    defaultRegion: region,
    // The spy is how object-created events reach the inbox watcher.
    messageSpies: { bufferSize: 1000 },
    ...(dataDir ? { s3StorageDir: join(dataDir, 's3') } : {}),
  });

  const eventBus = new LocalEventBus({ clock, region, accountId: LOCAL_ACCOUNT_ID });
  const secretsManager = new LocalSecretsManager({
    clock,
    region,
    accountId: LOCAL_ACCOUNT_ID,
    ...(dataDir ? { file: join(dataDir, 'secrets-manager.json') } : {}),
  });
  const awsJson = new AwsJsonServer();
  awsJson.register('AWSEvents', eventBus.operations);
  awsJson.register('secretsmanager', secretsManager.operations);
  const jsonListening = awsJson.listen();

  const [ddbPort, fauxqs, jsonEndpoint] = await Promise.all([ddbListening, fauxqsStarted, jsonListening]);
  const fauxqsEndpoint = `http://127.0.0.1:${fauxqs.port}`;
  const endpoints: EmulatorEndpoints = {
    dynamodb: `http://127.0.0.1:${ddbPort}`,
    s3: fauxqsEndpoint,
    sqs: fauxqsEndpoint,
    eventbridge: jsonEndpoint,
    secretsmanager: jsonEndpoint,
    sfn: jsonEndpoint,
  };

  const listeners = new Set<(object: ObjectCreated) => void>();
  const watching = watchUploads(fauxqs, (object) => {
    for (const listener of listeners) listener(object);
  });

  let closed: Promise<void> | undefined;
  return {
    endpoints,
    env: {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsmanager,
      AWS_ENDPOINT_URL_SFN: endpoints.sfn,
    },
    region,
    accountId: LOCAL_ACCOUNT_ID,
    eventBus,
    secretsManager,
    awsJson,
    fauxqs,
    onObjectCreated(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed ??= (async () => {
        listeners.clear();
        // Clearing the spy rejects the watcher's pending wait, which ends its loop.
        fauxqs.spy.clear();
        await watching;
        await Promise.all([awsJson.close(), fauxqs.stop()]);
        // A request a just-terminated worker sent may still be inside dynalite; closing LevelDB
        // under it makes dynalite throw "Database is closed" from a callback (an uncaught error).
        // Cut the connections, let what is in flight finish, then close the database.
        ddb.closeAllConnections();
        await new Promise((resolve) => setTimeout(resolve, DYNAMODB_DRAIN_MS));
        await closeServer(ddb);
      })();
      return closed;
    },
  };
}

/**
 * Follows fauxqs' message spy for uploads. Each spy message is a distinct object, so a WeakSet of
 * the ones already handled lets `waitForMessage` (which looks at its buffer first) return only new
 * ones; the buffer (1000) is far larger than what can arrive between two turns of this loop.
 */
async function watchUploads(fauxqs: FauxqsServer, onUpload: (object: ObjectCreated) => void): Promise<void> {
  const seen = new WeakSet<SpyMessage>();
  const isNewUpload = (m: SpyMessage) => m.service === 's3' && m.status === 'uploaded' && !seen.has(m);
  for (;;) {
    let message: SpyMessage;
    try {
      message = await fauxqs.spy.waitForMessage(isNewUpload);
    } catch {
      return;
    }
    seen.add(message);
    if (message.service === 's3') onUpload({ bucket: message.bucket, key: message.key });
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** How long in-flight DynamoDB requests get to finish before the database closes. */
const DYNAMODB_DRAIN_MS = 250;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // dynalite's close() also closes LevelDB, releasing its lock for the next start.
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
