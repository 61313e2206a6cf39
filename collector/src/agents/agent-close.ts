import { clipUtf8, closeCodes, MAX_CLOSE_REASON_BYTES, type CloseCodeName, type CloseFrame } from '@vigil/shared';

/**
 * A close frame whose reason starts with a stable kebab-case code, like the decoder's
 * (`not-json: …`), so agents and tests match on the code, never on prose:
 *
 *   agentClose('unauthenticated', 'enrol-token-invalid')  → 4401 "enrol-token-invalid"
 *   agentClose('malformed', 'out-of-order', 'alert before hello') → 4400 "out-of-order: alert before hello"
 */
export function agentClose(name: CloseCodeName, code: string, detail?: string): CloseFrame {
  const reason = detail === undefined || detail === '' ? code : `${code}: ${detail}`;
  return { code: closeCodes[name], reason: clipUtf8(reason, MAX_CLOSE_REASON_BYTES) };
}
