import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * The one logger and metrics of a function process (STYLE rule 17). Service name and namespace
 * come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE, set by the node-function
 * construct.
 *
 * Tracing is Lambda's active X-Ray tracing (set by the construct), without the Powertools Tracer:
 * the Tracer brings aws-xray-sdk-core, cls-hooked and semver — about 115 KB, a quarter of the
 * ingest bundle's 400 KB budget — for subsegments we do not need yet. Add it back per function
 * when a trace needs SDK-call detail.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'acorn' });
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Acorn',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'acorn',
});

/**
 * Wraps a bare handler with the standard middleware: Lambda context in every log line, metrics
 * flushed after each invocation. The bare function stays exported for tests.
 */
export function withObservability<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
) {
  return middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
