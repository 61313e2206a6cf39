// Who made a change, as every service that audits takes it.

export interface Actor {
  /** A console user's id; null for the CLI and the system itself. */
  readonly userId: string | null;
  /** The name shown in the audit log (and on a lock screen); kept even if the user goes. */
  readonly label: string;
}

export const cliActor: Actor = Object.freeze({ userId: null, label: 'cli' });

export const systemActor: Actor = Object.freeze({ userId: null, label: 'system' });

/** The audit-log columns for an actor. */
export function auditActor(actor: Actor): { actorUserId: string | null; actorLabel: string } {
  return { actorUserId: actor.userId, actorLabel: actor.label };
}
