// Numbers as en-US text without Intl: a page's first toLocaleString or
// Intl.NumberFormat loads ICU's number data, about 15 ms on a chart's first
// paint. Grouping digits by hand gives the same text for the counts and times
// charts show; fractions round as toFixed does (1.005 → "1.00", where Intl
// says "1.01"), and from 1e21 up JavaScript's exponent form is kept.

/** 1234567 → "1,234,567"; rounds to an integer; negatives keep their sign. */
export function formatInteger(value: number): string {
  return formatFixed(value, 0);
}

/** 1234.5678 with 2 digits → "1,234.57": toFixed's digits, en-US grouping of the integer part. */
export function formatFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  const text = Math.abs(value).toFixed(digits);
  const point = text.indexOf('.');
  const integer = point < 0 ? text : text.slice(0, point);
  const fraction = point < 0 ? '' : text.slice(point);
  const grouped = integer.replace(/\B(?=(\d{3})+$)/g, ',');
  // Nothing has no sign: -0.00 is shown as 0.00 (toLocaleString writes -0.00).
  const negative = value < 0 && Number(text) !== 0;
  return `${negative ? '-' : ''}${grouped}${fraction}`;
}
