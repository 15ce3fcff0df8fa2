/** Coded errors of the service layer: every refusal carries a code, a message key and its values. */
import type { MessageKey, MessageParams } from '../../i18n/catalogue.js';
import type { InvitationStatus } from './invitation-status.js';

export enum ErrorCode {
  NotAllowed = 'NotAllowed',
  NotFound = 'NotFound',
  InvalidInput = 'InvalidInput',
  Conflict = 'Conflict',
  /** Microsoft (or another system the directory depends on) refused or could not be reached. */
  Unavailable = 'Unavailable',
}

/** Base of every error a surface may show to a user, in the user's language. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly key: MessageKey,
    readonly params: MessageParams = {},
    /** Field-level problems for forms: field name -> message key. */
    readonly fields: Partial<Record<string, MessageKey>> = {},
  ) {
    super(`${code}: ${key}`);
    this.name = code;
  }
}

export class NotAllowed extends ServiceError {
  constructor(key: MessageKey, params?: MessageParams) {
    super(ErrorCode.NotAllowed, key, params);
  }
}
export class NotFound extends ServiceError {
  constructor(key: MessageKey, params?: MessageParams) {
    super(ErrorCode.NotFound, key, params);
  }
}
export class InvalidInput extends ServiceError {
  constructor(key: MessageKey, params?: MessageParams, fields?: Partial<Record<string, MessageKey>>) {
    super(ErrorCode.InvalidInput, key, params, fields);
  }
}
export class Conflict extends ServiceError {
  constructor(key: MessageKey, params?: MessageParams) {
    super(ErrorCode.Conflict, key, params);
  }
}

export class Unavailable extends ServiceError {
  constructor(key: MessageKey, params?: MessageParams) {
    super(ErrorCode.Unavailable, key, params);
  }
}

/** The invitation cannot be used for this any more (or yet): `status` says why, for pages that show it their own way. */
export class InvitationUnusable extends Conflict {
  constructor(readonly status: InvitationStatus) {
    super(`invitation.is.${status}`);
  }
}

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError;
}
