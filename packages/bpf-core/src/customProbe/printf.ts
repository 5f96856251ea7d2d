// trace's format strings applied to what the kernel read, as C's printf would
// print the field's own type: %d a signed value of its width, %u, %x and %o the
// same bits unsigned, %c a character, %s a string, %p an address.
import type { FormatConversion, FormatPart } from '@bpfscope/formats';

/** A value read by a probe: an integer of `size` bytes (already sign-extended when signed), or a string. */
export type PrintfValue = { kind: 'integer'; value: bigint; size: number; signed: boolean } | { kind: 'string'; value: string };

function unsignedOf(value: bigint, size: number): bigint {
  return BigInt.asUintN(size * 8, value);
}

function pad(text: string, conversion: FormatConversion, numeric: boolean): string {
  const width = conversion.width ?? 0;
  if (text.length >= width) return text;
  if (conversion.flags.includes('-')) return text.padEnd(width);
  if (numeric && conversion.flags.includes('0') && conversion.precision === undefined) {
    const sign = /^[-+ ]/.test(text) ? (text[0] as string) : '';
    const prefix = /^[-+ ]?0[xX]/.test(text) ? text.slice(sign.length, sign.length + 2) : '';
    const digits = text.slice(sign.length + prefix.length);
    return sign + prefix + digits.padStart(width - sign.length - prefix.length, '0');
  }
  return text.padStart(width);
}

/** One conversion of one value. */
export function formatConversion(conversion: FormatConversion, value: PrintfValue): string {
  const kind = conversion.conversion;
  if (kind === 's') {
    const text = value.kind === 'string' ? value.value : value.value.toString();
    return pad(conversion.precision === undefined ? text : text.slice(0, conversion.precision), conversion, false);
  }
  if (value.kind === 'string') return pad(value.value, conversion, false);
  const size = value.size;
  let text: string;
  switch (kind) {
    case 'd':
    case 'i': {
      const number = value.signed ? BigInt.asIntN(size * 8, value.value) : unsignedOf(value.value, size);
      text = number.toString();
      if (number >= 0n && conversion.flags.includes('+')) text = `+${text}`;
      else if (number >= 0n && conversion.flags.includes(' ')) text = ` ${text}`;
      break;
    }
    case 'u':
      text = unsignedOf(value.value, size).toString();
      break;
    case 'x':
    case 'X':
      text = unsignedOf(value.value, size).toString(16);
      if (kind === 'X') text = text.toUpperCase();
      if (conversion.flags.includes('#') && text !== '0') text = `${kind === 'X' ? '0X' : '0x'}${text}`;
      break;
    case 'o':
      text = unsignedOf(value.value, size).toString(8);
      if (conversion.flags.includes('#')) text = `0${text}`;
      break;
    case 'c':
      text = String.fromCharCode(Number(unsignedOf(value.value, 1)));
      break;
    case 'p':
      text = `0x${unsignedOf(value.value, 8).toString(16)}`;
      break;
    default:
      text = value.value.toString();
  }
  if (conversion.precision !== undefined && kind !== 'c' && kind !== 'p') {
    const negative = text.startsWith('-');
    const digits = negative ? text.slice(1) : text;
    if (digits.length < conversion.precision) text = `${negative ? '-' : ''}${digits.padStart(conversion.precision, '0')}`;
  }
  return pad(text, conversion, true);
}

/** The whole format with its values, in order. */
export function formatMessage(parts: readonly FormatPart[], values: readonly PrintfValue[]): string {
  let text = '';
  let next = 0;
  for (const part of parts) {
    if (part.kind === 'text') text += part.text;
    else {
      const value = values[next++];
      text += value === undefined ? '' : formatConversion(part.conversion, value);
    }
  }
  return text;
}
