import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from './config.js';

describe('configuration', () => {
  it('defaults to port 3000 on embedded PGlite under ./.joinery', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir.endsWith('.joinery')).toBe(true);
  });

  it('reads every setting from the environment', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h/db', JOINERY_DATA_DIR: 'somewhere', JOINERY_DEMO_PASSWORD: 'long-enough-pw' });
    expect(c).toMatchObject({ port: 8080, databaseUrl: 'postgres://u@h/db', demoPassword: 'long-enough-pw' });
    expect(c.dataDir.endsWith('somewhere')).toBe(true);
  });

  it('refuses bad values at start with a message naming each', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JOINERY_DEMO_PASSWORD: 'short' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JOINERY_DEMO_PASSWORD: 'short' });
    } catch (e) {
      expect((e as Error).message).toMatch(/PORT/);
      expect((e as Error).message).toMatch(/DATABASE_URL must start with postgres/);
      expect((e as Error).message).toMatch(/JOINERY_DEMO_PASSWORD must be at least 8 characters/);
    }
  });

  it('sessions end 12 hours after sign-in unless JOINERY_SESSION_MAX_HOURS says otherwise (1 to 24 hours)', () => {
    expect(loadConfig({}).sessionMaxHours).toBe(12);
    expect(loadConfig({ JOINERY_SESSION_MAX_HOURS: '8' }).sessionMaxHours).toBe(8);
    for (const bad of ['0', '25', 'twelve', '1.5']) {
      expect(() => loadConfig({ JOINERY_SESSION_MAX_HOURS: bad }), bad).toThrow(/JOINERY_SESSION_MAX_HOURS/);
    }
  });

  it('keeps 20 connections to a PostgreSQL server unless JOINERY_DATABASE_POOL says otherwise (1 to 200)', () => {
    expect(loadConfig({}).databasePool).toBe(20);
    expect(loadConfig({ JOINERY_DATABASE_POOL: '10' }).databasePool).toBe(10);
    for (const bad of ['0', '201', 'ten', '2.5']) {
      expect(() => loadConfig({ JOINERY_DATABASE_POOL: bad }), bad).toThrow(/JOINERY_DATABASE_POOL/);
    }
  });

  it('the public URL defaults to localhost on the port, and must be just an http(s) origin', () => {
    expect(loadConfig({}).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ JOINERY_PUBLIC_URL: 'https://Joinery.Example.nhs.uk/' }).publicUrl).toBe('https://joinery.example.nhs.uk');
    for (const bad of ['joinery.example.nhs.uk', 'ftp://joinery.example.nhs.uk', 'https://joinery.example.nhs.uk/app', 'https://x@joinery.example.nhs.uk', 'https://joinery.example.nhs.uk/?a=1']) {
      expect(() => loadConfig({ JOINERY_PUBLIC_URL: bad }), bad).toThrow(/JOINERY_PUBLIC_URL/);
    }
  });

  it('trusts no proxy by default; JOINERY_TRUSTED_PROXIES takes addresses and CIDR ranges, and refuses anything else', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ JOINERY_TRUSTED_PROXIES: '10.0.0.1, 10.1.0.0/16,::1' }).trustedProxies).toEqual(['10.0.0.1', '10.1.0.0/16', '::1']);
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/1', '*']) {
      expect(() => loadConfig({ JOINERY_TRUSTED_PROXIES: bad }), bad).toThrow(/JOINERY_TRUSTED_PROXIES/);
    }
  });

  it('NHS CIS2 and NHS login: none set means the demo’s stand-ins; a partly set provider names each missing setting', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ cis2: null, nhsLogin: null, cis2RequiredAal: 'AAL3_ANY', passwordSignIn: true, standInPorts: { cis2: 3001, nhsLogin: 3002 } });
    expect(loadConfig({ PORT: '8080', JOINERY_STAND_IN_CIS2_PORT: '0' }).standInPorts).toEqual({ cis2: 0, nhsLogin: 8082 });
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    const partly = message({ JOINERY_CIS2_ISSUER: 'https://cis2.example.nhs.uk' });
    expect(partly).toMatch(/JOINERY_CIS2_CLIENT_ID must be set/);
    expect(partly).toMatch(/JOINERY_CIS2_PRIVATE_KEY must be set/);
    expect(message({ JOINERY_NHS_LOGIN_CLIENT_ID: 'joinery' })).toMatch(/JOINERY_NHS_LOGIN_ISSUER must be set/);
    const wrong = message({ JOINERY_CIS2_ISSUER: 'http://cis2.example.nhs.uk', JOINERY_CIS2_CLIENT_ID: 'j', JOINERY_CIS2_PRIVATE_KEY: '/no/such/key.pem' });
    expect(wrong).toMatch(/JOINERY_CIS2_ISSUER must start with https:\/\//);
    expect(wrong).toMatch(/JOINERY_CIS2_PRIVATE_KEY: no file at \/no\/such\/key.pem/);
    expect(message({ JOINERY_CIS2_REQUIRED_AAL: 'AAL4' })).toMatch(/JOINERY_CIS2_REQUIRED_AAL must be one of AAL1_USERPASS, AAL2_ANY, AAL2_OR_AAL3_ANY, AAL3_ANY/);
    expect(message({ JOINERY_PASSWORD_SIGN_IN: 'maybe' })).toMatch(/JOINERY_PASSWORD_SIGN_IN must be on or off/);
  });

  it('a fully set provider is used as given, with the key path made absolute', () => {
    const key = new URL(import.meta.url).pathname; // any readable file stands in for the key here
    const c = loadConfig({ JOINERY_CIS2_ISSUER: 'https://cis2.example.nhs.uk/realms/Healthcare', JOINERY_CIS2_CLIENT_ID: 'joinery-ics', JOINERY_CIS2_PRIVATE_KEY: key,
      JOINERY_CIS2_REQUIRED_AAL: 'AAL2_OR_AAL3_ANY', JOINERY_PASSWORD_SIGN_IN: 'off' });
    expect(c.cis2).toEqual({ issuer: 'https://cis2.example.nhs.uk/realms/Healthcare', clientId: 'joinery-ics', privateKeyPath: key });
    expect(c).toMatchObject({ cis2RequiredAal: 'AAL2_OR_AAL3_ANY', passwordSignIn: false, nhsLogin: null });
  });
});
