/** The exhaustive-switch guard: adding a variant to a union without handling it fails the type check. */
export function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
