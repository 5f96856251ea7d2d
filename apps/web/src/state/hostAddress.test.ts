import { describe, expect, it } from 'vitest';
import { hostAddressProblem } from './hostAddress';
import { decodeViewState, hostPattern } from './urlState';

describe('host addresses', () => {
  it('takes ports 1 to 65535 only', () => {
    for (const address of ['127.0.0.1:1', 'db-3.example:7070', '[::1]:65535', 'a:10000', 'a:59999', 'a:64999', 'a:65499', 'a:65529']) {
      expect(hostPattern.test(address), address).toBe(true);
    }
    for (const address of ['127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:99999', '[::1]:70000', 'a:007070', 'a:', 'a']) {
      expect(hostPattern.test(address), address).toBe(false);
    }
  });

  it('says when the port is what is wrong', () => {
    expect(hostAddressProblem('127.0.0.1:99999')).toBe('port 99999 is out of range: a port is a number from 1 to 65535');
    expect(hostAddressProblem('[::1]:0')).toBe('port 0 is out of range: a port is a number from 1 to 65535');
    expect(hostAddressProblem('db-3:123456789')).toBe('that port is out of range: a port is a number from 1 to 65535');
    expect(hostAddressProblem('no port here')).toMatch(/host:port/);
    expect(hostAddressProblem('bad host:99999')).toMatch(/host:port/);
    expect(hostAddressProblem('127.0.0.1:7999')).toBeUndefined();
  });

  it('drops a linked host whose port is out of range, keeping the others', () => {
    const decoded = decodeViewState('#/host/127.0.0.1:99999,127.0.0.1:7070/tool/runqlat');
    expect(decoded.state.hosts).toEqual(['127.0.0.1:7070']);
    expect(decoded.state.tool).toBe('runqlat');
    expect(decoded.problems).toHaveLength(1);
  });
});
