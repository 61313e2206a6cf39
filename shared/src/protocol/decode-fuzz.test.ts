import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { agentMessageArb, collectorMessageArb, epochArb, ulidArb } from './message.arbitraries.ts';
import { agentMessageTypes } from './agent-messages.schema.ts';
import { collectorMessageTypes } from './collector-messages.schema.ts';
import { decodeAgentMessage, decodeCollectorMessage } from './decode.ts';
import type { DecodeErrorCode, DecodeResult } from './decode.ts';
import { decodeBinary, encodeBinary } from './binary-frame.ts';
import type { BinaryMessage } from './binary-frame.ts';
import { encode } from './encode.ts';
import { utf8Encode } from './text-codec.ts';

// Hostile input must come back as a result with a known code, never as an exception.

const stableCodes = new Set<DecodeErrorCode>(['too-large', 'bad-utf8', 'not-json', 'bad-envelope', 'bad-version', 'unknown-type', 'bad-payload', 'bad-binary']);
const runs = { numRuns: 2000 };

function isWellBehaved(result: DecodeResult<unknown>): boolean {
  return result.ok ? result.value !== undefined : stableCodes.has(result.code) && typeof result.detail === 'string';
}

function decodersAccept(input: string | Uint8Array): void {
  expect(isWellBehaved(decodeAgentMessage(input))).toBe(true);
  expect(isWellBehaved(decodeCollectorMessage(input))).toBe(true);
  expect(isWellBehaved(decodeAgentMessage(input, { maxBytes: 64 }))).toBe(true);
}

/** Any UTF-16 code unit, so lone surrogates and NUL appear often. */
const anyUnitString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) });

const anyType = fc.oneof(fc.constantFrom(...agentMessageTypes, ...collectorMessageTypes), fc.string());

/** Envelope-shaped values with arbitrary payloads: they reach the payload schemas. */
const envelopeLike = fc.record(
  {
    v: fc.oneof(fc.constant(1), fc.jsonValue()),
    id: fc.oneof(ulidArb, fc.string()),
    type: anyType,
    sentAt: fc.oneof(epochArb, fc.jsonValue()),
    payload: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

type Json = ReturnType<typeof JSON.parse>;

/** Replaces one value somewhere inside `root` (chosen by `pick`) with `replacement`. */
function replaceSomewhere(root: Json, pick: number, replacement: Json): Json {
  const containers: Json[] = [];
  const walk = (node: Json) => {
    if (node !== null && typeof node === 'object') {
      containers.push(node);
      for (const child of Object.values(node)) walk(child);
    }
  };
  walk(root);
  const target = containers[pick % containers.length];
  const keys = Object.keys(target);
  if (keys.length > 0) target[keys[pick % keys.length] as string] = replacement;
  return root;
}

describe('decoders never throw', () => {
  it('on arbitrary strings, lone surrogates included', () => {
    fc.assert(fc.property(anyUnitString, decodersAccept), runs);
  });

  it('on arbitrary full-Unicode strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), decodersAccept), runs);
  });

  it('on arbitrary byte arrays', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), decodersAccept), runs);
  });

  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => decodersAccept(JSON.stringify(value) ?? 'null')),
      runs,
    );
  });

  it('on envelope-shaped objects with arbitrary payloads', () => {
    fc.assert(
      fc.property(envelopeLike, (value) => decodersAccept(JSON.stringify(value))),
      runs,
    );
  });

  it('on valid messages with one value replaced by arbitrary JSON', () => {
    const mutated = fc
      .tuple(fc.oneof(agentMessageArb, collectorMessageArb), fc.nat(), fc.jsonValue())
      .map(([message, pick, replacement]) => JSON.stringify(replaceSomewhere(JSON.parse(encode(message)), pick, replacement)));
    fc.assert(fc.property(mutated, decodersAccept), runs);
  });

  it('on arbitrary binary frames, with random, plausible and valid headers', () => {
    const imageMessage = agentMessageArb.filter((m): m is BinaryMessage => m.type === 'frame' || m.type === 'screenshot');
    const frames = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc.tuple(fc.jsonValue(), fc.uint8Array({ maxLength: 64 })).map(([header, bytes]) => {
        const headerBytes = utf8Encode(JSON.stringify(header) ?? 'null');
        const out = new Uint8Array(4 + headerBytes.byteLength + bytes.byteLength);
        new DataView(out.buffer).setUint32(0, headerBytes.byteLength, false);
        out.set(headerBytes, 4);
        out.set(bytes, 4 + headerBytes.byteLength);
        return out;
      }),
      fc.tuple(imageMessage, fc.uint8Array({ maxLength: 64 }), fc.nat()).map(([message, bytes, cut]) => {
        const full = encodeBinary(message, bytes);
        return full.subarray(0, cut % (full.byteLength + 1));
      }),
    );
    fc.assert(
      fc.property(frames, (buf) => {
        expect(isWellBehaved(decodeBinary(buf))).toBe(true);
      }),
      runs,
    );
  });
});
