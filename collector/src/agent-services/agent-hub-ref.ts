import type { AgentHub } from '../agents/agent-hub.contract.ts';

/**
 * How services reach the connected agents: looked up when a push happens, because the
 * CLI uses the same services with no hub at all (its changes reach agents through the
 * control channel and the collector's own services).
 */
export type AgentHubRef = () => AgentHub | undefined;

export const noAgentHub: AgentHubRef = () => undefined;

/** Those of `deviceIds` connected to this node, without duplicates. */
export function connectedAmong(hub: AgentHub, deviceIds: Iterable<string>): string[] {
  const connected = new Set(hub.connectedDeviceIds());
  return [...new Set(deviceIds)].filter((id) => connected.has(id));
}
