import { z } from 'zod';

// Messages from key-hook.child.ts to its parent over the fork IPC channel. Keycodes and modifier flags only:
// the child never sees characters and never writes anything anywhere else.

export const hookKeyEventSchema = z.object({
  type: z.literal('key'),
  /** Key-up events are sent only for keys whose release matters (AltGr). */
  down: z.boolean(),
  /** uiohook virtual keycode (on Linux, for the main block, X keycode - 8). */
  code: z.number().int().nonnegative(),
  shift: z.boolean(),
  ctrl: z.boolean(),
  alt: z.boolean(),
  meta: z.boolean(),
});

export const hookMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  hookKeyEventSchema,
  z.object({ type: z.literal('click'), button: z.number().int() }),
]);

export type HookKeyEvent = z.infer<typeof hookKeyEventSchema>;
export type HookMessage = z.infer<typeof hookMessageSchema>;
