import type { Server } from 'node:http';

/**
 * Stops accepting connections and lets in-flight requests finish: idle keep-alive connections
 * are closed at once and as they become idle; after `timeoutMs` whatever is left is cut.
 * Resolves true when everything finished in time.
 */
export function drain(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let timedOut = false;
    const sweep = setInterval(() => {
      server.closeIdleConnections();
    }, 50);
    const deadline = setTimeout(() => {
      timedOut = true;
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(!timedOut);
    });
    server.closeIdleConnections();
  });
}
