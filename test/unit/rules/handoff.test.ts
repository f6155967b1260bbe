import {
  HANDOFF_POLICY,
  handoffAction,
  nextFallbackCount,
  outcomeNeedsPerson,
  type OrderOutcome,
} from '../../../src/rules';

describe('handoff rules', () => {
  it('an explicit ask queues; a guessed ask is only offered', () => {
    expect(handoffAction({ kind: 'asked', explicit: true })).toEqual({ action: 'queue', reason: 'asked' });
    expect(handoffAction({ kind: 'asked', explicit: false })).toEqual({ action: 'offer', reason: 'asked' });
  });

  it('offers after three failed tries at a prompt, not before', () => {
    expect(HANDOFF_POLICY.failedTries).toBe(3);
    expect(handoffAction({ kind: 'failed-tries', tries: 2 })).toEqual({ action: 'none' });
    expect(handoffAction({ kind: 'failed-tries', tries: 3 })).toEqual({
      action: 'offer',
      reason: 'failed-tries',
    });
    expect(handoffAction({ kind: 'failed-tries', tries: 4 }).action).toBe('offer');
  });

  it('offers on the outcomes only a person can sort out', () => {
    const all: OrderOutcome[] = ['can-order', 'too-young', 'has-minid', 'active-order', 'no-address'];
    expect(all.filter(outcomeNeedsPerson)).toEqual(['active-order', 'no-address']);
    expect(handoffAction({ kind: 'outcome', outcome: 'no-address' })).toEqual({
      action: 'offer',
      reason: 'rule',
    });
    expect(handoffAction({ kind: 'outcome', outcome: 'can-order' })).toEqual({ action: 'none' });
    expect(handoffAction({ kind: 'outcome', outcome: 'too-young' })).toEqual({ action: 'none' });
  });

  it('no SMS: the first time the resend help, after a resend (or with no resend left) a person', () => {
    expect(handoffAction({ kind: 'no-sms', resends: 0, resendsLeft: true })).toEqual({ action: 'none' });
    expect(handoffAction({ kind: 'no-sms', resends: 1, resendsLeft: true }).action).toBe('offer');
    expect(handoffAction({ kind: 'no-sms', resends: 0, resendsLeft: false }).action).toBe('offer');
  });

  it('two fallbacks in a row offer a person; one does not', () => {
    expect(handoffAction({ kind: 'fallbacks', inARow: 1 })).toEqual({ action: 'none' });
    expect(handoffAction({ kind: 'fallbacks', inARow: 2 })).toEqual({
      action: 'offer',
      reason: 'not-understood',
    });
  });

  it('counts fallbacks in a row: understood resets, garbage in the count never breaks it', () => {
    expect(nextFallbackCount(undefined, false)).toBe(1);
    expect(nextFallbackCount(1, false)).toBe(2);
    expect(nextFallbackCount(5, true)).toBe(0);
    expect(nextFallbackCount(-3, false)).toBe(1);
  });
});
