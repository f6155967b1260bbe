/**
 * The client address reaches the limits only where it identifies the user: in local mode (no Bot
 * Framework auth), as a pseudonym. Behind Azure Bot Service every request comes from Microsoft's
 * connector, so there none is used (one address for everyone would put all users under one limit).
 */
import { clientIdentifier } from '../../src/index';
import { loadConfig } from '../../src/config';
import { AbuseLimits } from '../../src/limits';
import { createLogger } from '../../src/logging';
import { MemorySharedStore } from '../../src/storage/memoryShared';

function limits(secret: string): AbuseLimits {
  return new AbuseLimits({
    store: new MemorySharedStore({ sweepIntervalMs: 0 }),
    secret,
    clock: () => new Date(),
    logger: createLogger({ level: 'silent' }),
  });
}

describe('clientIdentifier', () => {
  it('names clients by a pseudonym of their address in local mode, the same on every instance', () => {
    const config = loadConfig({ PRIVACY_SECRET: 'client-secret-0123456789' });
    const a = clientIdentifier(config, limits('client-secret-0123456789'));
    const b = clientIdentifier(config, limits('client-secret-0123456789'));
    expect(a).toBeDefined();
    const ref = a?.('203.0.113.9') ?? '';
    expect(ref).toMatch(/^[0-9a-f]{16}$/);
    expect(ref).not.toContain('203');
    expect(b?.('203.0.113.9')).toBe(ref);
    expect(a?.('203.0.113.10')).not.toBe(ref);
  });

  it('uses no client address behind Bot Framework auth', () => {
    const config = loadConfig({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'not-a-real-password',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: '00000000-0000-0000-0000-000000000002',
    });
    expect(clientIdentifier(config, limits('x'.repeat(32)))).toBeUndefined();
  });

  it('uses none when switched off for a load test, and is on by default', () => {
    expect(loadConfig({}).LIMIT_CLIENT_ADDRESS).toBe(true);
    const config = loadConfig({ PRIVACY_SECRET: 'client-secret-0123456789', LIMIT_CLIENT_ADDRESS: 'false' });
    expect(clientIdentifier(config, limits('client-secret-0123456789'))).toBeUndefined();
  });
});
