import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledgeNagWildcardResource } from './nag.ts';

/** Properties of {@link ConsoleRoles}. */
export interface ConsoleRolesProps {
  readonly table: dynamodb.ITableV2;
  readonly dataKey: kms.IKey;
  readonly inboxBucket: s3.IBucket;
  readonly userPool: cognito.IUserPool;
  readonly spApiCredentials: secretsmanager.ISecret;
  /** The analysts' policy of the analytics construct (Athena + archive read only), reused as is. */
  readonly analystPolicy: iam.ManagedPolicy;
}

/**
 * IAM managed policies for the console's roles, for the people who also work in the AWS account
 * (attach to their IAM Identity Center permission sets or roles): the console's groups decide
 * what the API allows; these decide what the same people may do around it.
 * - `operator`: read the table (key reads and index queries, never a scan) and drop files into the inbox;
 * - `admin`: the operator's rights, manage the user pool's users and groups, fill the SP-API secret;
 * - `analyst`: the analytics construct's policy (Athena + archive read only);
 * - `approver`: none — approvers act only through the console and the signed approval links.
 */
export class ConsoleRoles extends Construct {
  readonly operatorPolicy: iam.ManagedPolicy;
  readonly adminPolicy: iam.ManagedPolicy;
  readonly analystPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ConsoleRolesProps) {
    super(scope, id);
    this.analystPolicy = props.analystPolicy;
    const inboxObjects = props.inboxBucket.arnForObjects('*');
    const operatorStatements = [
      new iam.PolicyStatement({
        sid: 'ReadTable',
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'],
        resources: [
          props.table.tableArn,
          `${props.table.tableArn}/index/gsi1`,
          `${props.table.tableArn}/index/gsi2`,
        ],
      }),
      new iam.PolicyStatement({
        sid: 'DropInboxFiles',
        actions: ['s3:PutObject'],
        resources: [inboxObjects],
      }),
      new iam.PolicyStatement({
        sid: 'DataKeyThroughTheseServices',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [props.dataKey.keyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': [
              `dynamodb.${props.table.stack.region}.amazonaws.com`,
              `s3.${props.table.stack.region}.amazonaws.com`,
            ],
          },
        },
      }),
    ];
    this.operatorPolicy = new iam.ManagedPolicy(this, 'OperatorPolicy', {
      description: 'Acorn operators: read the table, drop files into the inbox',
      statements: operatorStatements,
    });
    acknowledgeNagWildcardResource(
      this.operatorPolicy,
      inboxObjects,
      'Operators drop Vendor Central exports, stock, catalogue and shipment files under any prefix of the inbox; object keys are not known in advance.',
    );
    this.adminPolicy = new iam.ManagedPolicy(this, 'AdminPolicy', {
      description: 'Acorn admins: operators’ rights, console users and groups, the SP-API secret',
      statements: [
        ...operatorStatements,
        new iam.PolicyStatement({
          sid: 'ManageConsoleUsers',
          actions: [
            'cognito-idp:AdminCreateUser',
            'cognito-idp:AdminDisableUser',
            'cognito-idp:AdminEnableUser',
            'cognito-idp:AdminAddUserToGroup',
            'cognito-idp:AdminRemoveUserFromGroup',
            'cognito-idp:AdminListGroupsForUser',
            'cognito-idp:AdminResetUserPassword',
            'cognito-idp:ListUsers',
            'cognito-idp:ListUsersInGroup',
            'cognito-idp:DescribeUserPoolClient',
          ],
          resources: [props.userPool.userPoolArn],
        }),
        new iam.PolicyStatement({
          sid: 'FillSpApiCredentials',
          actions: ['secretsmanager:PutSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [props.spApiCredentials.secretArn],
        }),
        // PutSecretValue encrypts the new value with the secret's customer-managed key.
        new iam.PolicyStatement({
          sid: 'DataKeyThroughSecretsManager',
          actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [props.dataKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${props.table.stack.region}.amazonaws.com` },
          },
        }),
      ],
    });
    acknowledgeNagWildcardResource(
      this.adminPolicy,
      inboxObjects,
      'As for operators: admins drop files under any prefix of the inbox.',
    );
  }
}
