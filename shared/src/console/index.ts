export * from './console-api.schema.ts';
export * from './live-frame.ts';
