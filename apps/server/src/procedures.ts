/**
 * What both API surfaces hand their tRPC adapter: the procedures' context, made from the
 * request's state (its verified user and REST condition headers), and the log line of a
 * procedure that failed on the server's side.
 */
import type { IncomingMessage } from 'node:http';

import {
  createContextFactory,
  type ChangeStreams,
  type Context,
  type TaskService,
} from '@todo/api';
import type { Logger } from 'pino';

import { logSafeError } from './log-safe-error.js';
import { requestIdOf, stateOf } from './request-state.js';

export interface Procedures {
  contextOf(req: IncomingMessage): Context;
  onProcedureError(error: { code: string; cause?: unknown }, req: IncomingMessage): void;
}

export function procedures(deps: {
  tasks: TaskService;
  streams: ChangeStreams;
  logger: Logger;
}): Procedures {
  const createContext = createContextFactory({ tasks: deps.tasks, streams: deps.streams });
  return {
    contextOf(req) {
      const { auth, conditions } = stateOf(req);
      return createContext({ user: auth.kind === 'valid' ? auth.user : null, conditions });
    },
    onProcedureError(error, req) {
      if (error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'SERVICE_UNAVAILABLE') {
        deps.logger.error(
          { requestId: requestIdOf(req), code: error.code, error: logSafeError(error.cause) },
          'procedure failed',
        );
      }
    },
  };
}
