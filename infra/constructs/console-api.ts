import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { RUNTIME_CONFIG_ENV } from '../runtime-config.ts';
import type { ConsoleIdentity } from './console-identity.ts';
import { NodeFunction } from './node-function.ts';

const SERVICE_NAME = 'console-api';

/** Properties of {@link ConsoleApi}. */
export interface ConsoleApiProps {
  /** The single table, read by the console. */
  readonly table: dynamodb.ITableV2;
  /** Runtime configuration handed to the functions. */
  readonly runtimeConfig: RuntimeConfig;
  /** The archive, where the audit events of mode switches are kept. */
  readonly archiveBucket: s3.IBucket;
  /** The user pool whose tokens every route requires. */
  readonly identity: ConsoleIdentity;
  /** The console web app's origin (`https://d123.cloudfront.net`): OAuth callback and CORS origin. */
  readonly consoleOrigin: string;
  /**
   * Steady-state requests per second the API accepts.
   * @default 50
   */
  readonly rateLimit?: number;
}

/**
 * The console's HTTP API. Every route requires a Cognito access token (JWT authorizer on the
 * user pool; the handler then checks the caller's groups against the route's policy, see
 * shared/domain/authorization.ts); requests are access-logged as JSON. Two app clients: the
 * console's (authorization code flow with PKCE, no secret) and the warehouse's (client
 * credentials with the `acorn/shipments.write` scope, for POST /api/shipments).
 */
export class ConsoleApi extends Construct {
  /** The HTTP API. */
  readonly api: HttpApi;
  /** Its `$default` stage, auto-deployed and access-logged. */
  readonly stage: HttpStage;
  /** GET /api/purchase-orders. */
  readonly listPurchaseOrders: NodeFunction;
  /** GET /api/kpis. */
  readonly kpis: NodeFunction;
  /** GET /api/errors. */
  readonly listErrors: NodeFunction;
  /** GET /api/audit. */
  readonly searchAudit: NodeFunction;
  /** GET /api/automation. */
  readonly listAutomationModes: NodeFunction;
  /** PUT /api/automation/{module}. */
  readonly switchAutomationMode: NodeFunction;
  /** The authorizer every route uses: Cognito JWTs of the console's and the warehouse's clients. */
  readonly authorizer: HttpUserPoolAuthorizer;
  /** The console web app's client (code flow with PKCE). */
  readonly consoleClient: cognito.UserPoolClient;
  /** The warehouse's machine-to-machine client (client credentials). */
  readonly warehouseClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: ConsoleApiProps) {
    super(scope, id);
    const runtimeConfig = JSON.stringify(props.runtimeConfig);

    this.api = new HttpApi(this, 'Api', {
      description: 'Acorn console API',
      // The stage is created below, with access logging, which the default stage cannot have.
      createDefaultStage: false,
      // The console is served from CloudFront, another origin: it calls with a bearer token.
      corsPreflight: {
        allowOrigins: [props.consoleOrigin],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: 2 * (props.rateLimit ?? 50) },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLatency: '$context.responseLatency',
            responseLength: '$context.responseLength',
            sourceIp: '$context.identity.sourceIp',
            userArn: '$context.identity.userArn',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const pool = props.identity.userPool;
    this.consoleClient = new cognito.UserPoolClient(this, 'ConsoleClient', {
      userPool: pool,
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.consoleOrigin}/`],
        logoutUrls: [`${props.consoleOrigin}/`],
      },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    this.warehouseClient = new cognito.UserPoolClient(this, 'WarehouseClient', {
      userPool: pool,
      generateSecret: true,
      authFlows: {},
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [props.identity.shipmentsWriteScope, props.identity.stockWriteScope],
      },
      accessTokenValidity: Duration.hours(1),
    });
    this.warehouseClient.node.addDependency(props.identity.resourceServer);
    this.authorizer = new HttpUserPoolAuthorizer('Cognito', pool, {
      userPoolClients: [this.consoleClient, this.warehouseClient],
    });
    const authorizer = this.authorizer;

    this.listPurchaseOrders = new NodeFunction(this, 'ListPurchaseOrders', {
      entry: 'functions/console-api/list-purchase-orders.ts',
      serviceName: SERVICE_NAME,
      description: 'GET /api/purchase-orders',
      timeout: Duration.seconds(10),
    });
    this.listPurchaseOrders.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
    this.listPurchaseOrders.bindTable('TABLE_NAME', props.table, 'read');
    this.listPurchaseOrders.serveHttp(this.api, HttpMethod.GET, '/api/purchase-orders', authorizer);

    // The console's own routes: KPIs, errors, audit search and the automation modes.
    const reader = (id: string, entry: string, path: string, handler?: string) => {
      const fn = new NodeFunction(this, id, {
        entry,
        ...(handler ? { handler } : {}),
        serviceName: SERVICE_NAME,
        description: `GET ${path}`,
        timeout: Duration.seconds(10),
      });
      fn.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
      fn.bindTable('TABLE_NAME', props.table, 'read');
      fn.serveHttp(this.api, HttpMethod.GET, path, authorizer);
      return fn;
    };
    this.kpis = reader('Kpis', 'functions/console-api/kpis.ts', '/api/kpis');
    this.listErrors = reader('ListErrors', 'functions/console-api/list-errors.ts', '/api/errors');
    this.searchAudit = reader('SearchAudit', 'functions/console-api/search-audit.ts', '/api/audit');
    this.listAutomationModes = reader(
      'ListAutomationModes',
      'functions/console-api/automation-modes.ts',
      '/api/automation',
      'listHandler',
    );
    this.switchAutomationMode = new NodeFunction(this, 'SwitchAutomationMode', {
      entry: 'functions/console-api/automation-modes.ts',
      handler: 'switchHandler',
      serviceName: SERVICE_NAME,
      description: 'PUT /api/automation/{module} (admins)',
      timeout: Duration.seconds(10),
    });
    this.switchAutomationMode.setEnvironment(RUNTIME_CONFIG_ENV, runtimeConfig);
    this.switchAutomationMode.bindTable('TABLE_NAME', props.table, 'readWrite');
    this.switchAutomationMode.bindBucket('ARCHIVE_BUCKET_NAME', props.archiveBucket, 'write', {
      prefix: 'audit/',
    });
    this.switchAutomationMode.serveHttp(this.api, HttpMethod.PUT, '/api/automation/{module}', authorizer);
  }

  /** Base URL of the API. */
  get url(): string {
    return this.stage.url;
  }
}
