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
});
