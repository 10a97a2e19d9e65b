import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { PROJECT_ROOT } from '#infra/constructs/node-function.ts';
import { CONSOLE_GROUPS } from '#shared/domain/authorization.ts';
import { logicalIdOf, synth, templateOf } from './support.ts';

/**
 * The only routes callers reach without a console token: each caller proves itself with a
 * signature its handler checks first (Shopify's HMAC of the body, the emailed approval link's HMAC
 * and CSRF nonce, Slack's v0 request signature). A new one must be added here on purpose.
 */
const SELF_AUTHENTICATED_ROUTES = [
  'POST /webhooks/shopify',
  'GET /approvals/{approvalId}',
  'HEAD /approvals/{approvalId}',
  'POST /approvals/{approvalId}',
  'POST /slack/interactivity',
];

/** The token-free routes of the wiring manifest, with the check each handler declared. */
function selfAuthenticatedRoutes(built: BuiltApp) {
  return built.manifest.functions.flatMap((fn) =>
    fn.triggers.flatMap((t) =>
      t.type === 'http' && t.authorization === 'none'
        ? [{ route: `${t.method} ${t.path}`, entry: fn.entry, verifiedBy: t.verifiedBy }]
        : [],
    ),
  );
}

describe('the console: identity, authorization, web app and roles', () => {
  let built: BuiltApp;
  let stateless: Template;
  let stateful: Template;

  beforeAll(() => {
    built = synth();
    stateless = templateOf(built, built.stateless);
    stateful = templateOf(built, built.stateful);
  });

  it('keeps a user pool with MFA, strong passwords, threat protection and the four groups', () => {
    stateful.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        MfaConfiguration: 'ON',
        UserPoolTier: 'PLUS',
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 12,
            RequireSymbols: true,
            RequireNumbers: true,
            RequireUppercase: true,
          }),
        },
      }),
    });
    const groups = Object.values(stateful.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual([...CONSOLE_GROUPS].sort());
    stateful.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'acorn',
      Scopes: [
        Match.objectLike({ ScopeName: 'shipments.write' }),
        Match.objectLike({ ScopeName: 'stock.write' }),
      ],
    });
  });

  it('puts the Cognito JWT authorizer on every route of the API, none left without', () => {
    const authorizers = stateless.findResources('AWS::ApiGatewayV2::Authorizer');
    expect(Object.values(authorizers).map((a) => a.Properties.AuthorizerType)).toEqual(['JWT']);
    const [authorizerId] = Object.keys(authorizers);
    const routes = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.length).toBeGreaterThanOrEqual(11);
    for (const route of routes) {
      if (SELF_AUTHENTICATED_ROUTES.includes(route.Properties.RouteKey)) {
        expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('NONE');
        continue;
      }
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('JWT');
      expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
    }
    const clients = Object.values(stateless.findResources('AWS::Cognito::UserPoolClient')).map(
      (c) => c.Properties,
    );
    expect(clients).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ AllowedOAuthFlows: ['code'], GenerateSecret: false }),
        expect.objectContaining({ AllowedOAuthFlows: ['client_credentials'], GenerateSecret: true }),
      ]),
    );
  });

  it('serves without a token only the routes whose handler checks a signature, naming the check', () => {
    const open = selfAuthenticatedRoutes(built);
    // Slack's route exists only when a Slack channel is configured (not in the example).
    expect(SELF_AUTHENTICATED_ROUTES).toEqual(expect.arrayContaining(open.map((r) => r.route)));
    expect(open.map((r) => r.route)).toEqual(
      expect.arrayContaining(SELF_AUTHENTICATED_ROUTES.filter((r) => !r.includes('/slack/'))),
    );
    for (const { route, entry, verifiedBy } of open) {
      expect(verifiedBy, route).toMatch(/^\w+$/);
      expect(readFileSync(join(PROJECT_ROOT, entry), 'utf8'), `${route}: ${entry}`).toContain(verifiedBy);
    }
  });

  it('makes every other HTTP handler check the route policy before anything else', () => {
    const open = new Set(selfAuthenticatedRoutes(built).map((r) => r.entry));
    for (const fn of built.manifest.functions) {
      if (!fn.triggers.some((t) => t.type === 'http') || open.has(fn.entry)) continue;
      expect(
        fn.triggers.every((t) => t.type !== 'http' || t.authorization === 'jwt'),
        fn.id,
      ).toBe(true);
      const source = readFileSync(join(PROJECT_ROOT, fn.entry), 'utf8');
      const exported = new RegExp(
        `export const ${fn.handler} = withObservability\\(\\s*authorized\\(POLICIES\\.`,
      );
      expect(source, `${fn.entry} ${fn.handler}`).toMatch(exported);
    }
  });

  it('serves the web app from a private bucket through CloudFront with OAC, HTTPS only, headers and logs', () => {
    stateless.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      }),
    });
    stateless.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: Match.objectLike({
            ContentSecurityPolicy: Match.stringLikeRegexp("script-src 'self'"),
          }),
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31_536_000 }),
          FrameOptions: Match.objectLike({ FrameOption: 'DENY' }),
        }),
      }),
    });
    const site = logicalIdOf(built.stateless.consoleWeb.bucket);
    stateless.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'site/' }),
    });
    expect(stateless.findResources('Custom::CDKBucketDeployment')).not.toEqual({});
    expect(site).toMatch(/^ConsoleWebSite/);
  });

  it('gives operators and admins managed policies and reuses the analysts’ policy', () => {
    const policies = stateless.findResources('AWS::IAM::ManagedPolicy');
    const byId = (prefix: string) =>
      Object.entries(policies).find(([id]) => id.startsWith(prefix))?.[1]?.Properties.PolicyDocument
        .Statement as { Action: string | string[] }[];
    const actions = (prefix: string) => byId(prefix).flatMap((s) => [s.Action].flat());
    expect(actions('ConsoleRolesOperatorPolicy')).toEqual(
      expect.arrayContaining(['dynamodb:Query', 's3:PutObject']),
    );
    expect(actions('ConsoleRolesOperatorPolicy')).not.toContain('dynamodb:Scan');
    expect(actions('ConsoleRolesAdminPolicy')).toEqual(
      expect.arrayContaining(['cognito-idp:AdminAddUserToGroup', 'secretsmanager:PutSecretValue']),
    );
    expect(built.stateless.consoleRoles.analystPolicy).toBe(built.stateless.analytics.analystPolicy);
  });
});
