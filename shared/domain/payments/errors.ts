import { ValidationError } from '../../errors.ts';

/** A file in the remittance inbox that is not a remittance export Acorn can read: nothing is imported. */
export class UnknownRemittanceLayoutError extends ValidationError {}

/** A remittance file whose inbox key does not say whose and which marketplace's it is. */
export class RemittanceKeyError extends ValidationError {}
