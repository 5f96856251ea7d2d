import { describe, expect, it } from 'vitest';
import { deltaColor, formatFrameValue, formatPercent, frameColor } from './flameColors.js';

const frame = (name: string, options: { kernel?: boolean; waker?: boolean } = {}) => ({
  name,
  frame: options.kernel ? `${name}_[k]` : name,
  kernel: options.kernel ?? false,
  waker: options.waker ?? false,
});

function channels(color: string): [number, number, number] {
  const match = /rgb\((\d+), (\d+), (\d+)\)/.exec(color);
  if (!match) throw new Error(`not rgb: ${color}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

describe('frameColor', () => {
  const names = Array.from({ length: 200 }, (_, index) => `function_${index}`);

  it('keeps a function the same colour everywhere and varies neighbours', () => {
    expect(frameColor(frame('tcp_sendmsg'), 'cpu')).toBe(frameColor(frame('tcp_sendmsg'), 'cpu'));
    expect(new Set(names.map((name) => frameColor(frame(name), 'cpu'))).size).toBeGreaterThan(150);
  });

  it('on CPU: user frames warm (red to orange), kernel frames yellow', () => {
    for (const name of names) {
      const [red, green, blue] = channels(frameColor(frame(name), 'cpu'));
      expect(red).toBeGreaterThanOrEqual(205);
      expect(green).toBeLessThanOrEqual(150);
      expect(blue).toBeLessThanOrEqual(55);
      const [kernelRed, kernelGreen] = channels(frameColor(frame(name, { kernel: true }), 'cpu'));
      // Yellow: green close to red, well above any user frame's.
      expect(kernelGreen).toBeGreaterThanOrEqual(185);
      expect(Math.abs(kernelRed - kernelGreen)).toBeLessThanOrEqual(60);
    }
  });

  it('off CPU: cool blues for the blocked stack, aqua for its kernel frames, purple for the waker', () => {
    for (const name of names) {
      const [red, green, blue] = channels(frameColor(frame(name), 'offcpu'));
      expect(blue).toBeGreaterThan(Math.max(red, green) + 40);
      const [, kernelGreen, kernelBlue] = channels(frameColor(frame(name, { kernel: true }), 'offcpu'));
      expect(kernelGreen).toBeGreaterThanOrEqual(165);
      expect(kernelBlue).toBeGreaterThanOrEqual(165);
      const [wakerRed, wakerGreen] = channels(frameColor(frame(name, { waker: true }), 'offcpu'));
      expect(wakerRed).toBeGreaterThan(wakerGreen);
    }
    expect(frameColor({ name: '--', frame: '--', kernel: false, waker: false }, 'offcpu')).toBe('rgb(160, 160, 160)');
  });

  it('diff: the colour diffTrees gave the frame', () => {
    expect(frameColor({ ...frame('x'), color: 'rgb(1, 2, 3)' }, 'diff')).toBe('rgb(1, 2, 3)');
  });
});

describe('deltaColor', () => {
  it('is grey for no change, red for growth, blue for shrinkage, stronger for bigger changes', () => {
    expect(deltaColor(0, 10)).toBe('rgb(220, 220, 220)');
    expect(deltaColor(10, 10)).toBe('rgb(255, 0, 0)');
    expect(deltaColor(-10, 10)).toBe('rgb(0, 0, 255)');
    expect(channels(deltaColor(1, 10))[1]).toBeGreaterThan(channels(deltaColor(5, 10))[1]);
  });
});

describe('formatting', () => {
  it('shows samples as counts and off-CPU time in ms', () => {
    expect(formatFrameValue(1, 'samples')).toBe('1 sample');
    expect(formatFrameValue(1234567, 'samples')).toBe('1,234,567 samples');
    expect(formatFrameValue(12_345_678, 'nanoseconds')).toBe('12.35 ms');
    expect(formatFrameValue(2_500_000_000, 'nanoseconds')).toBe('2,500 ms');
    expect(formatFrameValue(4_200, 'nanoseconds')).toBe('0.004 ms');
    expect(formatPercent(1, 3)).toBe('33.3%');
    expect(formatPercent(1, 300)).toBe('0.33%');
    expect(formatPercent(1, 0)).toBe('0%');
  });
});
