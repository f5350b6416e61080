/** The request's state is made once, first, and reading it before that is a loud bug. */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';

import { describe, expect, it } from 'vitest';

import { beginRequest, requestIdOf, stateOf } from '../src/request-state.js';

describe('when a step reads the request state', () => {
  it('then before the request path began it, it throws instead of reading "no token"', () => {
    const req = new IncomingMessage(new Socket());

    expect(() => stateOf(req)).toThrow(/before the request path began it/);
    expect(requestIdOf(req)).toBe('unknown');
  });

  it('then after it began, every step sees the same state', () => {
    const req = new IncomingMessage(new Socket());
    const state = beginRequest(req, 'req-1', '/api/alice/tasks', 'rest');
    state.auth = { kind: 'invalid' };

    expect(stateOf(req)).toBe(state);
    expect(stateOf(req).auth).toEqual({ kind: 'invalid' });
    expect(requestIdOf(req)).toBe('req-1');
  });
});
