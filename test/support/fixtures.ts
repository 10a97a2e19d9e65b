/** Reads the JSON fixtures under test/events. Callers parse them with a schema (STYLE rule 3). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './official-models.ts';

/** The parsed JSON of `test/events/<relativePath>`, as unknown. */
export function readEvent(relativePath: string): unknown {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/events', relativePath), 'utf8'));
}

/** A deep copy of an SP-API fixture (`test/events/sp-api/<name>.json`), safe to mutate. */
export function spApiFixture(name: string): unknown {
  return structuredClone(readEvent(`sp-api/${name}.json`));
}
