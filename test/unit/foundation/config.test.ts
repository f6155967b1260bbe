import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, configSchema, loadConfig, renderEnvExample } from '../../../src/config';

/** Loads and returns the ConfigError, failing the test when the config was accepted. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`configuration was accepted: ${JSON.stringify(env)}`);
}

const KEYS = Object.keys(configSchema.shape);

describe('loadConfig defaults (the embedded sandbox)', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3978,
      DEFAULT_LOCALE: 'nb',
      LOG_LEVEL: 'info',
      MINID_BACKEND: 'sandbox',
      ACCEPT_SYNTHETIC_IDS: true,
      SANDBOX_ENDPOINTS: true,
      IDLE_TIMEOUT_MINUTES: 30,
      PRIVACY_SECRET: '',
      MicrosoftAppId: '',
      MicrosoftAppPassword: '',
      MicrosoftAppType: '',
      MicrosoftAppTenantId: '',
    });
    expect(config.FIXED_NOW).toBeUndefined();
    expect(Object.keys(config).sort()).toEqual([...KEYS].sort());
  });

  it('treats an empty string as not set and ignores unrelated variables', () => {
    const empty = Object.fromEntries(KEYS.map((k) => [k, '']));
    expect(loadConfig({ ...empty, PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'test' })).toEqual(
      loadConfig({}),
    );
  });

  it('reads process.env when no environment is given', () => {
    const saved = process.env.PORT;
    process.env.PORT = '4321';
    try {
      expect(loadConfig().PORT).toBe(4321);
    } finally {
      if (saved === undefined) delete process.env.PORT;
      else process.env.PORT = saved;
    }
  });
});

describe('loadConfig parses good values', () => {
  it.each([
    [{ PORT: '0' }, { PORT: 0 }],
    [{ PORT: ' 8080 ' }, { PORT: 8080 }],
    [{ PORT: '65535' }, { PORT: 65535 }],
    [{ DEFAULT_LOCALE: 'nn' }, { DEFAULT_LOCALE: 'nn' }],
    [{ DEFAULT_LOCALE: 'en' }, { DEFAULT_LOCALE: 'en' }],
    [{ LOG_LEVEL: 'silent' }, { LOG_LEVEL: 'silent' }],
    [{ FIXED_NOW: '2026-11-24T12:00:00+01:00' }, { FIXED_NOW: '2026-11-24T12:00:00+01:00' }],
    [{ FIXED_NOW: '2026-11-24T11:00:00Z' }, { FIXED_NOW: '2026-11-24T11:00:00Z' }],
    [{ ACCEPT_SYNTHETIC_IDS: 'false' }, { ACCEPT_SYNTHETIC_IDS: false }],
    [{ ACCEPT_SYNTHETIC_IDS: 'true' }, { ACCEPT_SYNTHETIC_IDS: true }],
    [{ SANDBOX_ENDPOINTS: 'false' }, { SANDBOX_ENDPOINTS: false }],
    [{ SANDBOX_ENDPOINTS: '0' }, { SANDBOX_ENDPOINTS: false }],
    [{ SANDBOX_ENDPOINTS: 'no' }, { SANDBOX_ENDPOINTS: false }],
    [{ SANDBOX_ENDPOINTS: 'yes' }, { SANDBOX_ENDPOINTS: true }],
    [{ IDLE_TIMEOUT_MINUTES: '1' }, { IDLE_TIMEOUT_MINUTES: 1 }],
    [{ IDLE_TIMEOUT_MINUTES: '1440' }, { IDLE_TIMEOUT_MINUTES: 1440 }],
    [{ PRIVACY_SECRET: '0123456789abcdef' }, { PRIVACY_SECRET: '0123456789abcdef' }],
    [
      { MicrosoftAppId: 'app-id', MicrosoftAppType: 'MultiTenant', MicrosoftAppPassword: 'pw' },
      { MicrosoftAppId: 'app-id', MicrosoftAppType: 'MultiTenant', MicrosoftAppPassword: 'pw' },
    ],
  ] as Array<[Record<string, string>, Record<string, unknown>]>)('%j', (env, expected) => {
    expect(loadConfig(env)).toMatchObject(expected);
  });
});

describe('loadConfig rejects bad values with a ConfigError naming the key', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '39.78'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_LEVEL', 'INFO'],
    ['DEFAULT_LOCALE', 'no'],
    ['DEFAULT_LOCALE', 'de'],
    ['MINID_BACKEND', 'production'],
    ['FIXED_NOW', 'yesterday'],
    ['FIXED_NOW', '2026-11-24'],
    ['FIXED_NOW', '2026-11-24T12:00:00'],
    ['FIXED_NOW', '2026-13-45T12:00:00Z'],
    ['ACCEPT_SYNTHETIC_IDS', 'maybe'],
    ['IDLE_TIMEOUT_MINUTES', '0'],
    ['IDLE_TIMEOUT_MINUTES', '1441'],
    ['IDLE_TIMEOUT_MINUTES', 'ten'],
    ['PRIVACY_SECRET', 'too-short'],
    ['SANDBOX_ENDPOINTS', 'sometimes'],
    ['MicrosoftAppType', 'Anonymous'],
  ])('%s=%p', (key, value) => {
    const err = configError({ [key]: value });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConfigError');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0].startsWith(`${key}: `)).toBe(true);
    expect(err.message).toContain(key);
    // No other variable is blamed.
    for (const other of KEYS.filter((k) => k !== key && !k.startsWith(key) && !key.startsWith(k))) {
      expect(err.message).not.toMatch(new RegExp(`\\b${other}\\b`));
    }
  });

  it('names every bad key at once', () => {
    const err = configError({ PORT: 'x', LOG_LEVEL: 'loud', FIXED_NOW: 'yesterday', DEFAULT_LOCALE: 'de' });
    expect(err.issues.map((i) => i.split(':')[0]).sort()).toEqual(
      ['DEFAULT_LOCALE', 'FIXED_NOW', 'LOG_LEVEL', 'PORT'].sort(),
    );
  });

  it('requires MicrosoftAppType when MicrosoftAppId is set', () => {
    const err = configError({ MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'pw-secret-value' });
    expect(err.issues).toEqual([expect.stringMatching(/^MicrosoftAppType: /)]);
    expect(err.message).not.toContain('pw-secret-value');
  });

  it('shows a bad ordinary value, so an operator sees what was read', () => {
    expect(configError({ PORT: 'abc' }).message).toContain('"abc"');
  });

  it.each([
    [{ PRIVACY_SECRET: 'short-secret' }, 'short-secret'],
    [{ PRIVACY_SECRET: 'tiny', PORT: 'abc' }, 'tiny'],
    [
      { MicrosoftAppPassword: 'hunter2-password', MicrosoftAppId: 'id', MicrosoftAppType: 'Wrong' },
      'hunter2-password',
    ],
  ] as Array<[Record<string, string>, string]>)('never echoes a secret: %j', (env, secret) => {
    const err = configError(env);
    expect(err.message).not.toContain(secret);
    expect(err.issues.join('\n')).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
    expect(String(err.stack)).not.toContain(secret);
  });
});

describe('.env.example', () => {
  const committed = readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8');

  it('is exactly what renderEnvExample() renders (run `npm run env:example` after changing the schema)', () => {
    expect(committed).toBe(renderEnvExample());
  });

  it('lists every key once, each with a one-line doc, and its values load as the defaults', () => {
    const lines = committed.split('\n');
    const assignments = lines.filter((l) => /^[A-Za-z_]+=/.test(l));
    const keys = assignments.map((l) => l.split('=')[0]);
    expect(keys).toEqual(KEYS);
    for (const key of KEYS) {
      const i = lines.findIndex((l) => l.startsWith(`${key}=`));
      expect(lines[i - 1]).toMatch(/^# \S.{9,}$/);
    }
    const env = Object.fromEntries(
      assignments.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });
});
