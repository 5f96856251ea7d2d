/** HH:MM:SS in local time, 24-hour: as bcc's -T option prints it and incident timelines are written. */
export function formatClockTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (part: number) => String(part).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
