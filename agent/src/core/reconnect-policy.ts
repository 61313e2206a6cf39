import { judgeClose as judge, reconnectDelay, type ReconnectSettings, type RefusalReason } from '@vigil/shared/protocol';

export { backoffAttempt } from '@vigil/shared/protocol';
export { reconnectDelay, type ReconnectSettings };

export type CloseVerdict = { kind: 'retry'; delayMs: number } | { kind: 'refused'; delayMs: number; why: string };

function why(reason: RefusalReason, enrolling: boolean): string {
  switch (reason) {
    case 'credentials':
      return enrolling
        ? 'the collector refused the enrolment token (expired, used up, revoked or mistyped): ask IT for a new one'
        : "the collector refused this device's stored credentials (device retired or re-enrolled?): delete device.json and restart with a new --enrol-token";
    case 'forbidden':
      return 'the collector does not allow this device to connect';
    case 'version':
      return "the collector does not speak this agent's protocol version: update the agent";
  }
}

/** The shared reading of a close (shared/src/protocol/reconnect-policy.ts), with what to tell the operator. */
export function judgeClose(
  code: number,
  reason: string,
  enrolling: boolean,
  attempt: number,
  settings: ReconnectSettings,
  random?: () => number,
): CloseVerdict {
  const verdict = judge(code, reason, attempt, settings, random);
  return verdict.kind === 'retry' ? verdict : { kind: 'refused', delayMs: verdict.delayMs, why: why(verdict.reason, enrolling) };
}
