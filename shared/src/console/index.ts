export * from './console-api.schema.ts';
export * from './live-frame.ts';
export * from './sso.schema.ts';
export * from './security-settings.schema.ts';
