// TEMP stub: the secrets branch replaces this file with the real detection.

/** Whether the program marked this value secret. */
export function isSecret(value: unknown): boolean {
  void value;
  return false;
}
