import { gunzipSync, gzipSync } from 'node:zlib';
import { ConfigurationError } from '../errors.ts';

/**
 * JSON settings in a Lambda's environment. Lambda allows 4 KB for all variables of a function; the
 * configuration (vendors, parties, rules, allocation) outgrows that long before it outgrows a
 * deployment. A JSON value over 1 KB is therefore stored gzip-compressed and base64-encoded behind a
 * `gzip:` prefix (JSON compresses four- to six-fold, so base64's third more still leaves room).
 * Plain JSON is read as it is, so a variable set by hand keeps working.
 */

const PACKED_PREFIX = 'gzip:';
const PACK_ABOVE_BYTES = 1024;

/** The value to put into the environment for a JSON text. */
export function packEnvJson(json: string): string {
  if (Buffer.byteLength(json) <= PACK_ABOVE_BYTES) return json;
  return PACKED_PREFIX + gzipSync(json, { level: 9 }).toString('base64');
}

/** The JSON text of an environment value written by {@link packEnvJson} (or set by hand). */
export function unpackEnvJson(value: string): string {
  return value.startsWith(PACKED_PREFIX)
    ? gunzipSync(Buffer.from(value.slice(PACKED_PREFIX.length), 'base64')).toString('utf8')
    : value;
}

/** Parses a JSON environment variable, failing init with its name when it is missing or malformed. */
export function readEnvJson(name: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const raw = env[name];
  if (raw === undefined || raw === '') throw new ConfigurationError(`Missing environment variable ${name}`);
  try {
    return JSON.parse(unpackEnvJson(raw));
  } catch (cause) {
    throw new ConfigurationError(`${name} is not valid JSON`, { cause });
  }
}
