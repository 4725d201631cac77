/**
 * Error-to-text for messages shown to the user, shared by the worker, the stores and the UI
 * (any layer may import this file; it imports nothing).
 */

/** The message of anything thrown or rejected: an Error's message (its name if empty), else text. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
