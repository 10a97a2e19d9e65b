import * as z from 'zod';
import {
  type AutomationMode,
  type AutomationModule,
  automationModeSchema,
  automationModuleSchema,
} from '../config/runtime.ts';
import { auditActorSchema } from './audit.ts';

/**
 * Automation modes switched at run time. The configuration sets each module's mode at deploy time;
 * an admin's switch in the console is stored as one override item (one conditional write per
 * switch, guarded by its version) that wins over the configuration until switched again.
 */

export const modeOverridesSchema = z.strictObject({
  /** Bumped by every switch; a switch names the version it read. 0 = never switched. */
  version: z.number().int().min(0),
  modes: z.partialRecord(automationModuleSchema, automationModeSchema),
  updatedAt: z.iso.datetime().optional(),
  updatedBy: auditActorSchema.optional(),
});
export type ModeOverrides = z.infer<typeof modeOverridesSchema>;

export const NO_OVERRIDES: ModeOverrides = { version: 0, modes: {} };

/** A module's mode now and where it comes from. */
export interface EffectiveMode {
  readonly module: AutomationModule;
  readonly mode: AutomationMode;
  readonly source: 'console' | 'configuration' | 'default';
  readonly configured: AutomationMode;
}

/** The mode of a module: the console's switch, else the configuration, else `simulate`. */
export function effectiveMode(
  module: AutomationModule,
  configured: Partial<Record<AutomationModule, AutomationMode>>,
  overrides: ModeOverrides,
): EffectiveMode {
  const fromConfig = configured[module];
  const override = overrides.modes[module];
  return {
    module,
    mode: override ?? fromConfig ?? 'simulate',
    source: override ? 'console' : fromConfig ? 'configuration' : 'default',
    configured: fromConfig ?? 'simulate',
  };
}

/** Every module's effective mode, in the schema's order. */
export function effectiveModes(
  configured: Partial<Record<AutomationModule, AutomationMode>>,
  overrides: ModeOverrides,
): EffectiveMode[] {
  return automationModuleSchema.options.map((m) => effectiveMode(m, configured, overrides));
}
