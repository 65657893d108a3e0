import type { ErrorCode } from '../../shared/contract'

/** An error meant for the user: it crosses the contract as `{code, message, details}`. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'AppError'
  }
}
