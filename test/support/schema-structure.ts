/**
 * Structural comparison of one of our zod schemas with a definition of an official model:
 * property names, required properties, enum values, types, formats, patterns and maximum lengths,
 * recursively (following the model's `$ref`s). Drift in either direction shows up as a difference.
 */
import * as z from 'zod';
import type { JsonSchema, OfficialModels, VendorModelName } from '#local/amazon-sandbox/official-models.ts';

/** A required-ness on purpose different from the model, e.g. `vendorOrders#TransactionId.transactionId`. */
export interface IntentionalDeviation {
  readonly at: string;
  readonly reason: string;
}

const asSchema = (value: unknown): JsonSchema =>
  value && typeof value === 'object' ? (value as JsonSchema) : {};
const keys = (value: unknown) => Object.keys(asSchema(value)).sort();
const strings = (value: unknown) => (Array.isArray(value) ? value.map(String).sort() : []);
const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Lists the differences between `ours` and `model`'s `definition`. Required-ness listed in
 * `deviations` is allowed to differ; every deviation used is added to `used`.
 */
export function structuralDifferences(
  models: OfficialModels,
  model: VendorModelName,
  definition: string,
  ours: z.ZodType,
  deviations: readonly IntentionalDeviation[] = [],
  used: Set<string> = new Set(),
): string[] {
  const differences: string[] = [];
  const mine = asSchema(z.toJSONSchema(ours, { io: 'input', unrepresentable: 'any' }));

  const walk = (theirsIn: JsonSchema, mineNode: JsonSchema, path: string, context: string, depth: number) => {
    if (depth > 40) {
      differences.push(`${path}: nesting too deep (cycle?)`);
      return;
    }
    let theirs = theirsIn;
    let owner = context;
    while (typeof theirs.$ref === 'string') {
      const resolved = models.resolve(theirs.$ref);
      theirs = resolved.schema;
      owner = `${resolved.model}#${resolved.name}`;
    }
    const theirType = theirs.type ?? (theirs.properties ? 'object' : undefined);
    if (theirType !== undefined && theirType !== mineNode.type) {
      differences.push(`${path}: model type ${String(theirType)}, ours ${String(mineNode.type)}`);
      return;
    }
    if (theirs.enum !== undefined && !same(strings(theirs.enum), strings(mineNode.enum))) {
      differences.push(`${path}: model enum [${strings(theirs.enum)}], ours [${strings(mineNode.enum)}]`);
    }
    if (theirs.format === 'date-time' && mineNode.format !== 'date-time') {
      differences.push(`${path}: model format date-time, ours ${String(mineNode.format)}`);
    }
    if (theirs.pattern !== undefined && theirs.pattern !== mineNode.pattern) {
      differences.push(`${path}: model pattern ${String(theirs.pattern)}, ours ${String(mineNode.pattern)}`);
    }
    if (theirs.maxLength !== undefined && theirs.maxLength !== mineNode.maxLength) {
      differences.push(
        `${path}: model maxLength ${String(theirs.maxLength)}, ours ${String(mineNode.maxLength)}`,
      );
    }
    if (theirType === 'object') {
      const theirProps = keys(theirs.properties);
      const myProps = keys(mineNode.properties);
      if (!same(theirProps, myProps)) {
        differences.push(`${path}: model properties [${theirProps}], ours [${myProps}]`);
      }
      const theirRequired = new Set(strings(theirs.required));
      const myRequired = new Set(strings(mineNode.required));
      for (const property of new Set([...theirRequired, ...myRequired])) {
        if (theirRequired.has(property) === myRequired.has(property)) continue;
        const at = `${owner}.${property}`;
        if (deviations.some((d) => d.at === at)) {
          used.add(at);
          continue;
        }
        differences.push(
          `${path}.${property}: required in ${theirRequired.has(property) ? 'the model' : 'ours'} only (${at})`,
        );
      }
      for (const property of theirProps.filter((p) => myProps.includes(p))) {
        walk(
          asSchema(asSchema(theirs.properties)[property]),
          asSchema(asSchema(mineNode.properties)[property]),
          `${path}.${property}`,
          owner,
          depth + 1,
        );
      }
    }
    if (theirType === 'array')
      walk(asSchema(theirs.items), asSchema(mineNode.items), `${path}[]`, owner, depth + 1);
  };

  walk(models.definition(model, definition), mine, definition, `${model}#${definition}`, 0);
  return differences;
}
