import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { PROJECT_ROOT } from '#infra/constructs/node-function.ts';
import { CONSOLE_GROUPS } from '#shared/domain/authorization.ts';
import { logicalIdOf, synth, templateOf } from './support.ts';

/**
 * Routes callers reach without a console token, with the check their handler must make first:
 * Shopify signs its webhooks with the app's secret (X-Shopify-Hmac-Sha256).
 */
const SELF_AUTHENTICATED_ROUTES: Record<string, RegExp | undefined> = {
  'POST /webhooks/shopify': /WebhookSignatureError/,
  // The approval review page: the link's HMAC token names the approval and the approver; the
  // decision is a POST with the token and a CSRF token (a GET only shows).
  'GET /approvals/{approvalId}': /ApprovalLinkError|verifyApprovalLink|approvalLink/,
  'HEAD /approvals/{approvalId}': /ApprovalLinkError|verifyApprovalLink|approvalLink/,
  'POST /approvals/{approvalId}': /ApprovalLinkError|verifyApprovalLink|approvalLink/,
  // Slack signs every interactivity request (v0 HMAC of timestamp and body).
  'POST /slack/interactivity': /[Ss]ignature/,
};

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
      if (SELF_AUTHENTICATED_ROUTES[route.Properties.RouteKey]) {
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

  it('makes every HTTP handler check the route policy before anything else', () => {
    for (const fn of built.manifest.functions) {
      if (!fn.triggers.some((t) => t.type === 'http')) continue;
      const selfAuthenticated = fn.triggers
        .map((t) => (t.type === 'http' ? SELF_AUTHENTICATED_ROUTES[`${t.method} ${t.path}`] : undefined))
        .find((check) => check !== undefined);
      if (selfAuthenticated) {
        // No token: the caller proves itself with a signature the handler checks before anything else.
        expect(
          fn.triggers.filter((t) => t.type === 'http').every((t) => t.authorization === 'none'),
          fn.id,
        ).toBe(true);
        expect(readFileSync(join(PROJECT_ROOT, fn.entry), 'utf8'), fn.entry).toMatch(selfAuthenticated);
        continue;
      }
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
