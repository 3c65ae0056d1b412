import type { Server } from "node:http";

/**
 * Stops accepting connections and resolves once every request in flight has been answered (idle
 * keep-alive connections are closed as they go quiet); after `timeoutMs` the rest are cut.
 * Returns whether everything finished in time.
 */
export function closeServer(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const cut = setTimeout(() => {
      server.closeAllConnections();
      finish(false);
    }, timeoutMs);
    let settled = false;
    function finish(inTime: boolean) {
      if (settled) return;
      settled = true;
      clearInterval(sweep);
      clearTimeout(cut);
      resolve(inTime);
    }
    server.close(() => finish(true));
    server.closeIdleConnections();
  });
}
