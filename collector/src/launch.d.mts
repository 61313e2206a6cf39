export declare const COLLECTOR_NODE_FLAGS: readonly string[];
export declare const COLLECTOR_ENV: Readonly<Record<string, string>>;
export declare const NO_FLAGS_ENV: string;
export declare function withCollectorFlags(env?: NodeJS.ProcessEnv): void;
export declare function enableCollectorCompileCache(env?: NodeJS.ProcessEnv): string | undefined;
export declare function launchCollector(): Promise<void>;
