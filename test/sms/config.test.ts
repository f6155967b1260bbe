/** The SMS keys of the configuration: defaults, and the combinations refused at start-up. */
import { ConfigError, loadConfig } from '../../src/config';
import { buildSmsGateway } from '../../src/index';
import { SandboxSmsGateway } from '../../src/sms/sandbox';
import { TwilioSmsGateway } from '../../src/sms/twilio';
import { MemorySharedStore } from '../../src/storage/memoryShared';

const TWILIO = {
  SMS_GATEWAY: 'twilio',
  TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
  TWILIO_AUTH_TOKEN: 'a-twilio-auth-token-0123456789',
  TWILIO_FROM: '+4759000000',
  PUBLIC_BASE_URL: 'https://bot.example.no',
};

function issues(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

describe('SMS configuration', () => {
  it('defaults to the sandbox gateway, no webhook, the real Twilio API base', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      SMS_GATEWAY: 'sandbox',
      TWILIO_AUTH_TOKEN: '',
      TWILIO_API_BASE: 'https://api.twilio.com',
      PUBLIC_BASE_URL: '',
    });
  });

  it('keeps the sandbox gateway with the webhook on', () => {
    const config = loadConfig({ TWILIO_AUTH_TOKEN: 'token', PUBLIC_BASE_URL: 'https://bot.example.no' });
    expect(config.SMS_GATEWAY).toBe('sandbox');
    const sandbox = new SandboxSmsGateway({
      now: () => new Date(),
      store: new MemorySharedStore(),
      secret: 's',
    });
    expect(buildSmsGateway(config, sandbox)).toBe(sandbox);
  });

  it('builds the Twilio gateway with SMS_GATEWAY=twilio', () => {
    const sandbox = new SandboxSmsGateway({
      now: () => new Date(),
      store: new MemorySharedStore(),
      secret: 's',
    });
    expect(buildSmsGateway(loadConfig(TWILIO), sandbox)).toBeInstanceOf(TwilioSmsGateway);
  });

  it.each(['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const)(
    'refuses SMS_GATEWAY=twilio without %s',
    (key) => {
      const env: Record<string, string> = { ...TWILIO, [key]: '' };
      expect(issues(env).some((i) => i.startsWith(`${key}:`))).toBe(true);
    },
  );

  it('refuses the webhook without PUBLIC_BASE_URL', () => {
    expect(issues({ TWILIO_AUTH_TOKEN: 'token' })).toEqual([
      'PUBLIC_BASE_URL: required when TWILIO_AUTH_TOKEN turns on the SMS webhook',
    ]);
  });

  it.each([
    ['SMS_GATEWAY', 'carrier-pigeon'],
    ['TWILIO_ACCOUNT_SID', 'not-a-sid'],
    ['TWILIO_FROM', '41234567'],
    ['TWILIO_API_BASE', 'ftp://api.twilio.com'],
    ['PUBLIC_BASE_URL', 'bot.example.no'],
  ])('refuses %s=%s', (key, value) => {
    expect(issues({ ...TWILIO, [key]: value }).some((i) => i.startsWith(`${key}:`))).toBe(true);
  });

  it('never echoes the auth token or the URLs in its complaints', () => {
    const all = issues({ ...TWILIO, TWILIO_ACCOUNT_SID: 'bad', PUBLIC_BASE_URL: 'nope' }).join('\n');
    expect(all).not.toContain(TWILIO.TWILIO_AUTH_TOKEN);
    expect(all).not.toContain('nope');
  });
});
