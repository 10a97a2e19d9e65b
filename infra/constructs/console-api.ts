import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RuntimeConfig } from '#shared/config/runtime.ts';
import { RUNTIME_CONFIG_ENV } from '../runtime-config.ts';
import { NodeFunction } from './node-function.ts';

const SERVICE_NAME = 'console-api';

/** Properties of {@link ConsoleApi}. */
export interface ConsoleApiProps {
  /** The single table, read by the console. */
  readonly table: dynamodb.ITableV2;
  /** Runtime configuration handed to the functions. */
  readonly runtimeConfig: RuntimeConfig;
  /**
   * Steady-state requests per second the API accepts.
   * @default 50
   */
  readonly rateLimit?: number;
}

/**
 * The console's HTTP API. Every route requires SigV4 (IAM) authorization until the Cognito
 * sign-in arrives; requests are access-logged as JSON.
 */
export class ConsoleApi extends Construct {
  /** The HTTP API. */
  readonly api: HttpApi;
  /** Its `$default` stage, auto-deployed and access-logged. */
  readonly stage: HttpStage;
  /** GET /api/purchase-orders. */
  readonly listPurchaseOrders: NodeFunction;
  /** The authorizer every route uses (IAM until the Cognito sign-in arrives). */
  readonly authorizer: HttpIamAuthorizer;

  constructor(scope: Construct, id: string, props: ConsoleApiProps) {
    super(scope, id);
    const runtimeConfig = JSON.stringify(props.runtimeConfig);

    this.api = new HttpApi(this, 'Api', {
      description: 'Acorn console API',
      // The stage is created below, with access logging, which the default stage cannot have.
      createDefaultStage: false,
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

    this.authorizer = new HttpIamAuthorizer();
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
  }

  /** Base URL of the API. */
  get url(): string {
    return this.stage.url;
  }
}
