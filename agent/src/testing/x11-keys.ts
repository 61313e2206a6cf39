import { coreRequest, extRequest, XConnection } from '../platform/node/x11-connection.ts';

const XTEST_FAKE_INPUT = 2;
const KEY_PRESS = 2;
const KEY_RELEASE = 3;

/**
 * Presses and releases X keycodes through the XTEST extension, as a physical keyboard would: unlike
 * `xdotool key`, which picks the keycode and group for a keysym, these keys are read in whatever group and
 * modifier state the server is in. Test use only.
 */
export async function pressKeycodes(env: NodeJS.ProcessEnv, keycodes: readonly number[]): Promise<void> {
  const x = await XConnection.open(env);
  try {
    const xtest = await x.queryExtension('XTEST');
    if (xtest === undefined) throw new Error('the X server has no XTEST extension');
    for (const keycode of keycodes) {
      for (const type of [KEY_PRESS, KEY_RELEASE]) {
        const body = Buffer.alloc(32);
        body.writeUInt8(type, 0);
        body.writeUInt8(keycode, 1);
        x.send(extRequest(xtest.majorOpcode, XTEST_FAKE_INPUT, body));
      }
      await x.sync();
    }
    // A last round trip on the core protocol: every fake event has been processed.
    await x.request('GetInputFocus', coreRequest(43, 0, Buffer.alloc(0)));
  } finally {
    x.close();
  }
}
