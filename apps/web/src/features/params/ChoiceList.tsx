// A list of choices under an input (completions, symbols, processes): clicked without taking the input's focus, the
// active one marked for the keyboard, and how many there were when only some are shown.

export interface Choice {
  value: string;
  /** Shown beside the value, not part of it (a field's C type, a process's comm). */
  detail?: string;
}

interface ChoiceListProps {
  id: string;
  testId: string;
  choices: readonly Choice[];
  active: number;
  /** How many matched, when more than are shown. */
  total?: number;
  onPick(choice: Choice): void;
}

export function ChoiceList({ id, testId, choices, active, total, onPick }: ChoiceListProps) {
  return (
    <ul className="probe-spec__choices" id={id} role="listbox" data-testid={testId}>
      {choices.map((choice, index) => (
        <li key={choice.value} role="option" aria-selected={index === active}>
          <button
            type="button"
            className={index === active ? 'probe-spec__choice--active' : ''}
            // Held back so the input keeps the focus (leaving it closes the list).
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => onPick(choice)}
          >
            {choice.value}
            {choice.detail ? (
              <span className="probe-spec__detail muted" aria-hidden="true">
                {choice.detail}
              </span>
            ) : null}
          </button>
        </li>
      ))}
      {total !== undefined && total > choices.length ? (
        <li className="probe-spec__more muted" role="presentation">
          {choices.length} of {total}: type to narrow
        </li>
      ) : null}
    </ul>
  );
}

/** What a key does to an open list: moves the active choice (its new index), picks it, closes the list, or nothing. */
export function choiceKey(key: string, active: number, count: number): { active: number } | 'pick' | 'close' | undefined {
  switch (key) {
    case 'ArrowDown':
    case 'ArrowUp':
      return { active: (active + (key === 'ArrowDown' ? 1 : -1) + count) % count };
    case 'Enter':
    case 'Tab':
      return 'pick';
    case 'Escape':
      return 'close';
    default:
      return undefined;
  }
}
