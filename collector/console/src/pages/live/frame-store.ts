import type { LiveFrameHeader } from '@vigil/shared/console';

// The newest picture of each device as an object URL. Frames arrive up to 30 a second
// for a room; keeping them out of React state means only the tile whose picture changed
// re-renders (useSyncExternalStore on that device). Each new picture revokes the URL of
// the one before, so memory stays at one image per device.

export interface Frame {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  readonly seq: number;
  readonly receivedAt: number;
}

export interface ObjectUrls {
  create(blob: Blob): string;
  revoke(url: string): void;
}

const browserUrls: ObjectUrls = { create: (blob) => URL.createObjectURL(blob), revoke: (url) => URL.revokeObjectURL(url) };

export class FrameStore {
  readonly #urls: ObjectUrls;
  readonly #frames = new Map<string, Frame>();
  readonly #listeners = new Map<string, Set<() => void>>();

  constructor(urls: ObjectUrls = browserUrls) {
    this.#urls = urls;
  }

  put(header: LiveFrameHeader, bytes: Uint8Array): void {
    // slice(): a Blob wants bytes of its own, not a view into the socket's buffer.
    const url = this.#urls.create(new Blob([bytes.slice()], { type: header.mime }));
    const previous = this.#frames.get(header.deviceId);
    this.#frames.set(header.deviceId, { url, width: header.width, height: header.height, seq: header.seq, receivedAt: header.receivedAt });
    if (previous !== undefined) this.#urls.revoke(previous.url);
    this.#notify(header.deviceId);
  }

  get(deviceId: string): Frame | undefined {
    return this.#frames.get(deviceId);
  }

  /** For useSyncExternalStore: called when this device's picture changes. */
  subscribe(deviceId: string, listener: () => void): () => void {
    let set = this.#listeners.get(deviceId);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(deviceId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(deviceId);
    };
  }

  /** A device left the room: drop its picture. */
  forget(deviceId: string): void {
    const frame = this.#frames.get(deviceId);
    if (frame === undefined) return;
    this.#frames.delete(deviceId);
    this.#urls.revoke(frame.url);
    this.#notify(deviceId);
  }

  /** Keeps only these devices' pictures (the others left the room). */
  retain(deviceIds: ReadonlySet<string>): void {
    for (const id of [...this.#frames.keys()]) if (!deviceIds.has(id)) this.forget(id);
  }

  /** The page closes: every URL goes. */
  clear(): void {
    for (const id of [...this.#frames.keys()]) this.forget(id);
  }

  get size(): number {
    return this.#frames.size;
  }

  #notify(deviceId: string): void {
    for (const listener of this.#listeners.get(deviceId) ?? []) listener();
  }
}
