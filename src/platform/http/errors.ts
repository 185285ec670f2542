/** Errors a service throws; the app turns each into the right page or status. */

export class NotFoundError extends Error {
  readonly status = 404;
  constructor(message = 'Page not found') {
    super(message);
  }
}

/** Refused by policy. A refusal of one child's data is the door's RefusedAccess (platform/access), which names the child. */
export class ForbiddenError extends Error {
  readonly status = 403;
  constructor(message: string) {
    super(message);
  }
}

/**
 * A change the data's state refuses. `latestVersion` says it was refused
 * because someone else saved first (the version the person saw is stale),
 * and what the version is now, so the form can be sent again (typed-again.ts).
 */
export class ConflictError extends Error {
  readonly status = 409;
  constructor(message: string, readonly latestVersion?: number) {
    super(message);
  }
}

export type FieldErrors = Record<string, string>;

/** Input that failed validation: one message per field, keyed by the field's name. */
export class ValidationError extends Error {
  readonly status = 400;
  constructor(readonly fields: FieldErrors) {
    super('Invalid input');
  }
}
