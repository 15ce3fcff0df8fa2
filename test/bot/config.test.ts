import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

describe('loadConfig', () => {
  it('starts in local mode on loopback with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3978, host: '127.0.0.1', localMode: true, teams: null, slack: null, publicUrl: 'http://localhost:3978' });
    expect(config.dataFile).toMatch(/data\/db\.json$/);
  });

  it('reads INVITATION_REMINDERS as durations after sending (7d,30d,80d unless set); a bad one stops start-up with a sentence naming it', () => {
    expect(loadConfig({}).invitationReminders).toEqual([7, 30, 80].map((d) => d * 86_400_000));
    expect(loadConfig({ INVITATION_REMINDERS: '4s, 2s,1m,1h' }).invitationReminders).toEqual([2000, 4000, 60_000, 3_600_000]);
    expect(problems({ INVITATION_REMINDERS: '7d,7x' })).toEqual(['INVITATION_REMINDERS must be durations such as 7d,30d,80d (units s, m, h or d), got "7x".']);
    expect(problems({ INVITATION_REMINDERS: '0d' })).toHaveLength(1);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', MicrosoftAppId: '', SLACK_BOT_TOKEN: '' })).toMatchObject({ port: 3978, localMode: true });
  });

  it('listens on all interfaces with Teams credentials, unless HOST says otherwise', () => {
    const teams = { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'secret', MicrosoftAppTenantId: '66666666-2222-3333-4444-555555555555' };
    expect(loadConfig(teams)).toMatchObject({ host: '0.0.0.0', localMode: false, teams: { appType: 'SingleTenant' } });
    expect(loadConfig({ ...teams, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
  });

  it('lists every problem at once, each naming its variable', () => {
    const found = problems({ PORT: 'eighty', MicrosoftAppId: 'not-a-guid', SLACK_SIGNING_SECRET: 'x', PUBLIC_URL: 'ftp://x', LOG_LEVEL: 'loud', BOOTSTRAP_ADMINS: 'bob' });
    expect(found.join('\n')).toMatch(/PORT/);
    expect(found.join('\n')).toMatch(/MicrosoftAppId/);
    expect(found.join('\n')).toMatch(/MicrosoftAppPassword is required/);
    expect(found.join('\n')).toMatch(/MicrosoftAppTenantId is required for MicrosoftAppType SingleTenant/);
    expect(found.join('\n')).toMatch(/SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN/);
    expect(found.join('\n')).toMatch(/PUBLIC_URL/);
    expect(found.join('\n')).toMatch(/LOG_LEVEL/);
    expect(found.join('\n')).toMatch(/BOOTSTRAP_ADMINS entry "bob"/);
  });

  it('turns Slack on only with both variables, and keeps SLACK_API_URL', () => {
    expect(loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_API_URL: 'http://127.0.0.1:9/api' }).slack).toEqual({ signingSecret: 's', botToken: 'xoxb-1', apiUrl: 'http://127.0.0.1:9/api/' });
  });

  it('drops trailing slashes from PUBLIC_URL, so the links it starts never carry a double one', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://bot.example.com//' }).publicUrl).toBe('https://bot.example.com');
    expect(loadConfig({ PUBLIC_URL: 'https://bot.example.com/csp/' }).publicUrl).toBe('https://bot.example.com/csp');
  });

  it('refuses a Teams password without an app id', () => {
    expect(problems({ MicrosoftAppPassword: 'x' })[0]).toMatch(/without MicrosoftAppId/);
  });

  it('selects the PostgreSQL store with DATABASE_URL, and never repeats a wrong one (it holds a password)', () => {
    expect(loadConfig({}).databaseUrl).toBeNull();
    expect(loadConfig({ DATABASE_URL: 'postgres://bot:pw@db.example.com:5432/csp?sslmode=verify-full' }).databaseUrl).toBe('postgres://bot:pw@db.example.com:5432/csp?sslmode=verify-full');
    const found = problems({ DATABASE_URL: 'mysql://bot:s3cret@db/csp' });
    expect(found).toEqual(['DATABASE_URL must be a postgres:// (or postgresql://) connection URL.']);
  });
  it('keeps metrics and traces off unless METRICS_PORT or an OTLP endpoint is set, and binds the metrics port like the server', () => {
    expect(loadConfig({}).telemetry).toEqual({ metricsPort: null, metricsHost: '127.0.0.1', otlp: null });
    expect(loadConfig({ METRICS_PORT: '9464', HOST: '10.0.0.5' }).telemetry).toMatchObject({ metricsPort: 9464, metricsHost: '10.0.0.5', otlp: null });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).telemetry.otlp).toEqual({ endpoint: 'http://collector:4318', protocol: 'http/protobuf' });
    const json = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    expect(loadConfig(json).telemetry.otlp?.protocol).toBe('http/json');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).telemetry.otlp).toEqual({ endpoint: 'https://collector:4317', protocol: 'grpc' });
    expect(loadConfig({ ...json, OTEL_SDK_DISABLED: 'true' }).telemetry.otlp).toBeNull();
  });

  it('refuses metrics on the public port, an unknown OTLP protocol and an endpoint that is not a URL', () => {
    expect(problems({ PORT: '8080', METRICS_PORT: '8080' }).join('\n')).toMatch(/METRICS_PORT must differ from PORT/);
    expect(problems({ METRICS_PORT: 'ninety' }).join('\n')).toMatch(/METRICS_PORT must be a port number/);
    expect(problems({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/xml' }).join('\n')).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL must be one of http\/protobuf, http\/json, grpc/);
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).join('\n')).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/);
  });
});
