import type * as VigilUI from './index.ts';
declare global {
    interface Window {
        VigilUI: typeof VigilUI;
        clicks: number;
        calls: string[];
        roots: Map<string, ShadowRoot>;
    }
}
