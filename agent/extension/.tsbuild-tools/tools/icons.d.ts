export declare const ICON_SIZES: readonly [16, 32, 48, 128];
export declare function renderIcon(size: number): Promise<Buffer>;
