/** Why the collector cannot serve TLS; `message` names the variable or file to fix. */
export type TlsErrorCode = 'tls-file-unreadable' | 'tls-key-invalid' | 'tls-cert-invalid' | 'tls-key-mismatch' | 'tls-store-failed';

export class TlsSetupError extends Error {
  readonly code: TlsErrorCode;
  constructor(code: TlsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlsSetupError';
    this.code = code;
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
