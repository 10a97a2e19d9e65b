import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { CONSOLE_GROUPS, SHIPMENTS_WRITE_SCOPE, STOCK_WRITE_SCOPE } from '#shared/domain/authorization.ts';

/** Properties of {@link ConsoleIdentity}. */
export interface ConsoleIdentityProps {
  /** Deployment name: the prefix of the Hosted UI domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  readonly domainPrefix: string;
}

/** What each group may do, shown in the Cognito console beside the group. */
const GROUP_DESCRIPTIONS: Record<(typeof CONSOLE_GROUPS)[number], string> = {
  admin: 'Everything operators do, and switching automation modes',
  operator: 'Decides PO lines in review, pushes shipments, reads everything',
  approver: 'Approves or rejects credit memos, reads everything',
  analyst: 'Reads the console; Athena and the archive through the analyst IAM policy',
};

/**
 * The console's users: a Cognito user pool (stateful: replacing it would lose every user and
 * their MFA) with the groups `admin`, `operator`, `approver`, `analyst`, the Hosted UI domain for
 * the OAuth code flow with PKCE, and a resource server whose `shipments.write` scope lets the
 * warehouse's client-credentials client push shipments. App clients live with the console in the
 * stateless stack: their callback URL is the CloudFront distribution's.
 */
export class ConsoleIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  readonly resourceServer: cognito.UserPoolResourceServer;
  /** `acorn/shipments.write`. */
  readonly shipmentsWriteScope: cognito.OAuthScope;
  /** `acorn/stock.write`. */
  readonly stockWriteScope: cognito.OAuthScope;

  constructor(scope: Construct, id: string, props: ConsoleIdentityProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Operators invite people: no self sign-up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection (compromised credentials, risky sign-ins) enforced.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const group of CONSOLE_GROUPS) {
      new cognito.CfnUserPoolGroup(this, `Group-${group}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: group,
        description: GROUP_DESCRIPTIONS[group],
      });
    }
    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    const [identifier = 'acorn', scopeName = 'shipments.write'] = SHIPMENTS_WRITE_SCOPE.split('/');
    const shipmentsWrite = new cognito.ResourceServerScope({
      scopeName,
      scopeDescription: 'Push shipments to POST /api/shipments',
    });
    const stockWrite = new cognito.ResourceServerScope({
      scopeName: STOCK_WRITE_SCOPE.split('/')[1] ?? 'stock.write',
      scopeDescription: 'Push stock counts to POST /api/inventory/positions',
    });
    this.resourceServer = this.userPool.addResourceServer('Api', {
      identifier,
      userPoolResourceServerName: 'Acorn console API',
      scopes: [shipmentsWrite, stockWrite],
    });
    this.shipmentsWriteScope = cognito.OAuthScope.resourceServer(this.resourceServer, shipmentsWrite);
    this.stockWriteScope = cognito.OAuthScope.resourceServer(this.resourceServer, stockWrite);
  }
}
