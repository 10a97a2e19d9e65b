import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import type { Clock } from '#shared/clock.ts';
import { parseOrThrow } from '#shared/validation.ts';
import { parseInput } from './aws-json-server.ts';
import { AwsServiceError } from './errors.ts';

/**
 * A tiny local Secrets Manager (AWS JSON 1.1): `GetSecretValue`, `PutSecretValue`,
 * `DescribeSecret`, `CreateSecret` and `ListSecrets`, with versions staged `AWSCURRENT` /
 * `AWSPREVIOUS`. State is kept in one JSON file when a path is given, so a rotated value (a new
 * refresh token written by a handler) survives a restart. Local values only, never real credentials.
 */

const versionSchema = z.strictObject({
  versionId: z.string(),
  secretString: z.string(),
  stages: z.array(z.string()),
  createdDate: z.number(),
});
const secretSchema = z.strictObject({
  name: z.string(),
  arn: z.string(),
  description: z.string().optional(),
  createdDate: z.number(),
  lastChangedDate: z.number(),
  versions: z.array(versionSchema),
});
const stateSchema = z.strictObject({ version: z.literal(1), secrets: z.array(secretSchema) });
type StoredSecret = z.infer<typeof secretSchema>;

const secretIdInput = z.object({ SecretId: z.string().min(1) });
const getInput = secretIdInput.extend({
  VersionId: z.string().optional(),
  VersionStage: z.string().optional(),
});
const putInput = secretIdInput.extend({
  SecretString: z.string().optional(),
  ClientRequestToken: z.string().optional(),
});
const createInput = z.object({
  Name: z.string().min(1),
  SecretString: z.string().optional(),
  Description: z.string().optional(),
  ClientRequestToken: z.string().optional(),
});

export interface LocalSecretsManagerOptions {
  clock: Clock;
  region: string;
  accountId: string;
  /** JSON file the state is kept in; absent = memory only. */
  file?: string;
}

export class LocalSecretsManager {
  readonly #options: LocalSecretsManagerOptions;
  readonly #secrets = new Map<string, StoredSecret>();

  constructor(options: LocalSecretsManagerOptions) {
    this.#options = options;
    if (options.file) {
      let raw: string | undefined;
      try {
        raw = readFileSync(options.file, 'utf8');
      } catch {
        raw = undefined;
      }
      if (raw !== undefined) {
        const state = parseOrThrow(stateSchema, JSON.parse(raw), options.file);
        for (const secret of state.secrets) this.#secrets.set(secret.name, secret);
      }
    }
  }

  /** Operations for AwsJsonServer.register('secretsmanager', ...). */
  get operations() {
    return {
      GetSecretValue: (input: unknown) => this.#getSecretValue(parseInput(getInput, input)),
      PutSecretValue: (input: unknown) => this.#putSecretValue(parseInput(putInput, input)),
      DescribeSecret: (input: unknown) =>
        this.#describe(this.#find(parseInput(secretIdInput, input).SecretId)),
      CreateSecret: (input: unknown) => this.#create(parseInput(createInput, input)),
      ListSecrets: () => ({ SecretList: [...this.#secrets.values()].map((s) => this.#describe(s)) }),
    };
  }

  /**
   * Makes sure a secret exists: creates it with `value` when missing, and replaces its current
   * value when `replace` is set and the value differs (a new AWSCURRENT version).
   */
  ensureSecret(name: string, value: string, options: { replace: boolean }): void {
    const existing = this.#secrets.get(name);
    if (!existing) {
      this.#create({ Name: name, SecretString: value });
    } else if (options.replace && this.currentValue(name) !== value) {
      this.#putSecretValue({ SecretId: name, SecretString: value });
    }
  }

  /** The AWSCURRENT value of a secret, or undefined. */
  currentValue(nameOrArn: string): string | undefined {
    const secret = this.#lookup(nameOrArn);
    return secret?.versions.find((v) => v.stages.includes('AWSCURRENT'))?.secretString;
  }

  arnOf(name: string): string | undefined {
    return this.#secrets.get(name)?.arn;
  }

  #now(): number {
    return Math.floor(this.#options.clock.now().getTime() / 1000);
  }

  #lookup(id: string): StoredSecret | undefined {
    const byName = this.#secrets.get(id);
    if (byName) return byName;
    // A full ARN, or a partial one without the random 6-character suffix.
    for (const secret of this.#secrets.values()) {
      if (secret.arn === id || secret.arn.slice(0, -7) === id) return secret;
    }
    return undefined;
  }

  #find(id: string): StoredSecret {
    const secret = this.#lookup(id);
    if (!secret)
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    return secret;
  }

  #getSecretValue(input: z.infer<typeof getInput>) {
    const secret = this.#find(input.SecretId);
    const stage = input.VersionStage ?? (input.VersionId ? undefined : 'AWSCURRENT');
    const version = secret.versions.find(
      (v) => (!input.VersionId || v.versionId === input.VersionId) && (!stage || v.stages.includes(stage)),
    );
    if (!version) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for the version or staging label.",
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.secretString,
      VersionStages: version.stages,
      CreatedDate: version.createdDate,
    };
  }

  #putSecretValue(input: z.infer<typeof putInput>) {
    const secret = this.#find(input.SecretId);
    if (input.SecretString === undefined) {
      throw new AwsServiceError(
        'InvalidParameterException',
        'SecretString is required (SecretBinary is not emulated).',
      );
    }
    const versionId = input.ClientRequestToken ?? randomUUID();
    const existing = secret.versions.find((v) => v.versionId === versionId);
    if (existing) {
      if (existing.secretString !== input.SecretString) {
        throw new AwsServiceError(
          'ResourceExistsException',
          'A version with this ClientRequestToken already exists.',
        );
      }
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: existing.stages };
    }
    const now = this.#now();
    // The old AWSCURRENT becomes AWSPREVIOUS; older versions lose their labels, as on AWS.
    for (const v of secret.versions) {
      v.stages = v.stages.includes('AWSCURRENT')
        ? ['AWSPREVIOUS']
        : v.stages.filter((s) => s !== 'AWSPREVIOUS');
    }
    secret.versions = secret.versions.filter((v) => v.stages.length > 0);
    secret.versions.push({
      versionId,
      secretString: input.SecretString,
      stages: ['AWSCURRENT'],
      createdDate: now,
    });
    secret.lastChangedDate = now;
    this.#save();
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: ['AWSCURRENT'] };
  }

  #create(input: z.infer<typeof createInput>) {
    if (this.#secrets.has(input.Name)) {
      throw new AwsServiceError('ResourceExistsException', `The secret ${input.Name} already exists.`);
    }
    const now = this.#now();
    const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
    const { region, accountId } = this.#options;
    const secret: StoredSecret = {
      name: input.Name,
      arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${input.Name}-${suffix}`,
      ...(input.Description ? { description: input.Description } : {}),
      createdDate: now,
      lastChangedDate: now,
      versions:
        input.SecretString === undefined
          ? []
          : [
              {
                versionId: input.ClientRequestToken ?? randomUUID(),
                secretString: input.SecretString,
                stages: ['AWSCURRENT'],
                createdDate: now,
              },
            ],
    };
    this.#secrets.set(secret.name, secret);
    this.#save();
    return { ARN: secret.arn, Name: secret.name, VersionId: secret.versions[0]?.versionId };
  }

  #describe(secret: StoredSecret) {
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description ? { Description: secret.description } : {}),
      CreatedDate: secret.createdDate,
      LastChangedDate: secret.lastChangedDate,
      VersionIdsToStages: Object.fromEntries(secret.versions.map((v) => [v.versionId, v.stages])),
    };
  }

  #save(): void {
    const file = this.#options.file;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, secrets: [...this.#secrets.values()] }, null, 2)}\n`);
    renameSync(tmp, file);
  }
}
