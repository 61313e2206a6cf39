import { makeEnvelope } from '@vigil/shared';
import { encodeLiveFrame, type LiveServerMessage } from '@vigil/shared/console';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { AgentFrame, AgentHub, DeviceEvent } from '../agents/agent-hub.contract.ts';
import type { DeviceStateStore } from './device-state.ts';
import type { DeviceTiles, RoomTiles } from './device-tiles.ts';
import { liveCommandFor, ThumbnailDemand, type StreamMode } from './thumbnail-demand.ts';

/** One console socket as the hub sees it (implemented by LiveViewer). */
export interface Viewer {
  /** False once the socket closed (a watch that finishes after that registers nothing). */
  readonly open: boolean;
  /** The page is visible: only visible viewers get frames and create demand. */
  readonly visible: boolean;
  /** The device this viewer enlarged, if any. */
  readonly focusId: string | undefined;
  send(message: LiveServerMessage): void;
  /** A binary thumbnail message; the viewer may drop it (slow reader). */
  sendFrame(frame: Uint8Array): void;
}

export interface LiveHubOptions {
  readonly agentHub: AgentHub;
  readonly tiles: DeviceTiles;
  readonly states: DeviceStateStore;
  readonly log: Logger;
  /** Changes to one device within this window go out as one `device` message (default 50 ms). */
  readonly coalesceMs?: number;
}

const noViewers: ReadonlySet<Viewer> = new Set();

/**
 * The live view's hub: which console sockets watch which room, which devices those rooms
 * hold, how many visible viewers want each device's thumbnails (and so whether its agent
 * streams), and the fan-out of frames and tile changes to the sockets.
 *
 * Single node: it sees the agents connected to THIS collector and the consoles
 * connected to it. With several collectors, a viewer on node A watching a device on node
 * B needs B's frames relayed over NATS (DESIGN.md, "Scale-out") and the `live` command
 * sent to B over LISTEN/NOTIFY; neither is done. Frames are forwarded and never stored.
 */
export class LiveHub {
  readonly #agentHub: AgentHub;
  readonly #tiles: DeviceTiles;
  readonly #states: DeviceStateStore;
  readonly #log: Logger;
  readonly #coalesceMs: number;
  readonly #demand = new ThumbnailDemand();
  readonly #viewersByRoom = new Map<string, Set<Viewer>>();
  readonly #roomOfViewer = new Map<Viewer, string>();
  /** The devices of each watched room (from its last snapshot, kept up to date by changes). */
  readonly #devicesByRoom = new Map<string, Set<string>>();
  readonly #roomOfDevice = new Map<string, string>();
  #dirty = new Set<string>();
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  readonly #unsubscribe: Array<() => void> = [];
  #framesForwarded = 0;

  constructor(options: LiveHubOptions) {
    this.#agentHub = options.agentHub;
    this.#tiles = options.tiles;
    this.#states = options.states;
    this.#log = options.log;
    this.#coalesceMs = options.coalesceMs ?? 50;
  }

  start(): void {
    this.#unsubscribe.push(
      this.#agentHub.onDeviceEvent((event) => this.#onDeviceEvent(event)),
      this.#agentHub.onFrame((frame) => this.#onFrame(frame)),
    );
  }

  /** Stops listening and lets pending tile changes finish (the sockets are closed by the plugin). */
  async stop(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#dirty.clear();
    await this.#flushing;
  }

  /**
   * `viewer` now watches `roomId` (access already checked): sends it `room`, then
   * `device` changes and frames from then on. Undefined when the room does not exist.
   */
  async watch(viewer: Viewer, roomId: string): Promise<RoomTiles | undefined> {
    const snapshot = await this.#tiles.room(roomId);
    if (snapshot === undefined || !viewer.open) return undefined;
    const previous = this.#roomOfViewer.get(viewer);
    this.#leave(viewer);
    let viewers = this.#viewersByRoom.get(roomId);
    if (viewers === undefined) {
      viewers = new Set();
      this.#viewersByRoom.set(roomId, viewers);
    }
    viewers.add(viewer);
    this.#roomOfViewer.set(viewer, roomId);
    this.#setRoomDevices(
      roomId,
      snapshot.devices.map((tile) => tile.id),
    );
    // Sent before any frame or change of this room can reach the viewer (same tick).
    viewer.send({ type: 'room', room: snapshot.room, devices: snapshot.devices });
    if (previous !== undefined && previous !== roomId) this.#reconcile(previous);
    this.#reconcile(roomId);
    return snapshot;
  }

  unwatch(viewer: Viewer): void {
    const room = this.#leave(viewer);
    if (room !== undefined) this.#reconcile(room);
  }

  /** The viewer's visibility or focus changed. */
  viewerChanged(viewer: Viewer): void {
    const room = this.#roomOfViewer.get(viewer);
    if (room !== undefined) this.#reconcile(room);
  }

  roomOf(viewer: Viewer): string | undefined {
    return this.#roomOfViewer.get(viewer);
  }

  /** Devices whose stored state changed (a lock command): watchers get fresh tiles. */
  devicesChanged(deviceIds: Iterable<string>): void {
    for (const id of deviceIds) if (this.#roomOfDevice.has(id)) this.#markDirty(id);
  }

  /** How many visible viewers want this device's thumbnails, and what it was asked for. */
  demandFor(deviceId: string): { viewers: number; focused: number; mode: StreamMode } {
    return { ...this.#demand.demand(deviceId), mode: this.#demand.mode(deviceId) };
  }

  stats(): { viewers: number; watchedRooms: number; streamingDevices: number; framesForwarded: number } {
    return {
      viewers: this.#roomOfViewer.size,
      watchedRooms: this.#viewersByRoom.size,
      streamingDevices: this.#demand.streaming,
      framesForwarded: this.#framesForwarded,
    };
  }

  #leave(viewer: Viewer): string | undefined {
    const room = this.#roomOfViewer.get(viewer);
    if (room === undefined) return undefined;
    this.#roomOfViewer.delete(viewer);
    this.#viewersByRoom.get(room)?.delete(viewer);
    return room;
  }

  #setRoomDevices(roomId: string, deviceIds: readonly string[]): void {
    const next = new Set(deviceIds);
    for (const id of this.#devicesByRoom.get(roomId) ?? []) {
      if (!next.has(id) && this.#roomOfDevice.get(id) === roomId) {
        this.#roomOfDevice.delete(id);
        this.#askFor(id, this.#demand.set(id, { viewers: 0, focused: 0 }));
      }
    }
    for (const id of next) {
      const other = this.#roomOfDevice.get(id);
      if (other !== undefined && other !== roomId) this.#devicesByRoom.get(other)?.delete(id);
      this.#roomOfDevice.set(id, roomId);
    }
    this.#devicesByRoom.set(roomId, next);
  }

  /** Recounts the room's demand and tells agents whose mode changed; forgets rooms nobody watches. */
  #reconcile(roomId: string): void {
    const viewers = this.#viewersByRoom.get(roomId) ?? noViewers;
    const devices = this.#devicesByRoom.get(roomId) ?? new Set<string>();
    let visible = 0;
    const focused = new Map<string, number>();
    for (const viewer of viewers) {
      if (!viewer.visible) continue;
      visible++;
      if (viewer.focusId !== undefined) focused.set(viewer.focusId, (focused.get(viewer.focusId) ?? 0) + 1);
    }
    for (const id of devices) this.#askFor(id, this.#demand.set(id, { viewers: visible, focused: focused.get(id) ?? 0 }));
    if (viewers.size === 0) {
      this.#viewersByRoom.delete(roomId);
      this.#devicesByRoom.delete(roomId);
      for (const id of devices) if (this.#roomOfDevice.get(id) === roomId) this.#roomOfDevice.delete(id);
    }
  }

  #askFor(deviceId: string, mode: StreamMode | undefined): void {
    if (mode === undefined) return;
    // Not connected here: nothing to send now; the `connected` event asks again.
    const sent = this.#agentHub.send(deviceId, makeEnvelope('live', liveCommandFor(mode)));
    this.#log.debug({ deviceId, mode, sent }, 'live thumbnails demand changed');
  }

  #onDeviceEvent(event: DeviceEvent): void {
    const changed = this.#states.apply(event);
    const { deviceId } = event;
    if (event.kind === 'connected') {
      const known = this.#roomOfDevice.get(deviceId);
      if (known !== undefined) {
        // The agent stops streaming when its connection drops: ask again.
        const mode = this.#demand.mode(deviceId);
        if (mode !== 'off') this.#askFor(deviceId, mode);
      } else if (event.roomId !== null && this.#viewersByRoom.has(event.roomId)) {
        // Enrolled into (or moved to) a room someone is watching since its snapshot.
        this.#devicesByRoom.get(event.roomId)?.add(deviceId);
        this.#roomOfDevice.set(deviceId, event.roomId);
        this.#reconcile(event.roomId);
      }
    }
    if ((changed || event.kind === 'connected') && this.#roomOfDevice.has(deviceId)) this.#markDirty(deviceId);
  }

  #onFrame(frame: AgentFrame): void {
    const room = this.#roomOfDevice.get(frame.deviceId);
    if (room === undefined) return;
    if (frame.app !== undefined && frame.title !== undefined && this.#states.applyWindow(frame.deviceId, frame.app, frame.title))
      this.#markDirty(frame.deviceId);
    if (frame.unchanged === true || frame.bytes.length === 0) return;
    let encoded: Uint8Array | undefined;
    for (const viewer of this.#viewersByRoom.get(room) ?? noViewers) {
      if (!viewer.visible) continue;
      // Encoded once for every viewer; `bytes` is a view of the agent's message, copied here.
      encoded ??= encodeLiveFrame(
        { deviceId: frame.deviceId, seq: frame.seq, width: frame.width, height: frame.height, mime: frame.mime, receivedAt: frame.receivedAt },
        frame.bytes,
      );
      viewer.sendFrame(encoded);
    }
    if (encoded !== undefined) this.#framesForwarded++;
  }

  #markDirty(deviceId: string): void {
    this.#dirty.add(deviceId);
    if (this.#flushTimer !== undefined) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      // One flush at a time: an older tile never overtakes a newer one.
      this.#flushing = this.#flushing.then(() => this.#flush());
    }, this.#coalesceMs);
  }

  async #flush(): Promise<void> {
    const ids = [...this.#dirty];
    this.#dirty = new Set();
    if (ids.length === 0) return;
    let tiles;
    try {
      tiles = await this.#tiles.devices(ids);
    } catch (error) {
      this.#log.error({ err: error, devices: ids.length }, 'could not read live tiles; the change reaches viewers with the next one');
      return;
    }
    for (const tile of tiles) {
      const was = this.#roomOfDevice.get(tile.id);
      if (was === undefined) continue; // its room stopped being watched meanwhile
      const targets = new Set(this.#viewersByRoom.get(was) ?? noViewers);
      if (tile.roomId !== was) {
        // Moved to another room: its old watchers see the tile leave (its roomId says so).
        this.#devicesByRoom.get(was)?.delete(tile.id);
        this.#roomOfDevice.delete(tile.id);
        if (tile.roomId !== null && this.#viewersByRoom.has(tile.roomId)) {
          this.#devicesByRoom.get(tile.roomId)?.add(tile.id);
          this.#roomOfDevice.set(tile.id, tile.roomId);
          for (const viewer of this.#viewersByRoom.get(tile.roomId) ?? noViewers) targets.add(viewer);
          this.#reconcile(tile.roomId);
        } else {
          this.#askFor(tile.id, this.#demand.set(tile.id, { viewers: 0, focused: 0 }));
        }
      }
      for (const viewer of targets) viewer.send({ type: 'device', device: tile });
    }
  }
}
