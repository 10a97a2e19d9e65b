import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import type { NodeFunction } from '#infra/constructs/node-function.ts';
import {
  actionsOf,
  configWith,
  exampleConfig,
  logicalIdOf,
  type Statement,
  statementsOfRole,
  synth,
  templateOf,
} from './support.ts';

describe('the DTC-conversion pull', () => {
  let built: BuiltApp;
  let template: Template;
  let fn: NodeFunction;
  let statements: Statement[];

  beforeAll(() => {
    built = synth();
    template = templateOf(built, built.stateless);
    const pull = built.stateless.inventory.pullDtcConversion;
    if (!pull) throw new Error('no PullDtcConversion function in the example stack');
    fn = pull;
    statements = statementsOfRole(template, logicalIdOf(fn.role));
  });

  it('runs Node.js 24 on arm64', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [logicalIdOf(fn.role), 'Arn'] },
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
  });

  it('runs hourly by default with the days to pull as input, retries and the dead-letter queue', () => {
    const defaults = exampleConfig().inventory.shopify.dtcConversion;
    expect(defaults).toEqual({ schedule: 'rate(1 hour)', days: 30 });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalIdOf(fn.function), 'Arn'] },
        Input: JSON.stringify({ days: 30 }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(fn.deadLetterQueue), 'Arn'] } },
        RoleArn: Match.anyValue(),
      },
    });
    const scheduled = built.manifest.functions.find((f) => f.id === 'PullDtcConversion');
    expect(scheduled?.triggers).toEqual([
      { type: 'schedule', id: 'Schedule', expression: 'rate(1 hour)', input: { days: 30 } },
    ]);
  });

  it('takes its schedule and days from the configuration', () => {
    const config = configWith({
      inventory: { shopify: { dtcConversion: { schedule: 'cron(15 * * * ? *)', days: 7 } } },
    });
    const custom = synth({ config });
    const pull = custom.stateless.inventory.pullDtcConversion;
    if (!pull) throw new Error('no PullDtcConversion function');
    templateOf(custom, custom.stateless).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 * * * ? *)',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [logicalIdOf(pull.function), 'Arn'] },
        Input: JSON.stringify({ days: 7 }),
      }),
    });
  });

  it('refuses more than 90 days or a bad schedule in the configuration', () => {
    expect(() => configWith({ inventory: { shopify: { dtcConversion: { days: 365 } } } })).toThrow(/days/);
    expect(() => configWith({ inventory: { shopify: { dtcConversion: { schedule: 'hourly' } } } })).toThrow(
      /schedule/,
    );
  });

  it('reads the Shopify secret and writes only its own DTC# items of the table: no bus, no bucket, no outbox', () => {
    const actions = actionsOf(statements.filter((s) => s.Effect === 'Allow'));
    expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual(['secretsmanager:GetSecretValue']);
    const secret = statements.find((s) => actionsOf([s]).includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(secret?.Resource)).toMatch(/ShopifyCredentials/);
    expect(actions.filter((a) => /^(events|s3|states|ses|lambda):/.test(a))).toEqual([]);
    // SQS: only its dead-letter queue, the on-failure destination of its runs.
    for (const s of statements.filter((x) => actionsOf([x]).some((a) => a.startsWith('sqs:')))) {
      expect(s.Resource).toEqual({ 'Fn::GetAtt': [logicalIdOf(fn.deadLetterQueue), 'Arn'] });
    }
    expect(actions).toContain('dynamodb:UpdateItem');
    expect(actions).toContain('dynamodb:BatchGetItem');
    const deny = statements.filter((s) => s.Effect === 'Deny');
    expect(deny).toEqual([
      {
        Effect: 'Deny',
        Action: [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        Resource: [
          expect.objectContaining({ 'Fn::ImportValue': expect.stringMatching(/Table/) }),
          expect.anything(),
        ],
        Condition: { 'ForAnyValue:StringNotLike': { 'dynamodb:LeadingKeys': ['DTC#*'] } },
      },
    ]);
  });

  it('is absent when Shopify is off', () => {
    const off = synth({ config: configWith({ inventory: { shopify: { enabled: false } } }) });
    expect(off.stateless.inventory.pullDtcConversion).toBeUndefined();
    expect(off.manifest.functions.some((f) => f.id === 'PullDtcConversion')).toBe(false);
  });
});
