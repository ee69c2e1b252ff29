import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config';

describe('settings', () => {
  it('takes the defaults from an empty environment', () => {
    expect(loadConfig({})).toMatchObject({ port: 3000, host: '0.0.0.0', https: false, demo: true });
  });

  it('refuses a bad value at start with a message naming the variable', () => {
    for (const [name, value] of [
      ['PORT', 'x'],
      ['KANBRIDGE_BOARDS_PER_HOUR', 'many'],
      ['KANBRIDGE_MAX_BOARDS_PER_USER', '0'],
      ['KANBRIDGE_BOARDS_PER_HOUR', '1.5']
    ]) {
      let failure: unknown;
      try {
        loadConfig({ [name]: value });
      } catch (e) {
        failure = e;
      }
      expect(failure, `${name}=${value}`).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toContain(name);
    }
    expect(() => loadConfig({ KANBRIDGE_BOARDS_PER_HOUR: '10', KANBRIDGE_MAX_BOARDS_PER_USER: '200' })).not.toThrow();
  });
});
