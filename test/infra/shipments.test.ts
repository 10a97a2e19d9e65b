import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { SHIPMENT_INBOX_PREFIX, shipmentArchivePrefixes } from '#infra/constructs/shipments.ts';
import { unpackEnvJson } from '#shared/config/env-json.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import {
  actionsOf,
  configWith,
  logicalIdOf,
  type Statement,
  statementsOfRole,
  synth,
  templateOf,
} from './support.ts';

/** Actions that could shorten, bypass or destroy the archive's Object Lock protection. */
const ARCHIVE_DESTROYING =
  /^(\*|s3:\*|s3:Delete.*|s3:PutObjectRetention|s3:PutObjectLegalHold|s3:BypassGovernanceRetention)$/;

describe('the Shipments construct', () => {
  let built: BuiltApp;
  let template: Template;

  beforeAll(() => {
    built = synth();
    template = templateOf(built, built.stateless);
  });

  const shipments = () => built.stateless.shipments;
  const statementsOf = (fn: { role: Parameters<typeof logicalIdOf>[0] }): Statement[] =>
    statementsOfRole(template, logicalIdOf(fn.role));
  const sendingFunctions = () => [
    shipments().importShipmentFile,
    shipments().receiveShipments,
    shipments().trackFulfilment,
    shipments().followUpShipments,
    shipments().remindShipments,
  ];

  it('runs every function on Node.js 24 arm64 as the shipments service, the file import long enough for a big file', () => {
    for (const fn of sendingFunctions()) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [logicalIdOf(fn.role), 'Arn'] },
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'shipments' }) },
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [logicalIdOf(shipments().importShipmentFile.role), 'Arn'] },
      Timeout: 300,
    });
  });

  it('imports warehouse files from the inbox under shipments/ only, and reads nothing else of the inbox', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { object: { key: [{ prefix: SHIPMENT_INBOX_PREFIX }] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(shipments().importShipmentFile.function), 'Arn'] },
        }),
      ],
    });
    const reads = statementsOf(shipments().importShipmentFile).filter((s) =>
      actionsOf([s]).includes('s3:GetObject'),
    );
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(reads[0]?.Resource)).toContain('/shipments/*');
  });

  it('lets the sending functions write the archive only where confirmations and audit events go, and never delete', () => {
    const prefixes = shipmentArchivePrefixes();
    expect(prefixes.outbox).toMatch(/shipments\/submitShipmentConfirmations\/$/);
    expect(prefixes.audit).toBe('audit/');
    for (const fn of sendingFunctions()) {
      const statements = statementsOf(fn);
      const putResources = statements
        .filter((s) => actionsOf([s]).includes('s3:PutObject'))
        .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
        .map((r) => JSON.stringify(r))
        .sort();
      expect(putResources).toEqual([
        expect.stringContaining(`/${prefixes.audit}*`),
        expect.stringContaining(`/${prefixes.outbox}*`),
      ]);
      expect(actionsOf(statements).filter((a) => ARCHIVE_DESTROYING.test(a))).toEqual([]);
      expect(actionsOf(statements).filter((a) => a.startsWith('secretsmanager:'))).toEqual([
        'secretsmanager:GetSecretValue',
      ]);
    }
  });

  it('gives GET /api/shipments read-only access to the table and nothing else', () => {
    const actions = actionsOf(statementsOf(shipments().listShipments));
    expect(
      actions.filter((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/.test(a)),
    ).toEqual([]);
    expect(
      actions.some((a) => a.startsWith('s3:') || a.startsWith('secretsmanager:') || a.startsWith('events:')),
    ).toBe(false);
  });

  it('serves the push endpoint and the list behind the Cognito JWT authorizer', () => {
    for (const [routeKey, fn] of [
      ['POST /api/shipments', shipments().receiveShipments],
      ['GET /api/shipments', shipments().listShipments],
    ] as const) {
      const [integrationId] = Object.keys(
        template.findResources('AWS::ApiGatewayV2::Integration', {
          Properties: { IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(fn.function), 'Arn'] } },
        }),
      );
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey,
        AuthorizationType: 'JWT',
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
      });
    }
  });

  it('starts tracking a PO when its acknowledgement is accepted', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: [EVENT_SOURCE.purchaseOrders],
        'detail-type': [DETAIL_TYPE.purchaseOrderAcknowledged],
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(shipments().trackFulfilment.function), 'Arn'] },
        }),
      ],
    });
  });

  it('follows up and checks deadlines on the configured schedules, one run at a time', () => {
    const custom = synth({
      config: configWith({
        shipments: { pollTransactions: 'rate(3 minutes)', checkDeadlines: 'rate(10 minutes)' },
      }),
    });
    const customTemplate = templateOf(custom, custom.stateless);
    for (const [fn, expression] of [
      [custom.stateless.shipments.followUpShipments, 'rate(3 minutes)'],
      [custom.stateless.shipments.remindShipments, 'rate(10 minutes)'],
    ] as const) {
      customTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        Target: Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(fn.function), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(fn.deadLetterQueue), 'Arn'] } },
        }),
      });
      customTemplate.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [logicalIdOf(fn.role), 'Arn'] },
        ReservedConcurrentExecutions: 1,
      });
    }
  });

  it('hands the functions the shipments settings with their defaults, and the ship-from parties', () => {
    const environment =
      template.toJSON().Resources[logicalIdOf(shipments().remindShipments.function)].Properties.Environment
        .Variables;
    const runtime = JSON.parse(unpackEnvJson(environment.ACORN_RUNTIME_CONFIG));
    expect(runtime.shipments).toEqual({
      reminders: { reminders: [0.5, 0.75], escalation: { atFraction: 0.9 } },
      asnReminders: { reminders: [0.5], escalation: { atFraction: 1 } },
      asnDeadlineMinutes: 30,
      transitDays: 2,
      shipFrom: [
        expect.objectContaining({ partyId: 'ACMEWH1', address: expect.objectContaining({ city: 'Koeln' }) }),
      ],
    });
  });

  it('records its triggers in the wiring manifest for the local runtime', () => {
    const byId = new Map(built.manifest.functions.map((fn) => [fn.id, fn]));
    expect(byId.get('ImportShipmentFile')?.triggers).toEqual([
      expect.objectContaining({ type: 'inbox', prefix: SHIPMENT_INBOX_PREFIX }),
    ]);
    expect(byId.get('ReceiveShipments')?.triggers).toEqual([
      { type: 'http', method: 'POST', path: '/api/shipments', authorization: 'jwt' },
    ]);
    expect(byId.get('ListShipments')?.triggers).toEqual([
      { type: 'http', method: 'GET', path: '/api/shipments', authorization: 'jwt' },
    ]);
    expect(byId.get('TrackFulfilment')?.triggers).toEqual([
      expect.objectContaining({ type: 'rule', id: 'PurchaseOrderAcknowledged' }),
    ]);
  });
});
