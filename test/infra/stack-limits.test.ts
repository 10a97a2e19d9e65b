import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synth } from './support.ts';

// CloudFormation refuses a template over these quotas at deploy time, long after synthesis
// succeeded: checked here so a capability that outgrows its stack fails in CI, not in `cdk deploy`.
const MAX_RESOURCES = 500;
const MAX_OUTPUTS = 200;
const MAX_PARAMETERS = 200;

interface Template {
  Resources?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
}

describe('CloudFormation quotas', () => {
  it('keep every stack and nested stack of the app under the resource, output and parameter limits', () => {
    const built = synth();
    const dir = built.assembly.directory;
    const templates = readdirSync(dir).filter((f) => f.endsWith('.template.json'));
    // The stateful, stateless and the operations' nested stack at least.
    expect(templates.length).toBeGreaterThanOrEqual(3);
    const sizes = templates.map((file) => {
      const t = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Template;
      return {
        file,
        resources: Object.keys(t.Resources ?? {}).length,
        outputs: Object.keys(t.Outputs ?? {}).length,
        parameters: Object.keys(t.Parameters ?? {}).length,
      };
    });
    for (const size of sizes) {
      expect(size.resources, `${size.file}: resources`).toBeLessThanOrEqual(MAX_RESOURCES);
      expect(size.outputs, `${size.file}: outputs`).toBeLessThanOrEqual(MAX_OUTPUTS);
      expect(size.parameters, `${size.file}: parameters`).toBeLessThanOrEqual(MAX_PARAMETERS);
    }
  });
});
