/** The CPU ratio the targets are judged by: pairs of side-by-side windows, else medians. */
import { describe, expect, it } from 'vitest';

import { cpuRatio, medianOf, type Measurement } from '../measure.js';

const window = (cpuPerRequestUs: number): Measurement => ({
  workload: 'get',
  surface: 'rest',
  rps: 1000,
  p50: 10,
  p99: 20,
  errors: 0,
  requests: 10_000,
  statementsPerRequest: 1,
  cpuPerRequestUs,
});

describe('cpuRatio', () => {
  it('when both rows ran in the same rounds, then it is the median of the per-round ratios', () => {
    // Round by round the server costs 1.2x, 1.33x and (a slow spell on the stack's window) 0.34x.
    const server = medianOf([120, 400, 130].map(window));
    const stack = medianOf([100, 300, 380].map(window));

    expect(cpuRatio(server, stack)).toBeCloseTo(1.2, 5);
    // The medians alone would mix rounds: 130 / 300.
    expect(server.cpuPerRequestUs / stack.cpuPerRequestUs).toBeCloseTo(130 / 300, 5);
  });

  it('when a row is a single window, then it is the ratio of the two windows', () => {
    expect(cpuRatio(window(260), window(200))).toBeCloseTo(1.3, 5);
  });

  it('when the rows have different numbers of repetitions, then it is the ratio of their medians', () => {
    const server = medianOf([150, 160, 170].map(window));
    const stack = medianOf([100, 100].map(window));

    expect(cpuRatio(server, stack)).toBeCloseTo(1.6, 5);
  });
});
