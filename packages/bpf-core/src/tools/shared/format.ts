/** bcc divides bytes by 1024 and prints the integer part (TX_KB, RX_KB, OFF_KB). */
export function kilobytes(bytes: number): number {
  return Math.floor(bytes / 1024);
}

/** An argv as bcc prints it: joined by spaces, with " ..." when it was cut. */
export function formatArguments(argv: readonly unknown[], truncated: boolean): string {
  const text = argv.join(' ');
  return truncated ? `${text} ...` : text;
}
