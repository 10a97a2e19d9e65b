/**
 * Amazon's official SP-API Swagger 2.0 models, loaded at run time from a directory (the repo's
 * sibling `../shared/specs/sp-api`) and turned into JSON Schema for ajv. Used by the sandbox to
 * validate request bodies a second time, and by the tests to cross-check our zod schemas.
 *
 * Nothing of the models is copied into the project: the files are read where they are.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import * as z from 'zod';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module namespace.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The vendor retail-procurement models the sandbox serves. */
export const VENDOR_MODEL_FILES = {
  vendorOrders: 'vendorOrders.json',
  vendorInvoices: 'vendorInvoices.json',
  vendorShipments: 'vendorShipments.json',
  vendorTransactionStatus: 'vendorTransactionStatus.json',
  vendorDirectFulfillmentInventory: 'vendorDirectFulfillmentInventoryV1.json',
  // Invoice payment statuses (getInvoiceHeaders), which the sandbox also serves.
  financesInvoices: 'financesInvoices_2026-06-25.json',
} as const;

/** Name of one of the vendor models. */
export type VendorModelName = keyof typeof VENDOR_MODEL_FILES;

/** A JSON Schema node (loosely typed: the models are data, not code). */
export type JsonSchema = { [key: string]: unknown };

/** One problem found by ajv, with the JSON pointer of the offending value. */
export interface ModelIssue {
  readonly path: string;
  readonly message: string;
}

/** Thrown when the models directory or a model file is missing. */
export class OfficialModelsMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OfficialModelsMissingError';
  }
}

const swaggerSchema = z.looseObject({
  swagger: z.literal('2.0'),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  definitions: z.record(z.string(), z.record(z.string(), z.unknown())),
});

const operationSchema = z.looseObject({
  operationId: z.string(),
  parameters: z
    .array(
      z.looseObject({ in: z.string().optional(), schema: z.looseObject({ $ref: z.string() }).optional() }),
    )
    .optional(),
  responses: z.record(z.string(), z.looseObject({ schema: z.looseObject({ $ref: z.string() }).optional() })),
});

// The models state the Decimal pattern only in prose ("**Pattern** : `...`"); read it from there so
// the converted schema enforces what the model documents.
const PROSE_PATTERN = /\*\*Pattern\*\*\s*:\s*`([^`]+)`/;

/**
 * Converts a Swagger 2.0 schema node to JSON Schema (draft-07, which ajv uses by default):
 * `#/definitions/X` refs are made absolute to `modelId`, vendor extensions and examples are
 * dropped, and a pattern documented in a description becomes a real `pattern`.
 */
export function swaggerNodeToJsonSchema(node: unknown, modelId: string): unknown {
  if (Array.isArray(node)) return node.map((n) => swaggerNodeToJsonSchema(n, modelId));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || key === 'example' || key === 'examples') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) {
      out.$ref = `${modelId}${value}`;
    } else if (key === 'properties' && value && typeof value === 'object') {
      // Property names are data, not keywords: convert each property schema but keep every name.
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, schema]) => [name, swaggerNodeToJsonSchema(schema, modelId)]),
      );
    } else {
      out[key] = swaggerNodeToJsonSchema(value, modelId);
    }
  }
  if (out.type === 'string' && out.pattern === undefined && typeof out.description === 'string') {
    const documented = PROSE_PATTERN.exec(out.description)?.[1];
    if (documented) out.pattern = documented;
  }
  return out;
}

/** The vendor models, converted and compiled, ready to validate payloads. */
export class OfficialModels {
  readonly #ajv: Ajv;
  readonly #documents = new Map<VendorModelName, { id: string; swagger: z.infer<typeof swaggerSchema> }>();
  readonly #validators = new Map<string, ValidateFunction>();

  private constructor() {
    this.#ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.#ajv);
  }

  /**
   * Loads the models from `dir`. Throws OfficialModelsMissingError naming the path when the
   * directory or a file is absent, so a missing checkout fails loudly instead of skipping checks.
   */
  static load(
    dir: string,
    names: readonly VendorModelName[] = Object.keys(VENDOR_MODEL_FILES) as VendorModelName[],
  ): OfficialModels {
    if (!existsSync(dir)) {
      throw new OfficialModelsMissingError(
        `Amazon's official SP-API models were not found at ${dir}. They live in ../shared/specs/sp-api next to the project.`,
      );
    }
    const models = new OfficialModels();
    for (const name of names) {
      const file = join(dir, VENDOR_MODEL_FILES[name]);
      if (!existsSync(file)) throw new OfficialModelsMissingError(`Official model ${file} is missing.`);
      const swagger = swaggerSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      const id = `https://acorn.invalid/sp-api/${name}.json`;
      const definitions = swaggerNodeToJsonSchema(swagger.definitions, id);
      models.#ajv.addSchema({ $id: id, definitions });
      models.#documents.set(name, { id, swagger });
    }
    return models;
  }

  /** Names of the definitions of a model. */
  definitionNames(model: VendorModelName): string[] {
    return Object.keys(this.#document(model).swagger.definitions);
  }

  /** A definition converted to JSON Schema (its refs point into the same model). */
  definition(model: VendorModelName, name: string): JsonSchema {
    const { id, swagger } = this.#document(model);
    const raw = swagger.definitions[name];
    if (!raw) throw new Error(`Model ${model} has no definition ${name}`);
    return swaggerNodeToJsonSchema(raw, id) as JsonSchema;
  }

  /** Resolves a `$ref` produced by this class to its converted definition. */
  resolve(ref: string): { model: VendorModelName; name: string; schema: JsonSchema } {
    for (const [model, { id }] of this.#documents) {
      const prefix = `${id}#/definitions/`;
      if (ref.startsWith(prefix)) {
        const name = ref.slice(prefix.length);
        return { model, name, schema: this.definition(model, name) };
      }
    }
    throw new Error(`Unknown reference ${ref}`);
  }

  /** Validates `value` against a definition of a model. */
  validate(model: VendorModelName, definition: string, value: unknown): ModelIssue[] {
    const { id } = this.#document(model);
    const ref = `${id}#/definitions/${definition}`;
    let validator = this.#validators.get(ref);
    if (!validator) {
      const compiled = this.#ajv.getSchema(ref);
      if (!compiled) throw new Error(`Model ${model} has no definition ${definition}`);
      validator = compiled;
      this.#validators.set(ref, validator);
    }
    return validator(value) ? [] : (validator.errors ?? []).map(toIssue);
  }

  /**
   * Validates a request body against the body parameter of `operationId` (looked up in the
   * loaded models). Returns undefined when no loaded model has that operation or it takes no body.
   */
  validateRequestBody(operationId: string, body: unknown): ModelIssue[] | undefined {
    const found = this.#operation(operationId);
    const ref = found?.operation.parameters?.find((p) => p.in === 'body')?.schema?.$ref;
    if (!found || !ref) return undefined;
    return this.validate(found.model, ref.replace('#/definitions/', ''), body);
  }

  /** Validates a response body against the schema the model declares for `status`. */
  validateResponse(operationId: string, status: number, body: unknown): ModelIssue[] | undefined {
    const found = this.#operation(operationId);
    const ref = found?.operation.responses[String(status)]?.schema?.$ref;
    if (!found || !ref) return undefined;
    return this.validate(found.model, ref.replace('#/definitions/', ''), body);
  }

  #operation(operationId: string) {
    for (const [model, { swagger }] of this.#documents) {
      for (const methods of Object.values(swagger.paths)) {
        for (const candidate of Object.values(methods)) {
          const parsed = operationSchema.safeParse(candidate);
          if (parsed.success && parsed.data.operationId === operationId)
            return { model, operation: parsed.data };
        }
      }
    }
    return undefined;
  }

  #document(model: VendorModelName) {
    const document = this.#documents.get(model);
    if (!document) throw new Error(`Official model ${model} is not loaded`);
    return document;
  }
}

function toIssue(error: ErrorObject): ModelIssue {
  const path = error.instancePath || '(root)';
  const detail =
    error.keyword === 'enum'
      ? `${error.message}: ${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)}`
      : (error.message ?? error.keyword);
  return { path, message: detail };
}
