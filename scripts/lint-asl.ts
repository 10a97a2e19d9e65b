/**
 * Lints every state machine in state-machines/ with asl-validator (JSONPath, ARNs and paths
 * checked). CDK substitutions (`${Name}`) are replaced by placeholder ARNs first, the way CDK
 * fills them at synth.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';

const dir = join(import.meta.dirname, '..', 'state-machines');
const files = readdirSync(dir).filter((f) => f.endsWith('.asl.json'));
let invalid = 0;
for (const file of files) {
  const text = readFileSync(join(dir, file), 'utf8').replace(
    /\$\{(\w+)\}/g,
    (_m, name: string) => `arn:aws:lambda:us-east-1:111111111111:function:${name}`,
  );
  const result = aslValidator(JSON.parse(text), { checkPaths: true, checkArn: true });
  if (result.isValid) {
    console.log(`ok   ${file}`);
  } else {
    invalid++;
    console.log(`FAIL ${file}: ${result.errorsText('\n     ')}`);
  }
}
console.log(`${files.length} state machine(s) linted, ${invalid} invalid`);
process.exit(invalid ? 1 : 0);
