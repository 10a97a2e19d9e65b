import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { RUNTIME_CONFIG_ENV } from '../runtime-config.ts';
import { NodeFunction, type NodeFunctionProps } from './node-function.ts';

/** What every function that writes to the outside world through the outbox is bound to. */
export interface OutboxWriterResources {
  readonly table: dynamodb.ITableV2;
  readonly eventBus: events.IEventBus;
  /** The Object-Locked archive: outbox payloads and audit events are written (never deleted) here. */
  readonly archiveBucket: s3.IBucket;
  readonly spApiCredentials: secretsmanager.ISecret;
  readonly runtimeConfig: RuntimeConfig;
}

/** Properties of one outbox-writing function. */
export interface OutboxWriterFunctionProps extends NodeFunctionProps {
  /**
   * The archive prefixes the function may write under (its module's documents and the audit
   * trail): never the analytical datasets or another module's documents.
   */
  readonly archivePrefixes: readonly string[];
}

/**
 * A function that goes through the outbox (shared/aws/writer-environment.ts reads what this binds):
 * the table read-write, the bus, the SP-API credentials read-only, the runtime configuration, and
 * write access to its own archive prefixes only.
 */
export function outboxWriterFunction(
  scope: Construct,
  id: string,
  resources: OutboxWriterResources,
  props: OutboxWriterFunctionProps,
): NodeFunction {
  const { archivePrefixes, ...functionProps } = props;
  const fn = new NodeFunction(scope, id, functionProps);
  fn.setEnvironment(RUNTIME_CONFIG_ENV, JSON.stringify(resources.runtimeConfig));
  fn.bindTable('TABLE_NAME', resources.table, 'readWrite');
  fn.bindEventBus('EVENT_BUS_NAME', resources.eventBus);
  fn.bindSecret('SP_API_SECRET_ID', resources.spApiCredentials, 'read');
  for (const prefix of archivePrefixes) {
    fn.bindBucket('ARCHIVE_BUCKET_NAME', resources.archiveBucket, 'write', { prefix });
  }
  return fn;
}
