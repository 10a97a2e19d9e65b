import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { CreditMemosConfig, RuntimeConfig } from '#shared/config/runtime.ts';
import { AUDIT_PREFIX, documentsPrefix } from '#shared/domain/archive/layout.ts';
import { DETAIL_TYPE, EVENT_SOURCE } from '#shared/events.ts';
import { PROJECT_ROOT } from '../bundling.ts';
import { acknowledgeNag, acknowledgeNagWildcardResource } from './nag.ts';
import { NodeFunction } from './node-function.ts';
import { outboxWriterFunction } from './outbox-writer-function.ts';
import { Wiring } from './wiring.ts';

const SERVICE_NAME = 'credit-memos';

/** Where Vendor Central returns exports land in the inbox. */
export const RETURNS_INBOX_PREFIX = 'returns/';

/** The workflow's ASL file, relative to the project root (CDK and the local runtime read it). */
export const CREDIT_MEMO_DEFINITION = 'state-machines/credit-memo.asl.json';

/** Example Slack credentials for the local runtime (never a real credential). */
export const LOCAL_SLACK_CREDENTIALS = {
  botToken: 'xoxb-local-acorn',
  signingSecret: 'local-slack-signing-secret-0123456789',
};

/** Acknowledges APIG4 (no API Gateway authorization) on one route that authorizes in its function. */
/** Properties of {@link CreditMemos}. */
export interface CreditMemosProps {
  readonly table: dynamodb.ITableV2;
  readonly eventBus: events.IEventBus;
  /** Credit-note payloads, Vendor Central documents, approval records and the audit trail. */
  readonly archiveBucket: s3.IBucket;
  /** Vendor Central returns exports arrive under `returns/`. */
  readonly inboxBucket: s3.IBucket;
  readonly spApiCredentials: secretsmanager.ISecret;
  /** The key approval links are signed with (`{ current, previous? }`). */
  readonly approvalLinkKey: secretsmanager.ISecret;
  readonly runtimeConfig: RuntimeConfig;
  /** The credit-memo settings, approvers and remit-to party: only these functions get them (`CREDIT_MEMOS_CONFIG`). */
  readonly settings: CreditMemosConfig;
  readonly api: HttpApi;
  /** Authorizer of the operators' routes (IAM). The approval page and Slack's endpoint are public: signed. */
  readonly authorizer: IHttpRouteAuthorizer;
  /** The public base URL of the review pages (`…/approvals`), put into approval emails. */
  readonly reviewBaseUrl: string;
  /** Create the Slack credentials secret and the Slack endpoint's binding. @default false */
  readonly slack?: boolean;
  /** How often reminders and expiries of approvals are checked. */
  readonly checkApprovals: string;
}

/**
 * Credit memos: returns exports and credit requests become `ReturnReceived` / `CreditRequested`,
 * which start the Standard workflow `state-machines/credit-memo.asl.json` (claim → receipt gate →
 * pricing and policy → approval with a task token → credit note through the outbox or a Vendor
 * Central document → Amazon's answer). The approval page, Slack's interactivity endpoint, the
 * reminders and the JSON routes `GET /api/credit-memos`, `GET /api/approvals`.
 */
export class CreditMemos extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly workflowStep: NodeFunction;
  readonly startCreditMemo: NodeFunction;
  readonly importReturnsFile: NodeFunction;
  readonly approvalPage: NodeFunction;
  readonly failedExecutionsAlarm: cloudwatch.Alarm;
  readonly slackCredentials?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CreditMemosProps) {
    super(scope, id);
    const wiring = Wiring.of(this);
    // Only the module's documents (credit notes, memos, approvals, emails) and the audit trail.
    const archivePrefixes = [documentsPrefix('creditMemos'), AUDIT_PREFIX];

    if (props.slack) {
      this.slackCredentials = new secretsmanager.Secret(this, 'SlackCredentials', {
        description:
          'Slack app of the approval messages: {"botToken":"xoxb-…","signingSecret":"…"} (filled by an operator)',
        removalPolicy: RemovalPolicy.RETAIN,
      });
      wiring.registerSecret('SlackCredentials', this.slackCredentials, LOCAL_SLACK_CREDENTIALS);
      acknowledgeNag(
        this.slackCredentials,
        'AwsSolutions-SMG4',
        'A Slack bot token and signing secret are rotated in Slack by an operator, who writes the new values here; Secrets Manager cannot rotate them.',
      );
    }

    /**
     * A credit-memo function that goes through the outbox. Only what it uses is bound (Lambda's
     * environment is 4 KB): the link key where links are signed or checked, Slack where messages
     * are sent or Slack's requests verified.
     */
    const writer = (
      fnId: string,
      entry: string,
      description: string,
      uses: { links?: boolean; slack?: boolean; timeout?: Duration } = {},
    ) => {
      const fn = outboxWriterFunction(this, fnId, props, {
        entry,
        serviceName: SERVICE_NAME,
        description,
        timeout: uses.timeout ?? Duration.seconds(60),
        archivePrefixes,
      });
      fn.setEnvironment('CREDIT_MEMOS_CONFIG', JSON.stringify(props.settings));
      if (uses.links) {
        fn.bindSecret('APPROVAL_LINK_SECRET_ID', props.approvalLinkKey, 'read');
        fn.setEnvironment('REVIEW_BASE_URL', props.reviewBaseUrl);
      }
      if (uses.slack && this.slackCredentials)
        fn.bindSecret('SLACK_SECRET_ID', this.slackCredentials, 'read');
      return fn;
    };
    /** Lets a function answer the workflow's task tokens (SendTaskSuccess / SendTaskFailure), on this state machine only. */
    const answersTasks = (fn: NodeFunction) =>
      new iam.Policy(fn, 'TaskResponse', {
        roles: [fn.role],
        statements: [
          new iam.PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
            resources: [this.stateMachine.stateMachineArn],
          }),
        ],
      });

    this.workflowStep = writer(
      'WorkflowStep',
      'functions/credit-memos/run-workflow-step.ts',
      'Credit-memo workflow tasks: claim, receipt gate, pricing and policy, approval request, submission, follow-up',
      { links: true, slack: true },
    );

    const logGroup = new logs.LogGroup(this, 'WorkflowLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Workflow', {
      definitionBody: sfn.DefinitionBody.fromFile(`${PROJECT_ROOT}/${CREDIT_MEMO_DEFINITION}`),
      definitionSubstitutions: { WorkflowStepFunctionArn: this.workflowStep.function.functionArn },
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      // Executions carry ids and flags only (no token, no secret), but their data stays out of the logs anyway.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: 'Credit memos: return or debit note → receipt gate → policy → approval → credit note',
    });
    wiring.registerStateMachine('CreditMemoWorkflow', this.stateMachine, CREDIT_MEMO_DEFINITION);
    this.workflowStep.function.grantInvoke(this.stateMachine);
    acknowledgeNag(
      this.stateMachine.role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) and the CloudWatch Logs delivery of Step Functions (logs:CreateLogDelivery, …) support no resource-level permissions.',
    );
    acknowledgeNagWildcardResource(
      this.stateMachine.role,
      `${this.workflowStep.function.functionArn}:*`,
      'The workflow may invoke its one task function; grantInvoke adds `:*` for its qualified ARNs (versions, aliases).',
    );
    // The workflow step answers a token only when it resumes a run whose decision was already
    // stored. Each grant is a policy of its own (not the role's default one, which the function
    // depends on), so the function ↔ state machine references make no cycle.
    answersTasks(this.workflowStep);

    this.failedExecutionsAlarm = new cloudwatch.Alarm(this, 'FailedExecutions', {
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription:
        'A credit-memo workflow execution failed: the memo is marked failed; resume it after a look',
    });
    new cloudwatch.Alarm(this, 'TimedOutExecutions', {
      metric: this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'A credit-memo workflow execution timed out',
    });

    this.startCreditMemo = new NodeFunction(this, 'StartCreditMemo', {
      entry: 'functions/credit-memos/start-credit-memo.ts',
      serviceName: SERVICE_NAME,
      description: 'ReturnReceived / CreditRequested → one credit-memo workflow execution per event',
      timeout: Duration.seconds(15),
    });
    this.startCreditMemo.bindStateMachine('STATE_MACHINE_ARN', this.stateMachine, 'start');
    this.startCreditMemo.onEvent('CreditRequests', props.eventBus, {
      // CreditRequested also comes from the payments capability's remittance reconciliation.
      source: [EVENT_SOURCE.creditMemos, EVENT_SOURCE.payments],
      detailType: [DETAIL_TYPE.returnReceived, DETAIL_TYPE.creditRequested],
    });

    this.importReturnsFile = new NodeFunction(this, 'ImportReturnsFile', {
      entry: 'functions/credit-memos/import-returns-file.ts',
      serviceName: SERVICE_NAME,
      description: 'Vendor Central returns exports (CSV, XLSX) from the inbox → ReturnReceived events',
      timeout: Duration.minutes(5),
    });
    this.importReturnsFile.bindTable('TABLE_NAME', props.table, 'readWrite');
    this.importReturnsFile.bindEventBus('EVENT_BUS_NAME', props.eventBus);
    this.importReturnsFile.bindBucket('ARCHIVE_BUCKET_NAME', props.archiveBucket, 'write', {
      prefix: AUDIT_PREFIX,
    });
    this.importReturnsFile.onInboxObject('ReturnsFile', props.inboxBucket, RETURNS_INBOX_PREFIX);

    const requestCredit = writer(
      'RequestCredit',
      'functions/credit-memos/request-credit.ts',
      'POST /api/credit-requests: a return, a debit note or a return status by API',
    );
    requestCredit.serveHttp(props.api, HttpMethod.POST, '/api/credit-requests', props.authorizer);

    // The approval page is reached from an email: the signed link (and the CSRF nonce for the
    // POST) is its authorization, checked by the function; API Gateway authorizes nothing here.
    this.approvalPage = writer(
      'ApprovalPage',
      'functions/credit-memos/approval-page.ts',
      'The approval review page: GET/HEAD show (signed link), POST decides (CSRF nonce)',
      { links: true },
    );
    answersTasks(this.approvalPage);
    for (const method of [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST]) {
      this.approvalPage.serveSelfAuthenticatedHttp(props.api, method, '/approvals/{approvalId}', {
        verifiedBy: 'ApprovalLinkError',
        reason:
          'An approver opens the emailed link without an AWS identity: the HMAC-signed, expiring link (and, for the POST, the CSRF nonce) is checked by the function; GET and HEAD change nothing.',
      });
    }

    if (this.slackCredentials) {
      const slack = writer(
        'SlackInteractivity',
        'functions/credit-memos/slack-interactivity.ts',
        "Slack's interactivity endpoint: signed Approve / Reject clicks from configured approvers",
        { slack: true },
      );
      answersTasks(slack);
      slack.serveSelfAuthenticatedHttp(props.api, HttpMethod.POST, '/slack/interactivity', {
        verifiedBy: 'verifySlackSignature',
        reason:
          "Slack calls it without an AWS identity: the function checks Slack's v0 request signature (5-minute window) and the clicking user.",
      });
    }

    // A signed-in approver decides from the console (bearer token, group `approver`).
    const decideApproval = writer(
      'DecideApproval',
      'functions/credit-memos/decide-approval.ts',
      'POST /api/approvals/{approvalId}/decision: a signed-in approver decides from the console',
    );
    answersTasks(decideApproval);
    decideApproval.serveHttp(
      props.api,
      HttpMethod.POST,
      '/api/approvals/{approvalId}/decision',
      props.authorizer,
    );

    const confirmFiling = writer(
      'ConfirmFiling',
      'functions/credit-memos/confirm-filing.ts',
      'POST /api/credit-memos/{memoId}/filing: an operator confirms a Vendor Central memo was filed',
    );
    answersTasks(confirmFiling);
    confirmFiling.serveHttp(
      props.api,
      HttpMethod.POST,
      '/api/credit-memos/{memoId}/filing',
      props.authorizer,
    );

    const remind = writer(
      'RemindApprovals',
      'functions/credit-memos/remind-approvals.ts',
      'Approval reminders before the deadline; expiry and escalation at it',
      { links: true, slack: true },
    );
    answersTasks(remind);
    remind.runOnSchedule('Schedule', props.checkApprovals);

    const resume = new NodeFunction(this, 'ResumeCreditMemo', {
      entry: 'functions/credit-memos/resume-credit-memo.ts',
      serviceName: SERVICE_NAME,
      description: 'POST /api/credit-memos/{memoId}/resume: a new workflow run from the stored state',
      timeout: Duration.seconds(15),
    });
    resume.bindTable('TABLE_NAME', props.table, 'read');
    resume.bindStateMachine('STATE_MACHINE_ARN', this.stateMachine, 'start');
    const stack = Stack.of(this);
    const executions = `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:${this.stateMachine.stateMachineName}:*`;
    resume.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }),
    );
    acknowledgeNagWildcardResource(
      resume.role,
      executions,
      "DescribeExecution of this workflow's executions only (is the memo's run still going?): an execution ARN ends in its name, unknown in advance.",
    );
    resume.serveHttp(props.api, HttpMethod.POST, '/api/credit-memos/{memoId}/resume', props.authorizer);

    const listMemos = new NodeFunction(this, 'ListCreditMemos', {
      entry: 'functions/console-api/list-credit-memos.ts',
      serviceName: 'console-api',
      description: 'GET /api/credit-memos?state=…|memoId=…',
      timeout: Duration.seconds(10),
    });
    listMemos.bindTable('TABLE_NAME', props.table, 'read');
    listMemos.serveHttp(props.api, HttpMethod.GET, '/api/credit-memos', props.authorizer);

    const listApprovals = new NodeFunction(this, 'ListApprovals', {
      entry: 'functions/console-api/list-approvals.ts',
      serviceName: 'console-api',
      description: 'GET /api/approvals?state=pending',
      timeout: Duration.seconds(10),
    });
    listApprovals.bindTable('TABLE_NAME', props.table, 'read');
    listApprovals.serveHttp(props.api, HttpMethod.GET, '/api/approvals', props.authorizer);
  }
}
