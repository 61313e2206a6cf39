import { z } from 'zod';

// What the enrolment page needs to show real install lines: the collector's public address
// (PUBLIC_URL, never the browser's), the address agents connect to, and which agent packages
// the collector serves from its downloads folder (GET /downloads/:file).

/** The kinds of agent package the collector can serve, by file extension. */
export const agentPackageKinds = ['deb', 'msi', 'exe', 'pkg'] as const;

export const agentPackageSchema = z.object({
  /** The file name under /downloads/. */
  file: z.string(),
  kind: z.enum(agentPackageKinds),
  /** From the file name (`vigil-agent_0.1.0_amd64.deb`, `vigil-agent-0.1.0.msi`), when it carries one. */
  version: z.string().nullable(),
  bytes: z.number().int().nonnegative(),
});

/**
 * GET /api/agent-install. `publicUrl`: PUBLIC_URL, or null when the collector was started
 * without it (the page then says so). `agentUrl`: the agents' address derived from it
 * (wss://host:TLS_PORT with TLS on), or null without PUBLIC_URL.
 */
export const agentInstallResponseSchema = z.object({
  publicUrl: z.string().nullable(),
  agentUrl: z.string().nullable(),
  packages: z.array(agentPackageSchema),
});

export type AgentPackage = z.infer<typeof agentPackageSchema>;
export type AgentInstallResponse = z.infer<typeof agentInstallResponseSchema>;
