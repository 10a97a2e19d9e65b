import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { ConsoleAssets } from '../../web/console/build.ts';
import { acknowledgeNag } from './nag.ts';

/**
 * The console web app: a private bucket (CloudFront reads it through Origin Access Control; no
 * public access, TLS only), a CloudFront distribution (HTTPS only, security headers with a CSP
 * that allows the API and Cognito only, access logs), and the built files deployed into the
 * bucket with the runtime configuration (`console-config.json`: API URL, Hosted UI, client id).
 */
export class ConsoleWeb extends Construct {
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.logsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logs are delivered with an ACL.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Site', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'site/',
      // Built files, deployed again with every `cdk deploy`: nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const region = Stack.of(this).region;
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Acorn console: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            `connect-src 'self' https://*.execute-api.${region}.amazonaws.com https://*.auth.${region}.amazoncognito.com`,
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
          ].join('; '),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Acorn console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
    });
    acknowledgeNag(
      this.distribution,
      'AwsSolutions-CFR1',
      'The console is for the vendor team wherever they travel; sign-in (Cognito with MFA) protects it, not geography.',
    );
    acknowledgeNag(
      this.distribution,
      'AwsSolutions-CFR2',
      'WAF is optional: the distribution serves static files only and every API call needs a Cognito token; a web ACL costs more than a small team needs. Attach one with webAclId when required.',
    );
    acknowledgeNag(
      this.distribution,
      'AwsSolutions-CFR4',
      'The default *.cloudfront.net certificate; with a custom domain (docs/deployment.md) the distribution uses TLSv1.2_2021.',
    );
  }

  /** Deploys the built app and its configuration (API URL, Hosted UI, client id) into the bucket. */
  deploy(assets: ConsoleAssets, config: Record<string, string>): s3deploy.BucketDeployment {
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.data('index.html', assets['index.html']),
        s3deploy.Source.data('app.js', assets['app.js']),
        s3deploy.Source.data('app.css', assets['app.css']),
        s3deploy.Source.jsonData('console-config.json', config),
      ],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });
    // CDK's deployment function (one per stack, built by CDK): its findings, one by one.
    const handler = deployment.handlerRole.node.scope;
    if (handler) {
      const stack = Stack.of(this);
      const why =
        "CDK's BucketDeployment handler, which copies the console's built files into its bucket at deploy time:";
      for (const [finding, reason] of [
        [
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          `${why} its log permissions, as CDK creates them.`,
        ],
        [
          'AwsSolutions-IAM5[Resource::*]',
          `${why} CDK grants it logs and CloudFront invalidation on every resource.`,
        ],
        ['AwsSolutions-IAM5[Action::s3:GetBucket*]', `${why} CDK's read grant on the asset bucket.`],
        ['AwsSolutions-IAM5[Action::s3:GetObject*]', `${why} CDK's read grant on the asset bucket.`],
        ['AwsSolutions-IAM5[Action::s3:List*]', `${why} CDK's read and write grants.`],
        ['AwsSolutions-IAM5[Action::s3:Abort*]', `${why} CDK's write grant on the site bucket.`],
        [
          'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
          `${why} it prunes files of an earlier build from the site bucket.`,
        ],
        [
          `AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*]`,
          `${why} the CDK bootstrap asset bucket holding the zipped build.`,
        ],
        [
          `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`,
          `${why} every object of the site bucket.`,
        ],
        ['AwsSolutions-L1', `${why} CDK picks its runtime.`],
      ] as const) {
        acknowledgeNag(handler, finding, reason);
      }
    }
    return deployment;
  }

  /** `https://d123.cloudfront.net`. */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
