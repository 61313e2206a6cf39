// @vigil/agent: the agent core (talks only to ports) for the headless entry and the Electron shell.
export { createAgent, AgentStartError, type Agent, type AgentPlatform, type CreateAgentOptions } from './core/agent.ts';
export { agentConfigSchema, agentSocketUrl, parseAgentConfig, type AgentConfig, type AgentConfigInput } from './core/agent-config.ts';
export { defaultStateDir } from './core/state-dir.ts';
export { AGENT_VERSION } from './core/version.ts';
export type { KeyboardState, LockView } from './core/detector.service.ts';
export type * from './core/ports.ts';
export {
  IdleLockService,
  type IdleLockOptions,
  type IdleLockPhase,
  type IdleLockState,
  type IdleLockTarget,
  type IdlePolicySource,
} from './core/idle-lock.service.ts';
export { LockService, type LockServiceOptions } from './core/lock.service.ts';
export { TeacherLockStore, TEACHER_LOCK_FILE, type TeacherLock } from './core/teacher-lock.store.ts';
