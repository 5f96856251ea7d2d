// @bpfscope/agent/testing: what the e2e tests and benches start of the agent's test kit, a real Prometheus first.
export * from './prometheus.js';
