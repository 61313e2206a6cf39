import { FakeClock } from './clock.fake.ts';
import { FakeIdleSource } from './idle-source.fake.ts';
import { FakeKeySource } from './key-source.fake.ts';
import { FakeNotifier } from './notifier.fake.ts';
import { FakeScreenCapture } from './screen-capture.fake.ts';
import { FakeScreenLocker } from './screen-locker.fake.ts';
import { FakeWindowSource } from './window-source.fake.ts';

export { FakeClock, FakeIdleSource, FakeKeySource, FakeNotifier, FakeScreenCapture, FakeScreenLocker, FakeWindowSource };
export type { LockerCall } from './screen-locker.fake.ts';

/** One fake for every port, sharing one FakeClock (the idle source follows it). */
export function createFakePlatform() {
  const clock = new FakeClock();
  return {
    clock,
    windows: new FakeWindowSource(),
    keys: new FakeKeySource(),
    capture: new FakeScreenCapture(),
    idle: new FakeIdleSource(clock),
    locker: new FakeScreenLocker(),
    notifier: new FakeNotifier(),
  };
}

export type FakePlatform = ReturnType<typeof createFakePlatform>;
