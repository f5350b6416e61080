/**
 * Where rate-limit counters live. With REDIS_URL, in Redis (rate-limit-redis), shared by every
 * instance, so a user's limit is the total over all of them. When Redis cannot be reached the
 * API goes on serving: counts are kept per process meanwhile (express-rate-limit's MemoryStore)
 * and the log says so once; when Redis is back, counting returns to it.
 */
import {
  MemoryStore,
  type ClientRateLimitInfo,
  type IncrementResponse,
  type Options,
  type Store,
} from 'express-rate-limit';
import type { Logger } from 'pino';
import { RedisStore } from 'rate-limit-redis';
import { createClient } from 'redis';

/** A Redis command slower than this counts in memory for that request (Redis may be going away). */
const COMMAND_TIMEOUT_MS = 250;

export interface RateLimitStore {
  store: Store;
  close(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`Redis did not answer within ${ms} ms`));
    }, ms);
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
    });
  });
}

/** Counts in Redis while it answers, in this process's memory while it does not. */
class FailoverStore implements Store {
  readonly localKeys = false;
  private healthy = false;
  private options: Options | undefined;

  constructor(
    private readonly redis: RedisStore,
    private readonly memory: MemoryStore,
    private readonly logger: Logger,
  ) {}

  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
  }

  /** Redis is (again) reachable: load its scripts, then count there. */
  async activate(): Promise<void> {
    if (!this.options) return;
    try {
      await this.redis.init(this.options);
      if (!this.healthy)
        this.logger.info('rate limits are counted in Redis, shared by every instance');
      this.healthy = true;
    } catch (error) {
      this.degrade(error);
    }
  }

  degrade(error: unknown): void {
    if (!this.healthy) return;
    this.healthy = false;
    this.logger.warn(
      { error: error instanceof Error ? error.message : String(error) },
      'Redis is unreachable: rate limits are counted per process until it is back',
    );
  }

  private async either<T>(inRedis: () => Promise<T>, inMemory: () => T | Promise<T>): Promise<T> {
    if (this.healthy) {
      try {
        return await withTimeout(inRedis(), COMMAND_TIMEOUT_MS);
      } catch {
        // The client's own events mark an outage; a slow answer only moves this request.
      }
    }
    return inMemory();
  }

  increment(key: string): Promise<IncrementResponse> {
    return this.either(
      () => this.redis.increment(key),
      () => this.memory.increment(key),
    );
  }

  get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.either(
      () => this.redis.get(key),
      () => this.memory.get(key),
    );
  }

  decrement(key: string): Promise<void> {
    return this.either(
      () => this.redis.decrement(key),
      () => this.memory.decrement(key),
    );
  }

  resetKey(key: string): Promise<void> {
    return this.either(
      () => this.redis.resetKey(key),
      () => this.memory.resetKey(key),
    );
  }

  shutdown(): void {
    this.memory.shutdown();
  }
}

/**
 * The counters' store: Redis (with the fallback above) when `redisUrl` is set, else the
 * process's memory. Never waits for Redis: a server starts even while Redis is down.
 */
export function createRateLimitStore(redisUrl: string | undefined, logger: Logger): RateLimitStore {
  const memory = new MemoryStore();
  if (!redisUrl) return { store: memory, close: () => Promise.resolve() };
  const client = createClient({
    url: redisUrl,
    // Fail a command at once while disconnected instead of queueing it behind a request.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 1_000,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000),
    },
  });
  const redis = new RedisStore({
    prefix: 'todo:rl:',
    sendCommand: (...command: string[]) => client.sendCommand(command),
  });
  const store = new FailoverStore(redis, memory, logger);
  client.on('ready', () => void store.activate());
  client.on('error', (error: unknown) => {
    store.degrade(error);
  });
  client.on('end', () => {
    store.degrade(new Error('connection closed'));
  });
  client.connect().catch((error: unknown) => {
    logger.warn(
      { error: error instanceof Error ? error.message : String(error) },
      'Redis is unreachable at start: rate limits are counted per process until it is there',
    );
  });
  return {
    store,
    close: async () => {
      client.destroy();
      await Promise.resolve();
    },
  };
}
