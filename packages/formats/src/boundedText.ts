// A response body as text, read to at most a number of bytes: a server that sends more (a wrong URL, a query that
// matches too much) costs no more memory than the bound. Web-standard APIs only, for the agent and the page alike.

export type BoundedText = { text: string } | { tooLarge: { declaredBytes?: number } };

/** `response`'s body as UTF-8 text, or tooLarge past `limit` bytes (declared up front, or read): the rest is never read. */
export async function boundedText(response: Response, limit: number): Promise<BoundedText> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await response.body?.cancel();
    return { tooLarge: { declaredBytes: declared } };
  }
  const reader = response.body?.getReader();
  if (!reader) return { text: '' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return { tooLarge: {} };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(bytes) };
}
