// bpfscope agent: one per host, root (or CAP_BPF+CAP_PERFMON), serving tRPC and the web UI.
import { fileURLToPath } from 'node:url';
import { auditSinks, openAuditLog, stdoutIsJournal } from './audit.js';
import { loadOrCreateTokens, TokenFileError } from './auth/tokens.js';
import { ConfigError, parseAgentConfig } from './env.js';
import { startHostRecorder } from './overview/hostOverview.js';
import { listen } from './server.js';
import { createAgentServices, keepReleasingFreeMemory, warmUpKernel } from './services/agentServices.js';
import { startFlightRecorder } from './services/flightRecorder.js';

async function main(): Promise<void> {
  const printToken = process.argv.includes('--print-token');
  const config = parseAgentConfig(
    process.argv.slice(2).filter((arg) => arg !== '--print-token'),
    process.env,
  );
  config.webRoot ??= fileURLToPath(new URL('../../web/dist/', import.meta.url));
  const { tokens, created } = loadOrCreateTokens(config.tokenFile);
  const journal = stdoutIsJournal();
  const audit = openAuditLog(auditSinks(config.audit, { dataDir: config.dataDir, stdoutIsJournal: journal }));
  audit.log({ action: 'tokens', file: config.tokenFile, tokens: tokens.describe() });

  warmUpKernel();

  const services = createAgentServices({ config, tokens, audit: audit.log });
  for (const status of startFlightRecorder(services)) {
    if (!status.recording) process.stderr.write(`bpfscope agent: flight recorder: ${status.tool} not recorded: ${status.reason}\n`);
  }
  startHostRecorder(services);
  const server = await listen(services);
  keepReleasingFreeMemory();
  process.stdout.write(`bpfscope agent listening on ${server.url}\n`);
  if (audit.sinks.file) process.stdout.write(`audit log: ${audit.sinks.file}${audit.sinks.stdout ? ' and here' : ' (--audit both shows it here too)'}\n`);
  // The token goes to the terminal that started the agent, never into a log or the journal.
  const token = tokens.signInToken();
  if (token !== undefined && !journal && (printToken || (created && process.stdout.isTTY))) {
    process.stdout.write(`token: ${token}\n`);
    // Last, so it is what the terminal shows. Opening it signs the browser in: the page stores the token and removes it from the address bar.
    process.stdout.write(`\nsign in: open this link in a browser (it holds the token):\nopen: ${server.url}/#token=${token}\n\n`);
  } else process.stdout.write(`token: in ${config.tokenFile}${printToken ? ' (not printed: stdout is the journal)' : ''}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`bpfscope agent: ${signal}, detaching every session\n`);
    services.host.stop();
    void Promise.all([services.sessions.closeAll(), server.close()]).finally(() => {
      audit.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof TokenFileError) {
    process.stderr.write(`bpfscope agent: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`bpfscope agent: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
