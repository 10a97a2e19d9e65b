import { AppError } from '#shared/errors.ts';
import { buildApp } from './build-app.ts';

/**
 * CDK entry point (`cdk.json`: `npx tsx infra/app.ts`). The configuration file comes from
 * `-c config=path`, else ACORN_CONFIG, else acorn.config.json.
 */
try {
  buildApp();
} catch (error) {
  // A bad configuration names the file and each bad field; its stack trace would only add noise.
  if (!(error instanceof AppError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
