// Types for agent-bundle.mjs (plain JavaScript, which the TypeScript project does not check).
export declare const SOURCE_SCRIPT: string;
export declare const BUILD_SCRIPT: string;
export declare const BUNDLE_DIR: string;
export declare const FROM_SOURCE_ENV: string;
export declare function bundleIsFresh(dir?: string): boolean;
export type BundleLog = (level: 'info' | 'warn', fields: Record<string, unknown>, msg: string) => void;
export declare function agentScript(opts: { env?: NodeJS.ProcessEnv; log: BundleLog }): string;
