import { TurnContext, TestAdapter, type Activity } from 'botbuilder';
import { Registry } from 'prom-client';
import { Metrics, bearerMatches, noFunnelMetrics } from '../../../src/metrics';
import { StateConflictError } from '../../../src/storage/errors';
import { OutgoingCallError } from '../../../src/http/outgoing';
import { StoreUnavailableError } from '../../../src/storage/shared';

function context(channelId: string): TurnContext {
  return new TurnContext(new TestAdapter(), { type: 'message', channelId } as Partial<Activity> as Activity);
}

describe('Metrics', () => {
  it('maps limit names, handoff outcomes and error kinds onto fixed lists', async () => {
    const metrics = new Metrics({ registry: new Registry(), limitNames: ['codes-per-phone'] });
    metrics.limitHit('codes-per-phone');
    metrics.limitHit('+4741234567');
    metrics.limitHit('lookups-per-phone'); // not in the list given
    metrics.handoff('accepted');
    metrics.turnError(context('msteams'), new StateConflictError());
    metrics.turnError(context('msteams'), new StoreUnavailableError(new Error('down')));
    metrics.turnError(context('12345678901'), new Error('Person 14838510036 not found'));
    metrics.turnError(context('sms'), 'not an error');
    metrics.turnError(context('webchat'), new OutgoingCallError('channel', 'timeout'));
    const { body, contentType } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toContain('minid_limit_hits_total{limit="codes-per-phone"} 1');
    expect(body).toContain('minid_limit_hits_total{limit="other"} 2');
    expect(body).toContain('minid_handoffs_total{outcome="accepted"} 1');
    expect(body).toContain('minid_turn_errors_total{channel="msteams",kind="StateConflictError"} 1');
    expect(body).toContain('minid_turn_errors_total{channel="msteams",kind="StoreUnavailableError"} 1');
    expect(body).toContain('minid_turn_errors_total{channel="other",kind="other"} 1');
    expect(body).toContain('minid_turn_errors_total{channel="sms",kind="other"} 1');
    expect(body).toContain('minid_turn_errors_total{channel="webchat",kind="OutgoingCallError"} 1');
    expect(body).not.toMatch(/4741234567|14838510036|12345678901|lookups-per-phone/);
  });

  it('keeps its series in the registry it is given, not in prom-client’s global one', async () => {
    const a = new Metrics({ registry: new Registry() });
    const b = new Metrics({ registry: new Registry() });
    a.limitHit('codes-per-phone');
    expect(await a.registry.getSingleMetricAsString('minid_limit_hits_total')).toContain(
      'limit="codes-per-phone"} 1',
    );
    expect(await b.registry.getSingleMetricAsString('minid_limit_hits_total')).toContain(
      'limit="codes-per-phone"} 0',
    );
    const { register } = await import('prom-client');
    expect(register.getSingleMetric('minid_limit_hits_total')).toBeUndefined();
    expect(() => noFunnelMetrics.funnel(context('test'), 'started')).not.toThrow();
  });

  it('accepts only "Bearer <token>" with exactly the token', () => {
    const token = 't'.repeat(40);
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer   ${token}`, token)).toBe(true);
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(bearerMatches(token, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token} extra`, token)).toBe(false);
    expect(bearerMatches(`Bearer ${token}t`, token)).toBe(false);
    expect(bearerMatches('Bearer ', '')).toBe(false);
    expect(bearerMatches('Bearer x', '')).toBe(false);
  });
});
