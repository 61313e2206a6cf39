// Wire protocol v1 between agents and the collector (WS /agent/v1). See shared/README.md.
export * from './wordlist.schema.ts';
export * from './primitives.schema.ts';
export * from './envelope.schema.ts';
export * from './policy.schema.ts';
export { TITLE_PATTERN_INPUT_MAX, titlePatternHazard } from './title-pattern-safety.ts';
export * from './agent-messages.schema.ts';
export * from './collector-messages.schema.ts';
export * from './encode.ts';
export * from './decode.ts';
export * from './binary-frame.ts';
export * from './close-codes.ts';
export * from './browser-agent.ts';
export * from './collector-pin.ts';
export { clipUtf8, isStorableText, isWellFormed, sanitizeText, utf8Encode, utf8DecodeStrict } from './text-codec.ts';
export * from './reconnect-policy.ts';
