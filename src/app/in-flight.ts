/**
 * The requests whose handler still runs. A client that goes away closes its connection, so the HTTP
 * server counts it done, but the handler goes on (an order being placed, a payment being settled): a
 * shutdown closes the database only once they are all finished.
 */
interface InFlight {
  /** Wraps a handler's answer: counted until it settles. */
  track<T>(answer: T | Promise<T>): T | Promise<T>;
  /** Resolves true once no handler runs, or false after `timeoutMs` with some still running. */
  idle(timeoutMs: number): Promise<boolean>;
  readonly count: number;
}

export function inFlight(): InFlight {
  let count = 0;
  const waiters = new Set<() => void>();
  const done = () => {
    count--;
    if (count === 0) for (const wake of waiters) wake();
  };
  return {
    track(answer) {
      if (!(answer instanceof Promise)) return answer;
      count++;
      return answer.finally(done);
    },
    idle(timeoutMs) {
      if (count === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(false);
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    get count() {
      return count;
    },
  };
}
