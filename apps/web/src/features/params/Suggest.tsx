// An input with a list of suggestions for what is typed in it, asked for once typing pauses (a tracepoint, a
// process, a binary's functions, a record's fields): free text stays allowed, a pick fills it in.
import { useEffect, useState } from 'react';
import type { Choice } from './ChoiceList';
import { ChoiceList, choiceKey } from './ChoiceList';

const TYPE_PAUSE_MS = 150;

/** Suggestions for `query`, and how many matched when only some are given. */
export type SuggestionLoader = (query: string) => Promise<{ choices: Choice[]; total?: number }>;

interface SuggestProps {
  id: string;
  testId: string;
  label: string;
  value: string;
  placeholder?: string;
  /** Width in characters. */
  width: number;
  disabled?: boolean;
  /** Undefined: a plain input, nothing to suggest. */
  load: SuggestionLoader | undefined;
  onChange(value: string): void;
  /** A suggestion picked (by default it replaces the value). */
  onPick?(choice: Choice): void;
}

interface Open {
  choices: Choice[];
  total?: number;
  active: number;
}

export function Suggest({ id, testId, label, value, placeholder, width, disabled, load, onChange, onPick }: SuggestProps) {
  const [focused, setFocused] = useState(false);
  const [open, setOpen] = useState<Open>();
  const replaces = onPick === undefined;
  // Asked again when the text or the source changes (another binary), only while the input has the focus.
  useEffect(() => {
    if (!focused || !load) {
      setOpen(undefined);
      return undefined;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      load(value)
        .then((answer) => {
          if (cancelled) return;
          // Nothing to offer once what is typed is the one choice (a pick would change nothing).
          const { choices } = answer;
          const done = replaces && choices.length === 1 && choices[0]?.value === value;
          setOpen(choices.length > 0 && !done ? { choices, total: answer.total, active: 0 } : undefined);
        })
        .catch(() => {
          if (!cancelled) setOpen(undefined);
        });
    }, TYPE_PAUSE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [focused, load, value, replaces]);

  const pick = (choice: Choice) => {
    if (onPick) onPick(choice);
    else onChange(choice.value);
    setOpen(undefined);
    setFocused(false);
  };

  return (
    <span className="probe-form__suggest">
      <input
        id={id}
        data-testid={testId}
        aria-label={label}
        title={label}
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        spellCheck={false}
        autoComplete="off"
        style={{ width: `${width}ch` }}
        aria-autocomplete={load ? 'list' : undefined}
        aria-controls={open ? `${id}-choices` : undefined}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onChange={(event) => {
          setFocused(true);
          onChange(event.target.value);
        }}
        onKeyDown={(event) => {
          if (!open) return;
          const action = choiceKey(event.key, open.active, open.choices.length);
          if (action === undefined) return;
          event.preventDefault();
          if (action === 'pick') pick(open.choices[open.active] as Choice);
          else if (action === 'close') setOpen(undefined);
          else setOpen({ ...open, active: action.active });
        }}
      />
      {open ? (
        <ChoiceList id={`${id}-choices`} testId={`${testId}-choices`} choices={open.choices} total={open.total} active={open.active} onPick={pick} />
      ) : null}
    </span>
  );
}
