import { CfnOutput, Duration, RemovalPolicy, SecretValue, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DATASETS_PREFIX, DOCUMENTS_PREFIX, QUARANTINE_PREFIX } from '#shared/domain/archive/layout.ts';
import type { AcornConfig } from '../config.ts';
import { ConsoleIdentity } from '../constructs/console-identity.ts';
import { acknowledgeNag } from '../constructs/nag.ts';
import { type TableKeySchema, Wiring } from '../constructs/wiring.ts';

/** Key schema of the single table (single-table design; access patterns live in shared/aws). */
export const TABLE_KEYS: TableKeySchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
};

/** Archive prefixes (the layout: shared/domain/archive/layout.ts, docs/archive.md). */
export { DATASETS_PREFIX, DOCUMENTS_PREFIX } from '#shared/domain/archive/layout.ts';

/** The approval-link key of the local system only; a deployment generates its own. */
export const LOCAL_APPROVAL_LINK_KEY = 'local-approval-link-key-for-npm-start-only';

/**
 * Initial value of the SpApiCredentials secret: the shape the functions expect, with nothing in
 * it. The operator fills it after the first deploy (docs/deployment.md). Never change this value:
 * CloudFormation would write it over the real credentials.
 */
export const SP_API_CREDENTIALS_PLACEHOLDER = { clientId: '', clientSecret: '', refreshTokens: {} };

/** Initial value of the ShopifyCredentials secret: the shape the functions expect, to be filled. */
export const SHOPIFY_CREDENTIALS_PLACEHOLDER = { shopDomain: '', clientId: '', clientSecret: '' };

/** Days Athena query results are kept. */
export const QUERY_RESULTS_DAYS = 30;

/** Days after which legal documents go from Glacier Instant Retrieval to Deep Archive. */
export function deepArchiveAfterDays(coldStorageAfterDays: number): number {
  // A year of millisecond access for audits and disputes, and never before Glacier IR's 90-day minimum.
  return Math.max(365, coldStorageAfterDays + 90);
}

/** Properties of the {@link StatefulStack}. */
export interface StatefulStackProps extends StackProps {
  /** The validated deployment configuration. */
  readonly config: AcornConfig;
}

/**
 * Everything that holds data or identity and must outlive a redeploy of the code: the key, the
 * table, the archive, the inbox, the event bus and the SP-API credentials. Termination protection
 * is on and every data store is retained when removed from the stack.
 */
export class StatefulStack extends Stack {
  /** Customer-managed key of the table, the buckets and the secret. */
  readonly dataKey: kms.Key;
  /** The single DynamoDB table. */
  readonly table: dynamodb.TableV2;
  /** Immutable archive (Object Lock). */
  readonly archiveBucket: s3.Bucket;
  /** Vendor Central exports dropped by operators. */
  readonly inboxBucket: s3.Bucket;
  /** Server access logs of the archive and the inbox. */
  readonly accessLogsBucket: s3.Bucket;
  /** Results of the analysts' Athena queries (the analytics workgroup writes here, encrypted). */
  readonly queryResultsBucket: s3.Bucket;
  /** The `acorn` event bus. */
  readonly eventBus: events.EventBus;
  /** LWA client credentials and refresh tokens. */
  readonly spApiCredentials: secretsmanager.Secret;
  /** HMAC key of the approval links (shared/domain/approvals/approval-link.ts). */
  readonly approvalLinkKey: secretsmanager.Secret;
  /** The console's users and groups (Cognito user pool, Hosted UI, API scope). */
  readonly consoleIdentity: ConsoleIdentity;
  /** The Shopify app's credentials (`{ shopDomain, clientId, clientSecret }`, docs/deployment.md). */
  readonly shopifyCredentials: secretsmanager.Secret;
  /** Alert channels' webhook URLs and signing secrets (shared/aws/notification-senders.ts). */
  readonly notificationChannels: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, { terminationProtection: true, ...stackProps });
    const wiring = Wiring.of(this);

    this.dataKey = new kms.Key(this, 'DataKey', {
      description: `Acorn ${config.name}: table, archive, inbox and SP-API credentials`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      ...(TABLE_KEYS.sortKey
        ? { sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING } }
        : {}),
      globalSecondaryIndexes: TABLE_KEYS.globalIndexes.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.dataKey),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    wiring.registerTable('Table', this.table, TABLE_KEYS);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      // Server access logging delivers only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The access logs are evidence about the archive: kept as long as the archive's retention.
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(config.archive.retentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.archiveBucket = this.#archiveBucket(config);
    wiring.registerBucket('ArchiveBucket', this.archiveBucket);

    this.queryResultsBucket = new s3.Bucket(this, 'QueryResultsBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'query-results/',
      lifecycleRules: [
        {
          // Query results are a cache of answers the archive can give again.
          id: 'ExpireQueryResults',
          expiration: Duration.days(QUERY_RESULTS_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.inboxBucket = new s3.Bucket(this, 'InboxBucket', {
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'inbox/',
      lifecycleRules: [
        {
          // The parsed content is in the table and the archive; the raw export is only a drop-off.
          id: 'ExpireProcessedExports',
          expiration: Duration.days(90),
          noncurrentVersionExpiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // "Object Created" events to EventBridge, set natively: the `eventBridgeEnabled` prop would
    // add CDK's bucket-notifications custom resource (a Lambda with a managed policy and a
    // wildcard permission) for what CloudFormation does itself.
    (this.inboxBucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    wiring.registerBucket('InboxBucket', this.inboxBucket);

    this.eventBus = new events.EventBus(this, 'EventBus', {
      eventBusName: `${config.name}-acorn`,
      description: `Acorn ${config.name}: business events of every capability`,
    });
    this.eventBus.archive('EventArchive', {
      description: 'Replay of Acorn business events after a fix',
      eventPattern: { account: [this.account] },
      retention: Duration.days(180),
    });
    wiring.registerEventBus('EventBus', this.eventBus);

    this.spApiCredentials = new secretsmanager.Secret(this, 'SpApiCredentials', {
      description: `Acorn ${config.name}: SP-API LWA client and refresh tokens (fill as in docs/deployment.md)`,
      encryptionKey: this.dataKey,
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(SP_API_CREDENTIALS_PLACEHOLDER)),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.spApiCredentials,
      'AwsSolutions-SMG4',
      'The LWA client secret is rotated by Amazon, not by a Secrets Manager rotation function: SP-API sends the new secret to CredentialNotificationsQueue and HandleCredentialNotification writes it here. Refresh tokens do not expire.',
    );
    wiring.registerSecret('SpApiCredentials', this.spApiCredentials);

    this.approvalLinkKey = new secretsmanager.Secret(this, 'ApprovalLinkKey', {
      description: `Acorn ${config.name}: HMAC key that signs approval links ({"current": …, "previous"?: …})`,
      encryptionKey: this.dataKey,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'current',
        passwordLength: 64,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.approvalLinkKey,
      'AwsSolutions-SMG4',
      'Rotated by an operator (docs/deployment.md): the new key goes to "current" and the old one to "previous", which verifies links already sent until they expire (72 h). A scheduled rotation would invalidate links an approver has not clicked yet.',
    );
    // Locally a fixed key: the local system is a demo, and tests forge links against it on purpose.
    wiring.registerSecret('ApprovalLinkKey', this.approvalLinkKey, { current: LOCAL_APPROVAL_LINK_KEY });

    this.consoleIdentity = new ConsoleIdentity(this, 'ConsoleIdentity', {
      domainPrefix: `acorn-${config.name}`
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-')
        .slice(0, 63),
    });
    new CfnOutput(this, 'UserPoolId', {
      value: this.consoleIdentity.userPool.userPoolId,
      description: 'Invite console users here and add them to admin, operator, approver or analyst',
    });
    this.shopifyCredentials = new secretsmanager.Secret(this, 'ShopifyCredentials', {
      description: `Acorn ${config.name}: Shopify app (shop domain, client id, client secret) for the inventory sync`,
      encryptionKey: this.dataKey,
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(SHOPIFY_CREDENTIALS_PLACEHOLDER)),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.shopifyCredentials,
      'AwsSolutions-SMG4',
      'The client secret is issued and rotated in the Shopify Dev Dashboard, not by a Secrets Manager rotation function; the operator puts the new one here (docs/deployment.md). Access tokens are not stored: they are fetched with the client-credentials grant and live 24 h in memory.',
    );
    // Locally the value is set by local/system.ts, pointing at the Shopify sandbox.
    wiring.registerSecret('ShopifyCredentials', this.shopifyCredentials);
    this.notificationChannels = new secretsmanager.Secret(this, 'NotificationChannels', {
      description: `Acorn ${config.name}: alert channel webhooks and signing secrets, by channel ({"<channel>": {"webhookUrl", "signingSecret"?, "botToken"?}})`,
      encryptionKey: this.dataKey,
      // Filled by the operator (docs/deployment.md); never overwritten by a deploy.
      secretStringValue: SecretValue.unsafePlainText('{}'),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(
      this.notificationChannels,
      'AwsSolutions-SMG4',
      'Webhook URLs and robot signing secrets are issued by Slack, DingTalk and Feishu; they are rotated there by an operator and pasted in (docs/deployment.md). No rotation Lambda can create a new one.',
    );
    // Locally the value is given at start (the local chat sinks' URLs and secrets): local/system.ts.
    wiring.registerSecret('NotificationChannels', this.notificationChannels);

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ArchiveBucketName', { value: this.archiveBucket.bucketName });
    new CfnOutput(this, 'InboxBucketName', {
      value: this.inboxBucket.bucketName,
      description: 'Drop Vendor Central exports (returns, remittance, chargebacks) here',
    });
    new CfnOutput(this, 'AccessLogsBucketName', { value: this.accessLogsBucket.bucketName });
    new CfnOutput(this, 'QueryResultsBucketName', { value: this.queryResultsBucket.bucketName });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName });
    new CfnOutput(this, 'SpApiCredentialsSecretName', { value: this.spApiCredentials.secretName });
    new CfnOutput(this, 'NotificationChannelsSecretName', {
      value: this.notificationChannels.secretName,
      description: 'Alert channel webhooks and signing secrets (docs/deployment.md)',
    });
    new CfnOutput(this, 'SpApiCredentialsSecretArn', {
      value: this.spApiCredentials.secretArn,
      description: 'aws secretsmanager put-secret-value --secret-id <this> (docs/deployment.md)',
    });
  }

  #archiveBucket(config: AcornConfig): s3.Bucket {
    const { retentionDays, objectLockMode, coldStorageAfterDays } = config.archive;
    const deepDays = deepArchiveAfterDays(coldStorageAfterDays);
    const retention =
      objectLockMode === 'COMPLIANCE'
        ? s3.ObjectLockRetention.compliance(Duration.days(retentionDays))
        : s3.ObjectLockRetention.governance(Duration.days(retentionDays));
    return new s3.Bucket(this, 'ArchiveBucket', {
      objectLockEnabled: true,
      objectLockDefaultRetention: retention,
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'archive/',
      // The default (all_storage_classes_128K) would keep every object under 128 KB — most
      // invoices and memos — in Standard forever. With this, small objects do move to Deep
      // Archive; they skip Glacier Instant Retrieval, which bills at least 128 KB per object.
      transitionDefaultMinimumObjectSize: s3.TransitionDefaultMinimumObjectSize.VARIES_BY_STORAGE_CLASS,
      lifecycleRules: [
        {
          id: 'LegalDocumentsToColdStorage',
          prefix: DOCUMENTS_PREFIX,
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(coldStorageAfterDays),
            },
            { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(deepDays) },
          ],
          // A replaced or deleted document's earlier version is evidence too: it follows the same path.
          noncurrentVersionTransitions: [
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(coldStorageAfterDays),
            },
            { storageClass: s3.StorageClass.DEEP_ARCHIVE, transitionAfter: Duration.days(deepDays) },
          ],
        },
        {
          // Athena reads Standard, Standard-IA and Glacier IR only, so datasets never go colder.
          id: 'DatasetsStayQueryable',
          prefix: DATASETS_PREFIX,
          transitions: [
            {
              storageClass: s3.StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(coldStorageAfterDays),
            },
            {
              storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(deepDays),
            },
          ],
          // Rewritten partitions: the old version goes once its lock has expired.
          noncurrentVersionExpiration: Duration.days(retentionDays + 1),
        },
        {
          // Rejected records, rewritten only when an hour is exported again: they stay queryable
          // in Standard; a replaced version goes once its lock has expired.
          id: 'QuarantineRewrites',
          prefix: QUARANTINE_PREFIX,
          noncurrentVersionExpiration: Duration.days(retentionDays + 1),
        },
        {
          id: 'Housekeeping',
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
