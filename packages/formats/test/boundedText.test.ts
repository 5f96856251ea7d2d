import { describe, expect, it } from 'vitest';
import { boundedText } from '../src/boundedText.js';

/** A body sent in `chunks`, without a content-length (as a chunked answer). */
function streamed(chunks: Uint8Array[]): Response {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[pulled++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
  return new Response(body);
}

describe('boundedText', () => {
  it('reads a body within the bound whole, a character split across chunks included', async () => {
    const bytes = new TextEncoder().encode('p99 ≈ 4 µs');
    const split = bytes.indexOf(0xe2) + 1;
    expect(await boundedText(streamed([bytes.subarray(0, split), bytes.subarray(split)]), bytes.length)).toEqual({ text: 'p99 ≈ 4 µs' });
    expect(await boundedText(new Response(null), 10)).toEqual({ text: '' });
  });

  it('stops at the first chunk past the bound, never reading the rest', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(1000));
      },
    });
    expect(await boundedText(new Response(body), 2500)).toEqual({ tooLarge: {} });
    expect(pulls).toBeLessThanOrEqual(4);
  });

  it('refuses a body whose declared length is past the bound before reading it', async () => {
    const response = new Response('x'.repeat(50), { headers: { 'content-length': '50' } });
    expect(await boundedText(response, 49)).toEqual({ tooLarge: { declaredBytes: 50 } });
    expect(await boundedText(new Response('x'.repeat(50), { headers: { 'content-length': '50' } }), 50)).toEqual({ text: 'x'.repeat(50) });
  });
});
