import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { agentUrl, describeAgentError } from './agentClient';

describe('describeAgentError', () => {
  it('tells a refused token, a refused origin and a dead agent apart', () => {
    expect(describeAgentError({ message: 'x', meta: { response: { status: 401 } } }, 'h:1')).toMatchObject({
      kind: 'unauthorized',
      message: expect.stringContaining('refused the token (401)'),
    });
    expect(describeAgentError({ message: 'x', data: { code: 'FORBIDDEN', httpStatus: 403 } }, 'h:1').kind).toBe('forbidden');
    const role = {
      message: 'trace (a custom probe) needs an operator token; bob has the viewer role only',
      data: { code: 'FORBIDDEN', httpStatus: 403, requiredRole: 'operator' },
    };
    expect(describeAgentError(role, 'h:1')).toEqual({ kind: 'role', message: role.message });
    expect(describeAgentError(new TypeError('Failed to fetch'), 'h:1')).toMatchObject({
      kind: 'unreachable',
      message: expect.stringContaining('h:1 is unreachable'),
    });
    expect(describeAgentError(TRPCClientError.from(new TypeError('Failed to fetch')), 'h:1').kind).toBe('unreachable');
  });

  it('passes the agent own message through for typed tRPC errors', () => {
    const unavailable = { message: 'execsnoop cannot run here: tracepoint missing', data: { code: 'PRECONDITION_FAILED', httpStatus: 412 } };
    expect(describeAgentError(unavailable, 'h:1')).toEqual({ kind: 'unavailable', message: unavailable.message });
    expect(describeAgentError({ message: 'maxArgs: too big', data: { code: 'BAD_REQUEST' } }, 'h:1').kind).toBe('invalid');
    expect(describeAgentError({ message: 'slow down', data: { code: 'TOO_MANY_REQUESTS' } }, 'h:1').kind).toBe('busy');
  });

  it('uses the page scheme for agents', () => {
    expect(agentUrl('h:1', 'https:')).toBe('https://h:1');
    expect(agentUrl('[::1]:7070', 'http:')).toBe('http://[::1]:7070');
  });
});
