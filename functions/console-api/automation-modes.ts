import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbAuditLog } from '#shared/aws/dynamodb-audit.ts';
import { DynamoDbModeOverrides } from '#shared/aws/dynamodb-automation-modes.ts';
import { S3Archive } from '#shared/aws/s3-archive.ts';
import { clockFromEnv } from '#shared/clock.ts';
import {
  automationModeSchema,
  automationModuleSchema,
  requireEnv,
  runtimeConfigFromEnv,
} from '#shared/config/runtime.ts';
import { actorOf, POLICIES, type Principal } from '#shared/domain/authorization.ts';
import { ConflictError, ValidationError } from '#shared/errors.ts';
import { withObservability } from '#shared/observability.ts';
import { makeListModes, makeSwitchMode } from '#shared/use-cases/console/automation-modes.ts';
import { makeAuditTrail } from '#shared/use-cases/outbox/audit-trail.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { authorized, errorResponse, json } from './http.ts';

const config = runtimeConfigFromEnv();
const clock = clockFromEnv();
const dynamo = new DynamoDBClient({});
const tableName = requireEnv('TABLE_NAME');
const store = new DynamoDbModeOverrides({ client: dynamo, tableName });
const listModes = makeListModes({ store, configured: config.automation });

/** The switch needs the archive for its audit event; GET does not, so its environment may lack it. */
let switchMode: ReturnType<typeof makeSwitchMode> | undefined;
function switcher(): ReturnType<typeof makeSwitchMode> {
  switchMode ??= makeSwitchMode({
    store,
    configured: config.automation,
    clock,
    audit: makeAuditTrail({
      log: new DynamoDbAuditLog({ client: dynamo, tableName }),
      archive: new S3Archive({
        client: new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) }),
        bucketName: requireEnv('ARCHIVE_BUCKET_NAME'),
      }),
    }),
  });
  return switchMode;
}

/** GET /api/automation — every module's mode, where it comes from, and the version to switch on. */
export async function getAutomationModes(
  _event: APIGatewayProxyEventV2,
  _principal: Principal,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const { version, modules, overrides } = await listModes();
    return json(200, {
      version,
      modules,
      ...(overrides.updatedAt ? { updatedAt: overrides.updatedAt } : {}),
      ...(overrides.updatedBy ? { updatedBy: overrides.updatedBy.name ?? overrides.updatedBy.id } : {}),
    });
  } catch (error) {
    return errorResponse(error);
  }
}

const switchSchema = z.strictObject({
  mode: automationModeSchema,
  /** The version from GET /api/automation; a stale one is a 409. */
  version: z.number().int().min(0).optional(),
  reason: z.string().max(500).optional(),
});

/** PUT /api/automation/{module} `{ "mode": "live", "version": 3 }` — admins only; audited. */
export async function switchAutomationMode(
  event: APIGatewayProxyEventV2,
  principal: Principal,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const module = parseOrThrow(automationModuleSchema, event.pathParameters?.module, 'module (path)');
    let body: unknown;
    try {
      body = JSON.parse(
        event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''),
      );
    } catch {
      throw new ValidationError('The body is not JSON', [
        { path: '(body)', message: 'expected { "mode": "off" | "simulate" | "live" }' },
      ]);
    }
    const request = parseOrThrow(switchSchema, body, 'mode switch');
    const result = await switcher()({
      module,
      mode: request.mode,
      ...(request.version !== undefined ? { expectedVersion: request.version } : {}),
      actor: actorOf(principal),
      ...(request.reason ? { reason: request.reason } : {}),
    });
    return json(200, result);
  } catch (error) {
    if (error instanceof ConflictError) return json(409, { error: error.name, message: error.message });
    return errorResponse(error);
  }
}

export const listHandler = withObservability(authorized(POLICIES.read, getAutomationModes));
export const switchHandler = withObservability(authorized(POLICIES.administer, switchAutomationMode));
