/**
 * An error the collector expects and can name. `code` is stable (kebab-case, part of
 * the API: clients and tests match on it); `status` is the HTTP status it maps to;
 * `message` is safe to show the caller. Thrown anywhere, it is turned into
 * `{error: {code, message}}` by the one error handler (see error-handler.plugin.ts).
 *
 *   throw new AppError('device-unknown', 401, 'Unknown device');
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, status: number, message: string = code, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: Readonly<Record<string, unknown>> };
}

export function errorBody(code: string, message: string, details?: Readonly<Record<string, unknown>>): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
