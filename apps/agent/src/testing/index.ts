// @bpfscope/agent/testing: what the e2e tests and benches start of the agent's test kit: a real Prometheus, and a
// simulated fleet's series backfilled into one.
export * from './prometheus.js';
export * from './simulatedFleet.js';
