// The agent's on-disk outbox and its delivery loop. See README.md.
export { Outbox } from './outbox.ts';
export { OutboxSender, PermanentSendError } from './outbox-sender.ts';
export type { OutboxSenderOptions, OutboxSenderState, SenderOutbox } from './outbox-sender.ts';
export { DEFAULT_BACKOFF, backoffCeiling, backoffDelay } from './backoff.ts';
export type { BackoffPolicy } from './backoff.ts';
export { OUTBOX_KINDS, OutboxError, diskErrorCode, isUlid } from './outbox-types.ts';
export type {
  EnqueueResult,
  OutboxErrorCode,
  OutboxInput,
  OutboxDegraded,
  OutboxKind,
  OutboxLogger,
  OutboxOptions,
  OutboxRecord,
  OutboxStats,
} from './outbox-types.ts';
