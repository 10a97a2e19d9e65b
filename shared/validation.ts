import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Renders a zod issue path the way an operator reads it: `vendors[0].vendorCode`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** The problems zod found, each with the field's path and what was expected. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/**
 * Parses `value` with `schema` or throws a ValidationError whose message names every bad field,
 * e.g. `Invalid acorn.config.json: vendors[0].vendorCode: expected string, received number`.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = describeIssues(result.error);
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new ValidationError(`Invalid ${what}: ${summary}`, issues, { cause: result.error });
}
