import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '#infra/build-app.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { actionsOf, allStatements, logicalIdOf, statementsOfRole, synth, templateOf } from './support.ts';

describe('the CreditMemos construct', () => {
  let built: BuiltApp;
  let template: Template;

  beforeAll(() => {
    built = synth();
    template = templateOf(built, built.stateless);
  });

  const memos = () => built.stateless.creditMemos;
  const machineId = () => logicalIdOf(memos().stateMachine);

  it('is a Standard workflow from the ASL file, with full logging (no execution data) and tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      DefinitionSubstitutions: { WorkflowStepFunctionArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionS3Location: Match.anyValue(),
    });
    // The local runtime executes the same file (wiring manifest).
    expect(built.manifest.resources).toContainEqual({
      kind: 'stateMachine',
      id: 'CreditMemoWorkflow',
      definitionFile: 'state-machines/credit-memo.asl.json',
    });
  });

  it('alarms on failed and timed-out executions', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/States',
        MetricName: metric,
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machineId() } }],
        Threshold: 1,
      });
    }
  });

  it('starts one execution per ReturnReceived / CreditRequested, from credit memos and payments', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: [EVENT_SOURCE.creditMemos, EVENT_SOURCE.payments],
        'detail-type': [DETAIL_TYPE.returnReceived, DETAIL_TYPE.creditRequested],
      },
    });
    const start = statementsOfRole(template, logicalIdOf(memos().startCreditMemo.role));
    expect(start.filter((s) => actionsOf([s]).includes('states:StartExecution'))).toEqual([
      expect.objectContaining({ Resource: { Ref: machineId() } }),
    ]);
  });

  it('lets only the deciding functions answer task tokens, and only of this state machine', () => {
    const answering = allStatements(template).filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('states:SendTask')),
    );
    expect(answering.length).toBeGreaterThan(0);
    for (const statement of answering) expect(statement.Resource).toEqual({ Ref: machineId() });
    const importer = actionsOf(statementsOfRole(template, logicalIdOf(memos().importReturnsFile.role)));
    expect(importer.some((a) => a.startsWith('states:'))).toBe(false);
    expect(importer).not.toContain('secretsmanager:GetSecretValue');
  });

  it('invokes only its task function from the workflow', () => {
    const role = memos().stateMachine.role;
    const invoke = statementsOfRole(template, logicalIdOf(role)).filter((s) =>
      actionsOf([s]).includes('lambda:InvokeFunction'),
    );
    expect(JSON.stringify(invoke)).toContain(logicalIdOf(memos().workflowStep.function));
    expect(JSON.stringify(invoke)).not.toMatch(/"\*"/);
  });

  it('serves the approval page without API Gateway authorization, and every /api route with the console JWT authorizer', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties as { RouteKey: string; AuthorizationType?: string },
    );
    const page = routes.filter((r) => r.RouteKey.endsWith('/approvals/{approvalId}'));
    expect(page.map((r) => r.RouteKey).sort()).toEqual([
      'GET /approvals/{approvalId}',
      'HEAD /approvals/{approvalId}',
      'POST /approvals/{approvalId}',
    ]);
    for (const r of page) expect(r.AuthorizationType ?? 'NONE').toBe('NONE');
    for (const key of [
      'GET /api/credit-memos',
      'GET /api/approvals',
      'POST /api/credit-requests',
      'POST /api/credit-memos/{memoId}/filing',
    ]) {
      expect(routes.find((r) => r.RouteKey === key)?.AuthorizationType).toBe('JWT');
    }
  });

  it('gives the link key only to the functions that sign or check links', () => {
    const withKey = (fn: { role: Parameters<typeof logicalIdOf>[0] }) =>
      JSON.stringify(statementsOfRole(template, logicalIdOf(fn.role))).includes('ApprovalLinkKey');
    expect(withKey(memos().approvalPage)).toBe(true);
    expect(withKey(memos().workflowStep)).toBe(true);
    expect(withKey(memos().importReturnsFile)).toBe(false);
    expect(withKey(memos().startCreditMemo)).toBe(false);
  });
});
