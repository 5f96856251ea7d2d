// How much of the past a live view shows: the overview, a heat map, a dashboard's time axis.
const WINDOWS: ReadonlyArray<readonly [number, string]> = [
  [60, '1 min'],
  [300, '5 min'],
  [900, '15 min'],
  [3600, '1 h'],
];

export function WindowSelect({ value, onChange, testId }: { value: number; onChange(seconds: number): void; testId: string }) {
  return (
    <label className="muted">
      last{' '}
      <select data-testid={testId} value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {WINDOWS.map(([seconds, label]) => (
          <option key={seconds} value={seconds}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}
