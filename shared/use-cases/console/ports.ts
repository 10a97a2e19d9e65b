import type { ModeOverrides } from '../../domain/automation-modes.ts';

/** The automation-mode override item (adapter: shared/aws/dynamodb-automation-modes.ts). */
export interface ModeOverrideStore {
  read(): Promise<ModeOverrides>;
  /** One conditional write: only if the stored version is still `expectedVersion` (0: none stored). */
  write(next: ModeOverrides, expectedVersion: number): Promise<'written' | 'conflict'>;
}
