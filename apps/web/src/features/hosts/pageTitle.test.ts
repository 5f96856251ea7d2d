import { describe, expect, it } from 'vitest';
import type { HostInfo } from '../../api/types';
import { hostNameOf, pageTitle } from './pageTitle';

describe('page title', () => {
  it('names the tool, then the host by its own name', () => {
    expect(pageTitle({ tool: 'runqlat', address: '10.0.0.3:7070', hostname: 'db-3' })).toBe('runqlat · db-3');
    expect(pageTitle({ tool: 'biolatency', snapshot: 'k3J9x_Qa-2', address: '10.0.0.3:7070', hostname: 'db-3' })).toBe('biolatency snapshot · db-3');
  });

  it('falls back to the address until the host has said its name, and to the app name without a tool', () => {
    expect(pageTitle({ tool: 'execsnoop', address: '10.0.0.3:7070' })).toBe('execsnoop · 10.0.0.3:7070');
    expect(pageTitle({ address: '10.0.0.3:7070', hostname: 'db-3' })).toBe('db-3 · bpfscope');
    expect(pageTitle({})).toBe('bpfscope');
  });

  it('names the fleet and its group, whatever host is active', () => {
    expect(pageTitle({ fleet: {}, tool: 'runqlat', address: '10.0.0.3:7070', hostname: 'db-3' })).toBe('Fleet · bpfscope');
    expect(pageTitle({ fleet: { group: 'db' } })).toBe('Fleet: db · bpfscope');
  });

  it('takes the hostname only from a connected host', () => {
    const info = { hostname: 'db-3' } as HostInfo;
    expect(hostNameOf({ state: 'connected', latencyMs: 1, info, checkedAt: 0 })).toBe('db-3');
    expect(hostNameOf({ state: 'no-token' })).toBeUndefined();
    expect(hostNameOf(undefined)).toBeUndefined();
  });
});
