import { type NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { ACORN_ALARM_DESCRIPTION_PREFIX, DELIVERY_MAX_RECEIVES } from '#infra/constructs/notifications.ts';
import { actionsOf, logicalIdOf, statementsOfRole, synth, templateOf } from './support.ts';

describe('the Notifications and Operations constructs', () => {
  let built: BuiltApp;
  let template: Template;

  beforeAll(() => {
    built = synth();
    template = templateOf(built, built.stateless);
  });

  it('routes the configured detail types from the acorn bus and Acorn alarms and failed executions from the default bus', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'detail-type': Match.arrayWith(['AcknowledgementFailed', 'InventoryDrift', 'ShipWindowReminder']),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        detail: {
          configuration: { description: [{ prefix: ACORN_ALARM_DESCRIPTION_PREFIX }] },
          state: { value: ['ALARM'] },
        },
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.states'], detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'] } },
    });
  });

  it('delivers from a queue with a dead-letter queue, consumed with partial batch failures', () => {
    const queue = logicalIdOf(built.stateless.notifications.deliveryDeadLetterQueue);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 360,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [queue, 'Arn'] },
        maxReceiveCount: DELIVERY_MAX_RECEIVES,
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(built.stateless.notifications.deliverAlerts.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('lets only the deliverer send email, from the configured identity, and every notifier read the channel secret only', () => {
    const deliver = actionsOf(
      statementsOfRole(template, logicalIdOf(built.stateless.notifications.deliverAlerts.role)),
    );
    expect(deliver).toContain('ses:SendEmail');
    const route = actionsOf(
      statementsOfRole(template, logicalIdOf(built.stateless.notifications.routeAlert.role)),
    );
    expect(route).not.toContain('ses:SendEmail');
    expect(route).toContain('secretsmanager:GetSecretValue');
    expect(route).not.toContain('secretsmanager:PutSecretValue');
  });

  it('alarms on errors and throttles of every function, every dead-letter queue and the ingestion lag, all routed to alerts', () => {
    const functions = built.app.node.findAll().filter((c) => c.constructor.name === 'NodeFunction').length;
    // The alarms live in the operations' nested stack (the stateless stack would pass 500 resources).
    const operations = Template.fromStack(Stack.of(built.stateless.operations) as NestedStack);
    const alarms = operations.findResources('AWS::CloudWatch::Alarm');
    const descriptions = Object.values(alarms).map((a) => String(a.Properties.AlarmDescription));
    expect(descriptions.every((d) => d.startsWith(ACORN_ALARM_DESCRIPTION_PREFIX))).toBe(true);
    expect(descriptions.filter((d) => d.includes('errors in function'))).toHaveLength(functions);
    expect(descriptions.filter((d) => d.includes('throttled invocations'))).toHaveLength(functions);
    // Each capability's dead-letter queue, the delivery queue's, and every other queue's.
    const capabilityQueues = new Set(
      built.app.node
        .findAll()
        .filter((c) => c.constructor.name === 'NodeFunction')
        .map((c) => (c as unknown as { deadLetterQueue: unknown }).deadLetterQueue),
    ).size;
    expect(descriptions.filter((d) => d.includes('dead-letter queue')).length).toBeGreaterThanOrEqual(
      capabilityQueues + 1,
    );
    expect(descriptions.some((d) => d.includes('Notifications/DeliveryDeadLetterQueue'))).toBe(true);
    expect(
      descriptions.some((d) => d.includes('VendorIngest/PullPurchaseOrders') && d.includes('ingestion lag')),
    ).toBe(true);
    expect(
      descriptions.some((d) => d.includes('Notifications/DeliveryQueue') && d.includes('longer than')),
    ).toBe(true);
    operations.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('keeps the channel secret in the stateful stack, retained', () => {
    templateOf(built, built.stateful).hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: { Description: Match.stringLikeRegexp('alert channel webhooks') },
    });
  });
});
