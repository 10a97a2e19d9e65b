/**
 * Amazon's official SP-API models for the tests, read from `../shared/specs/sp-api` next to the
 * project (CI always has it). When the folder is missing the loader throws, so every cross-check
 * fails with that message instead of quietly passing.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OfficialModels } from '#local/amazon-sandbox/official-models.ts';

/** The project root (the folder with package.json). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the official models live, resolved from the project root. */
export const OFFICIAL_MODELS_DIR = resolve(PROJECT_ROOT, '../shared/specs/sp-api');

let loaded: OfficialModels | undefined;

/** The vendor models, loaded once per test file. Throws OfficialModelsMissingError when absent. */
export function officialModels(): OfficialModels {
  loaded ??= OfficialModels.load(OFFICIAL_MODELS_DIR);
  return loaded;
}
