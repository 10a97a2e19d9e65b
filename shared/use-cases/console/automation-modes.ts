import type { Clock } from '../../clock.ts';
import type { AutomationMode, AutomationModule } from '../../config/runtime.ts';
import type { AuditActor } from '../../domain/audit.ts';
import {
  type EffectiveMode,
  effectiveMode,
  effectiveModes,
  type ModeOverrides,
} from '../../domain/automation-modes.ts';
import { ConflictError } from '../../errors.ts';
import type { AuditTrail } from '../outbox/ports.ts';
import type { ModeOverrideStore } from './ports.ts';

type Configured = Partial<Record<AutomationModule, AutomationMode>>;

/** How long a function trusts the override it read: a switch applies everywhere within this. */
export const MODE_CACHE_MS = 5_000;

/**
 * `modeOf` for the outbox: the configuration's mode unless an admin switched the module in the
 * console. The override item is read at most once per `cacheMs` per container; a failed read is
 * thrown (the dispatch is retried) rather than guessed, since a guess could send for real.
 */
export function makeModeReader(deps: {
  store: ModeOverrideStore;
  configured: Configured;
  clock: Clock;
  cacheMs?: number;
}): (module: AutomationModule) => Promise<AutomationMode> {
  const cacheMs = deps.cacheMs ?? MODE_CACHE_MS;
  let cached: { overrides: ModeOverrides; readAt: number } | undefined;
  return async (module) => {
    const now = deps.clock.now().getTime();
    if (!cached || now - cached.readAt >= cacheMs || now < cached.readAt) {
      cached = { overrides: await deps.store.read(), readAt: now };
    }
    return effectiveMode(module, deps.configured, cached.overrides).mode;
  };
}

/** What the console shows: every module's mode, its source, and the version a switch names. */
export function makeListModes(deps: { store: ModeOverrideStore; configured: Configured }) {
  return async (): Promise<{ version: number; modules: EffectiveMode[]; overrides: ModeOverrides }> => {
    const overrides = await deps.store.read();
    return { version: overrides.version, modules: effectiveModes(deps.configured, overrides), overrides };
  };
}

/**
 * An admin switches one module: one conditional write of the override item on the version the
 * admin saw (a stale version is a {@link ConflictError}: someone switched meanwhile), then the
 * audit event with the admin as actor. Switching to the mode already in force changes nothing.
 */
export function makeSwitchMode(deps: {
  store: ModeOverrideStore;
  configured: Configured;
  clock: Clock;
  audit: AuditTrail;
}) {
  return async (request: {
    module: AutomationModule;
    mode: AutomationMode;
    /** The version the caller saw; absent: whatever is stored now. */
    expectedVersion?: number;
    actor: AuditActor;
    reason?: string;
  }): Promise<{ changed: boolean; version: number; module: EffectiveMode }> => {
    const current = await deps.store.read();
    if (request.expectedVersion !== undefined && request.expectedVersion !== current.version) {
      throw new ConflictError(
        `The modes changed since version ${request.expectedVersion} (now ${current.version}); reload and switch again`,
      );
    }
    const before = effectiveMode(request.module, deps.configured, current);
    if (before.mode === request.mode && before.source === 'console') {
      return { changed: false, version: current.version, module: before };
    }
    const at = deps.clock.now().toISOString();
    const next: ModeOverrides = {
      version: current.version + 1,
      modes: { ...current.modes, [request.module]: request.mode },
      updatedAt: at,
      updatedBy: request.actor,
    };
    if ((await deps.store.write(next, current.version)) === 'conflict') {
      throw new ConflictError('Another switch was saved at the same moment; reload and switch again');
    }
    const after = effectiveMode(request.module, deps.configured, next);
    await deps.audit.record({
      id: `automation.switched:${request.module}:v${next.version}`,
      at,
      actor: request.actor,
      action: 'automation.switched',
      entity: { type: 'AutomationModule', id: request.module },
      reason: request.reason?.trim() || `Switched ${request.module} from ${before.mode} to ${after.mode}`,
      before: { mode: before.mode, source: before.source, version: current.version },
      after: { mode: after.mode, source: after.source, version: next.version },
      module: request.module,
    });
    return { changed: true, version: next.version, module: after };
  };
}
