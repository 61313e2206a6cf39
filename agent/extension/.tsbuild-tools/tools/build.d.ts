export declare const EXTENSION_DIR: string;
export declare const DIST_DIR: string;
export interface ExtensionBuild {
    dir: string;
    zip: string;
    version: string;
}
export declare function buildExtension(outDir?: string): Promise<ExtensionBuild>;
