// A session's measured BPF cost in a few words, for its status line: what the
// kernel counted of its programs over the agent's window, and its budget.
import { formatInteger } from '@bpfscope/charts';
import type { BpfCost, SessionLimits } from '../../api/types';

export function describeBpfCost(cost: BpfCost | undefined, limits: SessionLimits | undefined): { text: string; title: string } {
  const budget = limits?.cpuBudget
    ? ` Budget: ${formatPercent(limits.cpuBudget.percent)} of one CPU over ${limits.cpuBudget.windowMs / 1000} s, or the agent detaches it.`
    : ' No budget: the agent measures it, it does not stop it.';
  const about = 'What this session’s BPF programs cost the host, as the kernel counts them (time per program run, and as a share of one CPU).';
  if (!cost) return { text: 'BPF cost: measuring…', title: `${about}${budget}` };
  if (cost.unavailable !== undefined) return { text: 'BPF cost: not measured', title: `The kernel cannot measure it here: ${cost.unavailable}.${budget}` };
  if (!cost.measuring || cost.cpuPercent === null) return { text: 'BPF cost: measuring…', title: `${about}${budget}` };
  const perEvent = cost.nsPerEvent === null ? 'no events' : `${formatNs(cost.nsPerEvent)}/event`;
  return {
    text: `BPF ${perEvent} · ${formatPercent(cost.cpuPercent)} CPU`,
    title: `${about} Over the last ${Math.round(cost.windowMs / 1000)} s: ${formatInteger(cost.runs)} runs.${budget}`,
  };
}

function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(1)} ms`;
  if (ns >= 1e4) return `${(ns / 1e3).toFixed(0)} µs`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}

function formatPercent(percent: number): string {
  if (percent === 0) return '0 %';
  if (percent < 0.01) return '<0.01 %';
  return `${percent >= 10 ? percent.toFixed(0) : percent >= 1 ? percent.toFixed(1) : percent.toFixed(2)} %`;
}
