// Which series the heat map shows: a button naming it, opening a short list
// ("all, added up", then the busiest or slowest few over the shown window, each
// with its events and p99) under a search box. Arrows move, Enter picks, Escape
// closes. The window is added up once, when the list opens: an hour of hundreds
// of pids is millions of counts, too many to add up again every second.
import { formatInteger, formatSlotRange } from '@bpfscope/charts';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { HistogramFrame } from '../../api/types';
import { testIds } from '../../testIds';
import { rankSeries, seriesDisplayName, seriesName, summarizeSeries } from './seriesChoices';
import type { SeriesRank } from './seriesChoices';
import type { HistogramUnit, LinearBuckets } from '@bpfscope/charts';

/** Enough to see who matters; the search finds the rest. */
const SHOWN_SERIES = 10;
const RANKS: Array<[SeriesRank, string, string]> = [
  ['count', 'events', 'most events in the window first'],
  ['p99', 'p99', 'slowest 99th percentile bucket in the window first; the busier first within a bucket'],
];

interface SeriesPickerProps {
  frames: readonly HistogramFrame[];
  /** The window the heat map shows: what the list counts over. */
  range: { from: number; to: number };
  unit: HistogramUnit;
  /** Linear buckets (argdist --linear); log2 without. */
  buckets?: LinearBuckets | undefined;
  /** The shown series' label; undefined for all of them added up. */
  value: string | undefined;
  onChange(label: string | undefined): void;
}

interface Option {
  /** The series' label; undefined for "all, added up". */
  label: string | undefined;
  text: string;
  count: number;
  p99Slot: number | undefined;
}

export function SeriesPicker({ frames, range, unit, buckets, value, onChange }: SeriesPickerProps) {
  // The frames and window as they were when the list opened; null while it is closed.
  const [opened, setOpened] = useState<{ frames: readonly HistogramFrame[]; range: { from: number; to: number } } | null>(null);
  const open = opened !== null;
  const [query, setQuery] = useState('');
  const [rank, setRank] = useState<SeriesRank>('count');
  // Followed by label, so a list reordered by a new frame keeps it; null until the arrows move it.
  const [active, setActive] = useState<{ label: string | undefined } | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const id = useId();

  const summaries = useMemo(() => (opened ? summarizeSeries(opened.frames, opened.range) : undefined), [opened]);
  const choices = useMemo(
    () =>
      summaries ? { all: summaries.all, total: summaries.series.length, ...rankSeries(summaries.series, { rank, query, limit: SHOWN_SERIES }) } : undefined,
    [summaries, rank, query],
  );
  const options = useMemo<Option[]>(
    () =>
      choices
        ? [
            { label: undefined, text: 'all, added up', ...choices.all },
            ...choices.shown.map((series) => ({ label: series.label, text: seriesDisplayName(series), count: series.count, p99Slot: series.p99Slot })),
          ]
        : [],
    [choices],
  );
  // Typing puts the best match under Enter; otherwise the series shown now.
  const defaultIndex =
    query.trim() !== '' && options.length > 1
      ? 1
      : Math.max(
          0,
          options.findIndex((option) => option.label === value),
        );
  const movedTo = active ? options.findIndex((option) => option.label === active.label) : -1;
  const activeIndex = movedTo >= 0 ? movedTo : defaultIndex;

  useEffect(() => {
    if (!open) return;
    search.current?.focus();
    const outside = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpened(null);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);

  const show = () => {
    setQuery('');
    setActive(null);
    setOpened({ frames, range: { from: range.from, to: range.to } });
  };
  const close = () => {
    setOpened(null);
    trigger.current?.focus();
  };
  const pick = (option: Option | undefined) => {
    if (!option) return;
    onChange(option.label);
    close();
  };
  const move = (index: number) => {
    const option = options[Math.min(options.length - 1, Math.max(0, index))];
    if (option) setActive({ label: option.label });
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    const handled = ((): boolean => {
      switch (event.key) {
        case 'ArrowDown':
          move(activeIndex + 1);
          return true;
        case 'ArrowUp':
          move(activeIndex - 1);
          return true;
        case 'PageUp':
          move(0);
          return true;
        case 'PageDown':
          move(options.length - 1);
          return true;
        case 'Enter':
          pick(options[activeIndex]);
          return true;
        case 'Escape':
          close();
          return true;
        default:
          return false;
      }
    })();
    if (handled) event.preventDefault();
  };

  // Looked up once per new frame, not on every key press in the list.
  const current = useMemo(
    () => (value === undefined ? 'all, added up' : seriesDisplayName({ label: value, name: seriesName(frames, value) })),
    [frames, value],
  );
  const listId = `${id}-list`;
  const optionId = (index: number) => `${id}-option-${index}`;
  const hidden = choices ? choices.matching - choices.shown.length : 0;

  return (
    <div
      className="series-picker"
      ref={root}
      onBlur={(event) => {
        // Tabbing out of the list closes it; a click inside never takes focus (mousedown below).
        if (open && !root.current?.contains(event.relatedTarget as Node | null)) setOpened(null);
      }}
    >
      <button
        type="button"
        ref={trigger}
        className="button series-picker__trigger"
        data-testid={testIds.heatMapSeries}
        aria-haspopup="listbox"
        aria-expanded={open}
        title="Which series the heat map shows"
        onClick={() => (open ? close() : show())}
        onKeyDown={(event) => {
          if (!open && event.key === 'ArrowDown') {
            event.preventDefault();
            show();
          }
        }}
      >
        <span className="muted">series</span> <span className="series-picker__current">{current}</span> <span aria-hidden="true">▾</span>
      </button>
      {open && choices ? (
        <div
          className="series-picker__popover"
          data-testid={testIds.heatMapSeriesList}
          onMouseDown={(event) => event.target !== search.current && event.preventDefault()}
        >
          <div className="series-picker__controls">
            <input
              ref={search}
              type="search"
              className="series-picker__search"
              data-testid={testIds.heatMapSeriesSearch}
              placeholder="pid or name"
              aria-label="Search series by pid or name"
              role="combobox"
              aria-expanded="true"
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={options.length > 0 ? optionId(activeIndex) : undefined}
              value={query}
              onChange={(event) => {
                setQuery(event.target.value);
                setActive(null);
              }}
              onKeyDown={onSearchKey}
            />
            <span className="muted" id={`${id}-rank`}>
              rank by
            </span>
            <span className="series-picker__ranks" role="group" aria-labelledby={`${id}-rank`}>
              {RANKS.map(([key, text, title]) => (
                <button
                  key={key}
                  type="button"
                  className="button button--small"
                  data-testid={testIds.heatMapSeriesRank(key)}
                  aria-pressed={rank === key}
                  title={title}
                  onClick={() => setRank(key)}
                >
                  {text}
                </button>
              ))}
            </span>
          </div>
          <div className="series-picker__row series-picker__row--head" aria-hidden="true">
            <span>series</span>
            <span>events</span>
            <span>p99</span>
          </div>
          <ul className="series-picker__list" id={listId} role="listbox" aria-label="Series">
            {options.map((option, index) => {
              // The bucket, as the summary under the map says it: log2 counts tell no more.
              const p99 = option.p99Slot === undefined ? '–' : formatSlotRange(option.p99Slot, unit, buckets);
              return (
                <li
                  key={option.label ?? ''}
                  id={optionId(index)}
                  role="option"
                  aria-selected={option.label === value}
                  aria-label={`${option.text}: ${formatInteger(option.count)} events, p99 ${p99}`}
                  data-testid={testIds.heatMapSeriesOption}
                  data-label={option.label ?? ''}
                  className={`series-picker__row series-picker__option${index === activeIndex ? ' series-picker__option--active' : ''}${option.label === value ? ' series-picker__option--selected' : ''}`}
                  onMouseMove={() => index !== activeIndex && setActive({ label: option.label })}
                  onClick={() => pick(option)}
                >
                  <span className="series-picker__name" title={option.text}>
                    {option.text}
                  </span>
                  <span>{formatInteger(option.count)}</span>
                  <span>{p99}</span>
                </li>
              );
            })}
          </ul>
          <p className="series-picker__footer muted" aria-live="polite">
            {choices.matching === 0
              ? `no series in the window matches “${query.trim()}”`
              : hidden > 0
                ? `${formatInteger(choices.shown.length)} of ${formatInteger(choices.matching)} shown: search for the others`
                : `${formatInteger(choices.matching)} of ${formatInteger(choices.total)} series in the window`}
          </p>
        </div>
      ) : null}
    </div>
  );
}
