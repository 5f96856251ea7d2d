// Asks each of many hosts something, again every few seconds: at most `concurrency` requests at once, each given
// up after `timeoutMs`. A request still unanswered after `slowMs` (a live agent answers in milliseconds) gives its
// slot to the next host, so even a page of hung hosts listed first delays the others by `slowMs` at most;
// `maxInFlight` bounds them all. A host still answering is not asked again (no pile-up); one that failed last time
// waits behind the others. The sidebar's host checks and the fleet's summaries both poll through it.

/** A host to ask, and what its request depends on (its token): a new key asks it again at once. */
export interface PollTarget {
  address: string;
  key: string;
}

export type PollOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown } | { ok: false; timedOut: true };

export interface BoundedPollerOptions<R> {
  /** The request; `signal` aborts at the timeout or when the host is forgotten. */
  request(address: string, signal: AbortSignal): Promise<R>;
  /** A request for the host started. */
  onStart?(address: string): void;
  /** Its request settled (or timed out): not called for a host forgotten, or re-keyed, meanwhile. */
  onSettle(address: string, outcome: PollOutcome<R>): void;
  /** Whether the host failed last time: it is asked after the others. */
  failing?(address: string): boolean;
  /** Requests answering at once, at most. */
  concurrency?: number;
  /** After this long a request no longer holds a slot (it still counts against maxInFlight). */
  slowMs?: number;
  /** Requests in flight at most, slow ones included. */
  maxInFlight?: number;
  timeoutMs?: number;
  refreshMs?: number;
}

export const pollDefaults = { concurrency: 10, slowMs: 1000, maxInFlight: 32, timeoutMs: 4000, refreshMs: 5000 } as const;

export class BoundedPoller<R> {
  readonly #options: Required<Omit<BoundedPollerOptions<R>, 'onStart' | 'failing'>> & Pick<BoundedPollerOptions<R>, 'onStart' | 'failing'>;
  #targets = new Map<string, string>();
  #queue: string[] = [];
  readonly #inFlight = new Map<string, AbortController>();
  /** Requests in flight for longer than slowMs: they hold no slot. */
  readonly #slow = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: BoundedPollerOptions<R>) {
    this.#options = { ...pollDefaults, ...options };
  }

  /**
   * The hosts to ask: a new host (or one with a new key) is asked at once; a host no longer listed is forgotten.
   * Returns the addresses forgotten.
   */
  setTargets(targets: readonly PollTarget[]): string[] {
    const next = new Map(targets.map((target) => [target.address, target.key]));
    const forgotten: string[] = [];
    for (const [address, key] of this.#targets) {
      if (next.get(address) === key) continue;
      this.#inFlight.get(address)?.abort();
      this.#inFlight.delete(address);
      this.#slow.delete(address);
      this.#queue = this.#queue.filter((queued) => queued !== address);
      if (!next.has(address)) forgotten.push(address);
    }
    const added = [...next.keys()].filter((address) => this.#targets.get(address) !== next.get(address));
    this.#targets = next;
    this.ask(added);
    return forgotten;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.ask([...this.#targets.keys()]);
    this.#timer = setInterval(() => this.ask([...this.#targets.keys()]), this.#options.refreshMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const controller of this.#inFlight.values()) controller.abort();
    this.#inFlight.clear();
    this.#slow.clear();
    this.#queue = [];
  }

  /** Queues hosts not already queued or in flight; those whose last request failed go after the others. */
  ask(addresses: readonly string[]): void {
    const fresh = addresses.filter((address) => this.#targets.has(address) && !this.#inFlight.has(address) && !this.#queue.includes(address));
    const failing = (address: string) => this.#options.failing?.(address) ?? false;
    this.#queue.push(...fresh.filter((address) => !failing(address)), ...fresh.filter(failing));
    this.#pump();
  }

  #pump(): void {
    const { concurrency, maxInFlight } = this.#options;
    while (this.#inFlight.size - this.#slow.size < concurrency && this.#inFlight.size < maxInFlight) {
      const address = this.#queue.shift();
      if (address === undefined) return;
      if (this.#targets.has(address)) this.#request(address);
    }
  }

  #request(address: string): void {
    const controller = new AbortController();
    this.#inFlight.set(address, controller);
    this.#options.onStart?.(address);
    const timer = setTimeout(() => controller.abort(), this.#options.timeoutMs);
    const slowTimer = setTimeout(() => {
      if (this.#inFlight.get(address) !== controller) return;
      this.#slow.add(address);
      this.#pump();
    }, this.#options.slowMs);
    // The slot is given back at the timeout even if the request never settles.
    const timedOut = new Promise<PollOutcome<R>>((resolve) =>
      controller.signal.addEventListener('abort', () => resolve({ ok: false, timedOut: true }), { once: true }),
    );
    const answered = this.#options.request(address, controller.signal).then(
      (value): PollOutcome<R> => ({ ok: true, value }),
      (error: unknown): PollOutcome<R> => ({ ok: false, error }),
    );
    void Promise.race([answered, timedOut]).then((outcome) => {
      clearTimeout(timer);
      clearTimeout(slowTimer);
      // Forgotten, or asked again with another key, meanwhile: this answer is not the host's any more.
      if (this.#inFlight.get(address) !== controller) return;
      this.#inFlight.delete(address);
      this.#slow.delete(address);
      this.#options.onSettle(address, outcome);
      this.#pump();
    });
  }
}
