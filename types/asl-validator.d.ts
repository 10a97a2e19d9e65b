declare module 'asl-validator' {
  /** asl-validator 4: validates an Amazon States Language definition. */
  export default function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errorsText: (separator?: string) => string };
}
