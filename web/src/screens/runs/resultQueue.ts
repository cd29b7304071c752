// Nothing a technician enters may be lost to shaky Wi-Fi: every entry is written to this
// device first (localStorage, per run) and sent from there, retried with backoff until the
// server has it. The entry's result_id is made once, so a retry the server already stored
// changes nothing. Refusals (4xx) are kept and shown instead of being retried forever.
import { useEffect, useSyncExternalStore } from 'react';
import { ApiError, proceduresApi, unwrap } from '../../api/client';
import type { ResultView } from '../../api/types';
import { toResultInput, type Entry } from './runSteps';

export interface QueuedEntry extends Entry {
  stepId: string;
  resultId: string;
  /** The server's refusal, kept as plain data so it survives a reload. */
  refused?: { status: number; code?: string; detail?: string };
}

export interface QueueState {
  /** Where the technician is: a step index, or the number of steps for the sign-off. */
  position: number;
  entries: QueuedEntry[];
  /** The entry on its way to the server right now. */
  sending: string | null;
  /** When the next attempt is due after a failure (ms since epoch). */
  retryAt: number | null;
}

const EMPTY: QueueState = { position: 0, entries: [], sending: null, retryAt: null };
const MAX_DELAY_MS = 30_000;

function storageKey(runId: string) {
  return `gamme.run.${runId}`;
}

function load(runId: string): QueueState {
  try {
    const raw = localStorage.getItem(storageKey(runId));
    if (!raw) return EMPTY;
    const saved = JSON.parse(raw) as Pick<QueueState, 'position' | 'entries'>;
    return { ...EMPTY, position: saved.position, entries: saved.entries };
  } catch {
    return EMPTY;
  }
}

export function refusal(entry: QueuedEntry): ApiError | null {
  return entry.refused ? new ApiError(entry.refused.status, entry.refused) : null;
}

type SavedListener = (result: ResultView, drained: boolean) => void;

class RunQueue {
  private state: QueueState;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private running = false;
  private onSaved: SavedListener | null = null;

  constructor(private readonly runId: string) {
    this.state = load(runId);
    window.addEventListener('online', this.resume);
  }

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = () => this.state;

  private set(next: Partial<QueueState>) {
    this.state = { ...this.state, ...next };
    try {
      const { position, entries } = this.state;
      if (entries.length === 0 && position === 0) localStorage.removeItem(storageKey(this.runId));
      else localStorage.setItem(storageKey(this.runId), JSON.stringify({ position, entries }));
    } catch {
      // Storage full or disabled: the entry still goes out from memory while the page lives.
    }
    for (const listener of this.listeners) listener();
  }

  /** One screen at a time hears of saved entries; returns how to stop listening. */
  listen(listener: SavedListener) {
    this.onSaved = listener;
    return () => {
      if (this.onSaved === listener) this.onSaved = null;
    };
  }

  setPosition(position: number) {
    this.set({ position });
  }

  /** Queues a step's entry, replacing anything still waiting for that step, and sends it. */
  record(stepId: string, entry: Entry) {
    const queued: QueuedEntry = { ...entry, stepId, resultId: crypto.randomUUID() };
    this.set({ entries: [...this.state.entries.filter((e) => e.stepId !== stepId), queued] });
    void this.flush();
  }

  /** Sends what is waiting, in order; stops at the first failure that may pass later. */
  readonly flush = async () => {
    if (this.running) return;
    this.running = true;
    clearTimeout(this.timer);
    this.set({ retryAt: null });
    try {
      for (;;) {
        const next = this.state.entries.find((e) => !e.refused);
        if (!next) break;
        this.set({ sending: next.resultId });
        try {
          const result = await unwrap(
            proceduresApi.PUT('/api/runs/{id}/steps/{step_id}', {
              params: { path: { id: this.runId, step_id: next.stepId } },
              body: toResultInput(next.resultId, next),
            }),
          );
          this.failures = 0;
          const entries = this.state.entries.filter((e) => e.resultId !== next.resultId);
          this.set({ entries, sending: null });
          this.onSaved?.(result, entries.length === 0);
        } catch (error) {
          this.set({ sending: null });
          if (isRefusal(error)) {
            this.set({
              entries: this.state.entries.map((e) =>
                e.resultId === next.resultId
                  ? { ...e, refused: { status: error.status, code: error.code, detail: error.detail } }
                  : e,
              ),
            });
            continue;
          }
          this.retryLater();
          break;
        }
      }
    } finally {
      this.running = false;
    }
  };

  private readonly resume = () => void this.flush();

  private retryLater() {
    // 1 s, 2 s, 4 s… up to 30 s, with jitter so a room of tablets does not retry in step.
    const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** this.failures) * (0.75 + Math.random() / 2);
    this.failures += 1;
    this.set({ retryAt: Date.now() + delay });
    this.timer = setTimeout(this.resume, delay);
  }

  stop() {
    clearTimeout(this.timer);
    window.removeEventListener('online', this.resume);
  }
}

/** A refusal will not change on its own; offline, 5xx, 401, 408 and 429 may. */
function isRefusal(error: unknown): error is ApiError {
  return (
    error instanceof ApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    ![401, 408, 429].includes(error.status)
  );
}

// One queue per run for the page's lifetime: it keeps sending after the technician leaves the
// run, and a remount (or StrictMode) cannot send twice.
const queues = new Map<string, RunQueue>();

function queueFor(runId: string): RunQueue {
  let queue = queues.get(runId);
  if (!queue) {
    queue = new RunQueue(runId);
    queues.set(runId, queue);
  }
  return queue;
}

/**
 * The run's queue and its state. Opening a run sends what a previous visit left waiting; the
 * queue tries again on its own and as soon as the device is back online. `onSaved` hears of
 * each entry the server stored while the run is on screen.
 */
export function useResultQueue(runId: string, onSaved: SavedListener) {
  const queue = queueFor(runId);
  const state = useSyncExternalStore(queue.subscribe, queue.getSnapshot);

  useEffect(() => queue.listen(onSaved), [queue, onSaved]);

  useEffect(() => {
    void queue.flush();
  }, [queue]);

  return {
    state,
    record: (stepId: string, entry: Entry) => {
      queue.record(stepId, entry);
    },
    setPosition: (position: number) => {
      queue.setPosition(position);
    },
    retryNow: queue.flush,
  };
}

/** A completed run has nothing left to send: forget its local copy. */
export function forgetRun(runId: string) {
  queues.get(runId)?.stop();
  queues.delete(runId);
  try {
    localStorage.removeItem(storageKey(runId));
  } catch {
    // Nothing stored, or storage disabled.
  }
}
