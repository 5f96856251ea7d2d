import { describe, expect, it } from 'vitest';
import { ConfigError, parseAgentConfig } from './env.js';

describe('--procfs, --sysfs and --kmsg', () => {
  it('default to the running system’s', () => {
    expect(parseAgentConfig([], {})).toMatchObject({ procfs: '/proc', sysfs: '/sys', kmsg: '/dev/kmsg' });
  });

  it('come from flags over the environment, and --kmsg none reads no kernel log', () => {
    const env = { BPFSCOPE_PROCFS: '/host/proc', BPFSCOPE_SYSFS: '/host/sys', BPFSCOPE_KMSG: '/host/kmsg' };
    expect(parseAgentConfig([], env)).toMatchObject({ procfs: '/host/proc', sysfs: '/host/sys', kmsg: '/host/kmsg' });
    expect(parseAgentConfig(['--procfs', '/fixture/procfs', '--sysfs=/fixture/sysfs', '--kmsg', 'none'], env)).toMatchObject({
      procfs: '/fixture/procfs',
      sysfs: '/fixture/sysfs',
      kmsg: null,
    });
  });

  it('refuse an empty path', () => {
    expect(() => parseAgentConfig(['--procfs', ''], {})).toThrow(ConfigError);
    expect(() => parseAgentConfig(['--procfs', ''], {})).toThrow(/procfs/);
  });
});
