// Placeholder agent: probes the kernel once and tells which tools would run here.
// The real agent (express + tRPC, sessions, live data) and the web UI arrive in later issues.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { featureSourceOf, getCapabilities, resolveToolSupport, toolRegistry } from '@bpfscope/bpf-core';
import type { Capabilities } from '@bpfscope/bpf-core';

const DEFAULT_LISTEN = '127.0.0.1:7070';

interface ListenAddress {
  host: string;
  port: number;
}

interface ToolReport {
  name: string;
  title: string;
  category: string;
  available: boolean;
  attachMethod?: string;
  reason?: string;
}

interface HostReport {
  capabilities: Capabilities | null;
  /** Set when the probe itself failed, so the page can say why nothing works. */
  probeError?: string;
  tools: ToolReport[];
}

function parseListen(value: string): ListenAddress {
  const colon = value.lastIndexOf(':');
  const host = value.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(value.slice(colon + 1));
  if (colon <= 0 || host === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`BPFSCOPE_LISTEN must be host:port, got "${value}"`);
  }
  return { host, port };
}

function probeHost(): HostReport {
  let capabilities: Capabilities;
  try {
    capabilities = getCapabilities();
  } catch (error) {
    const probeError = error instanceof Error ? error.message : String(error);
    const tools = [...toolRegistry.values()].map((tool) => ({
      name: tool.name,
      title: tool.title,
      category: tool.category,
      available: false,
      reason: `capability probe failed: ${probeError}`,
    }));
    return { capabilities: null, probeError, tools };
  }
  const features = featureSourceOf(capabilities);
  const tools = [...toolRegistry.values()].map((tool) => {
    const support = resolveToolSupport(tool, features);
    return {
      name: tool.name,
      title: tool.title,
      category: tool.category,
      available: support.available,
      ...(support.attachMethod === undefined ? {} : { attachMethod: support.attachMethod }),
      ...(support.reason === undefined ? {} : { reason: support.reason }),
    };
  });
  return { capabilities, tools };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function renderPage(report: HostReport): string {
  const rows = report.tools
    .map((tool) => {
      const status = tool.available
        ? `works (${escapeHtml(tool.attachMethod ?? 'attach method unknown')})`
        : `does not work: ${escapeHtml(tool.reason ?? 'no reason given')}`;
      return `<tr><td><code>${escapeHtml(tool.name)}</code></td><td>${escapeHtml(tool.title)}</td>` +
        `<td>${escapeHtml(tool.category)}</td><td>${status}</td></tr>`;
    })
    .join('\n');
  const kernel = report.capabilities
    ? `Kernel ${escapeHtml(report.capabilities.kernelRelease)}, libbpf ${escapeHtml(report.capabilities.libbpfVersion)}.`
    : `Capability probe failed: ${escapeHtml(report.probeError ?? 'unknown error')}.`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>bpfscope agent (placeholder)</title></head>
<body>
<h1>bpfscope</h1>
<p>This is a placeholder. The agent and the web UI arrive in later issues;
for now this page only shows what this host's kernel allows.</p>
<p>${kernel} Raw data: <a href="/api/capabilities">/api/capabilities</a>.</p>
<table>
<thead><tr><th>Tool</th><th>Title</th><th>Category</th><th>Status</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  response.end(body);
}

function handle(report: HostReport, request: IncomingMessage, response: ServerResponse): void {
  const path = new URL(request.url ?? '/', 'http://placeholder').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain', 'method not allowed\n');
  } else if (path === '/') {
    send(response, 200, 'text/html', renderPage(report));
  } else if (path === '/api/capabilities') {
    send(response, 200, 'application/json', `${JSON.stringify(report, null, 2)}\n`);
  } else {
    send(response, 404, 'text/plain', 'not found\n');
  }
}

function main(): void {
  let listen: ListenAddress;
  try {
    listen = parseListen(process.env['BPFSCOPE_LISTEN'] ?? DEFAULT_LISTEN);
  } catch (error) {
    console.error(`bpfscope agent: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
  const report = probeHost();
  const server = createServer((request, response) => handle(report, request, response));
  server.on('error', (error) => {
    console.error(`bpfscope agent: ${error.message}`);
    process.exit(1);
  });
  server.listen(listen.port, listen.host, () => {
    const address = server.address();
    // Port 0 asks the kernel for a free port; report the one it gave.
    const port = address !== null && typeof address === 'object' ? address.port : listen.port;
    const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
    console.log(`bpfscope agent listening on http://${host}:${port}`);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => server.close(() => process.exit(0)));
  }
}

main();
