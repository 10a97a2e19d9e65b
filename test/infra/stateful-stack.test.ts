import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { SP_API_CREDENTIALS_PLACEHOLDER } from '#infra/stacks/stateful-stack.ts';
import { configWith, logicalIdOf, synth, templateOf } from './support.ts';

/** The statement of a bucket policy that denies every request not made over TLS. */
const TLS_ONLY = Match.objectLike({
  Effect: 'Deny',
  Action: 's3:*',
  Principal: { AWS: '*' },
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

const BLOCK_ALL = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

describe('stateful stack', () => {
  let built: BuiltApp;
  let template: Template;
  let keyId: string;

  beforeAll(() => {
    built = synth();
    template = templateOf(built, built.stateful);
    keyId = logicalIdOf(built.stateful.dataKey);
  });

  it('is termination-protected and retains every data store', () => {
    expect(built.stateful.terminationProtection).toBe(true);
    for (const type of [
      'AWS::DynamoDB::GlobalTable',
      'AWS::S3::Bucket',
      'AWS::KMS::Key',
      'AWS::SecretsManager::Secret',
    ]) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    }
  });

  it('rotates its customer-managed key', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  describe('table', () => {
    it('has pk/sk and the gsi1 and gsi2 indexes projecting all attributes, on demand', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: 'gsi2',
            KeySchema: [
              { AttributeName: 'gsi2pk', KeyType: 'HASH' },
              { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
    });

    it('has point-in-time recovery, deletion protection and the customer-managed key', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
          }),
        ],
      });
    });
  });

  describe('archive bucket', () => {
    let archiveId: string;
    beforeAll(() => {
      archiveId = logicalIdOf(built.stateful.archiveBucket);
    });

    it('locks every object version in governance mode for the configured days by default', () => {
      expect(template.toJSON().Resources[archiveId].Properties).toMatchObject({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 548 } },
        },
        VersioningConfiguration: { Status: 'Enabled' },
      });
    });

    it('takes compliance mode and the retention days from the configuration', () => {
      const compliance = synth({
        config: configWith({
          archive: { retentionDays: 2555, objectLockMode: 'COMPLIANCE', coldStorageAfterDays: 60 },
        }),
      });
      const bucket = templateOf(compliance, compliance.stateful).toJSON().Resources[
        logicalIdOf(compliance.stateful.archiveBucket)
      ];

      expect(bucket.Properties.ObjectLockConfiguration.Rule.DefaultRetention).toEqual({
        Mode: 'COMPLIANCE',
        Days: 2555,
      });
      expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({
          Prefix: 'documents/',
          Transitions: [
            { StorageClass: 'GLACIER_IR', TransitionInDays: 60 },
            { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
          ],
        }),
      );
    });

    it('is encrypted with the key, blocks public access, and refuses requests without TLS', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
              },
            },
          ],
        },
        PublicAccessBlockConfiguration: BLOCK_ALL,
        LoggingConfiguration: {
          DestinationBucketName: { Ref: logicalIdOf(built.stateful.accessLogsBucket) },
          LogFilePrefix: 'archive/',
        },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: archiveId },
        PolicyDocument: { Statement: Match.arrayWith([TLS_ONLY]) },
      });
    });

    it('moves legal documents, current and noncurrent, to Glacier IR and then Deep Archive, small ones included', () => {
      const coldPath = [
        { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
        { StorageClass: 'DEEP_ARCHIVE', TransitionInDays: 365 },
      ];
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        LifecycleConfiguration: {
          // Not the 128 KB floor that would keep small invoices and memos in Standard forever.
          TransitionDefaultMinimumObjectSize: 'varies_by_storage_class',
          Rules: Match.arrayWith([
            Match.objectLike({
              Prefix: 'documents/',
              Status: 'Enabled',
              Transitions: coldPath,
              NoncurrentVersionTransitions: coldPath,
            }),
          ]),
        },
      });
      const rules = template.toJSON().Resources[archiveId].Properties.LifecycleConfiguration.Rules as Record<
        string,
        unknown
      >[];
      for (const rule of rules) expect(rule).not.toHaveProperty('ObjectSizeGreaterThan');
    });

    it('keeps datasets in storage classes Athena can read', () => {
      const rules = template.toJSON().Resources[archiveId].Properties.LifecycleConfiguration.Rules as {
        Prefix?: string;
        Transitions?: { StorageClass: string }[];
      }[];
      const datasets = rules.find((rule) => rule.Prefix === 'datasets/');

      expect(datasets?.Transitions?.map((t) => t.StorageClass)).toEqual(['STANDARD_IA', 'GLACIER_IR']);
      expect(datasets).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 549 } });
    });

    it('cleans up incomplete uploads and expired delete markers', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
              ExpiredObjectDeleteMarker: true,
            }),
          ]),
        },
      });
    });
  });

  describe('inbox bucket', () => {
    it('sends object events to EventBridge natively and expires exports after 90 days', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: BLOCK_ALL,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
            }),
          ],
        },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({ ExpirationInDays: 90, NoncurrentVersionExpiration: { NoncurrentDays: 7 } }),
          ],
        },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalIdOf(built.stateful.inboxBucket) },
        PolicyDocument: { Statement: Match.arrayWith([TLS_ONLY]) },
      });
      // No bucket-notifications custom resource (a Lambda with a managed policy) is needed.
      template.resourceCountIs('Custom::S3BucketNotifications', 0);
      template.resourceCountIs('AWS::Lambda::Function', 0);
    });
  });

  it('keeps access logs, TLS-only, for as long as the archive retention', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: BLOCK_ALL,
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 548 })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(built.stateful.accessLogsBucket) },
      PolicyDocument: { Statement: Match.arrayWith([TLS_ONLY]) },
    });
  });

  it('creates the acorn bus, named after the deployment, with an archive', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'acorn-example-acorn' });
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [logicalIdOf(built.stateful.eventBus), 'Arn'] },
      RetentionDays: 180,
    });
  });

  it('creates the SP-API credentials secret empty, encrypted with the key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: JSON.stringify(SP_API_CREDENTIALS_PLACEHOLDER),
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    const secret = Object.values(template.findResources('AWS::SecretsManager::Secret'))[0];
    expect(secret?.Properties).not.toHaveProperty('GenerateSecretString');
  });

  it('outputs what an operator needs', () => {
    for (const output of [
      'TableName',
      'ArchiveBucketName',
      'InboxBucketName',
      'AccessLogsBucketName',
      'EventBusName',
      'SpApiCredentialsSecretName',
      'SpApiCredentialsSecretArn',
    ]) {
      template.hasOutput(output, {});
    }
  });
});
