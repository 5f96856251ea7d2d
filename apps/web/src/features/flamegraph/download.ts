// Saving a file from the browser: text or bytes, named for what and where.
export function downloadFile(name: string, contents: string | Uint8Array, type: string): void {
  const blob = new Blob([contents as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function profileFileName(tool: string, host: string, startedAt: number, extension: string): string {
  const stamp = new Date(startedAt).toISOString().replace(/[:]/g, '').replace(/\..*/, '');
  return `${tool}-${host.replace(/[^A-Za-z0-9.-]/g, '_')}-${stamp}.${extension}`;
}
