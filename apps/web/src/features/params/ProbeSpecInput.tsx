// A probe spec as bcc's tools take it (one a line where the tool takes several), with completions from the host
// itself (its tracepoints, a tracepoint's fields, a binary's functions) and a check as it is typed: where the probe
// would attach and how many places, or what is wrong and where, before anything is attached.
import { useEffect, useRef, useState } from 'react';
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import type { ProbeCheck } from '../../api/types';
import { useScopeHost } from '../../state/viewScope';
import { testIds } from '../../testIds';
import type { SpecCompletion } from './probeSpecAssist';
import { applyCompletion, completionAt, currentLine } from './probeSpecAssist';
import { ChoiceList, choiceKey } from './ChoiceList';
import { ProbeBuilder } from './ProbeBuilder';
import type { SpecSyntax } from './probeForm';
import { lineIndexAt, replaceLine, specSyntax } from './probeForm';

const MAX_CHOICES = 12;

/** An example of each tool syntax, in the empty box. */
const PLACEHOLDERS: Record<SpecSyntax, string> = {
  trace: 't:syscalls:sys_enter_read (args->count > 20000) "read %d bytes", args->count',
  argdist: 't:syscalls:sys_enter_read():u64:args->count or p:c:malloc(size_t size):size_t:size',
  pattern: 't:syscalls:sys_enter_* or p:/usr/bin/bash:readline',
};
const TYPE_PAUSE_MS = 250;

interface ProbeSpecInputProps {
  id: string;
  /** The param's name (its test id). */
  name: string;
  tool: string;
  /** Several specs, one a line (trace's probes), or one. */
  multiple: boolean;
  value: string;
  onChange(value: string): void;
  /** The params as the form reads them now, checked with the agent when they change. */
  params: Record<string, unknown> | undefined;
  invalid: boolean;
  /** Shows the builder's form for the line the cursor is on (one spec field of a tool has it at a time). */
  builder: boolean;
  /** The user went to this spec (the form follows it). */
  onActivate(): void;
  /** The builder picked a process (see ProbeBuilder). */
  onProcessPicked?(pid: number): void;
}

interface Choices {
  completion: SpecCompletion;
  lineStart: number;
  options: string[];
  active: number;
}

export function ProbeSpecInput({ id, name, tool, multiple, value, onChange, params, invalid, builder, onActivate, onProcessPicked }: ProbeSpecInputProps) {
  const { address, token } = useScopeHost();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const [choices, setChoices] = useState<Choices>();
  const [check, setCheck] = useState<ProbeCheck | { problem: AgentProblem }>();
  const [cursor, setCursor] = useState<number>();

  // Completions for what is before the cursor, asked for once typing pauses.
  useEffect(() => {
    if (cursor === undefined || !address || !token) return undefined;
    const { line, start, column } = currentLine(value, cursor);
    const completion = completionAt(line, column);
    if (!completion) {
      setChoices(undefined);
      return undefined;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      const probes = clientFor(address, token).probes;
      const lookup: Promise<string[]> =
        completion.kind === 'tracepoint'
          ? probes.tracepoints
              .query({ prefix: completion.prefix, limit: MAX_CHOICES })
              .then((answer) => answer.tracepoints.map((point) => `${point.category}:${point.name}`))
          : completion.kind === 'field'
            ? probes.tracepointFields
                .query({ category: completion.category, name: completion.name })
                .then((answer) => answer.fields.filter((field) => !field.common && field.name.startsWith(completion.prefix)).map((field) => field.name))
            : probes.symbols.query({ path: completion.path, prefix: completion.prefix, limit: MAX_CHOICES }).then((answer) => answer.symbols);
      lookup
        .then((options) => {
          // Nothing to offer once what is typed is the one choice.
          const offered = options.filter((option) => option !== completion.prefix);
          const focused = document.activeElement === inputRef.current;
          if (!cancelled)
            setChoices(offered.length > 0 && focused ? { completion, lineStart: start, options: offered.slice(0, MAX_CHOICES), active: 0 } : undefined);
        })
        .catch(() => {
          if (!cancelled) setChoices(undefined);
        });
    }, TYPE_PAUSE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [value, cursor, address, token]);

  // The check: what starting it would do, nothing loaded.
  const paramsKey = params ? JSON.stringify(params) : undefined;
  useEffect(() => {
    if (paramsKey === undefined || !address || !token) {
      setCheck(undefined);
      return undefined;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      clientFor(address, token)
        .probes.check.query({ tool, params: JSON.parse(paramsKey) as Record<string, unknown> })
        .then((answer) => {
          if (!cancelled) setCheck(answer);
        })
        .catch((error: unknown) => {
          if (!cancelled) setCheck({ problem: describeAgentError(error, address) });
        });
    }, TYPE_PAUSE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [paramsKey, tool, address, token]);

  const pick = (option: string) => {
    if (!choices) return;
    const next = applyCompletion(value, choices.lineStart, choices.completion, option);
    onChange(next.text);
    setChoices(undefined);
    requestAnimationFrame(() => {
      inputRef.current?.focus();
      inputRef.current?.setSelectionRange(next.cursor, next.cursor);
      setCursor(next.cursor);
    });
  };

  const lines = value.split('\n');
  const checkHere = check !== undefined && 'ok' in check && !check.ok && check.spec ? check.spec.param === name : builder;
  const line = Math.min(lineIndexAt(value, cursor ?? 0), lines.length - 1);

  return (
    <div className="probe-spec">
      <textarea
        ref={inputRef}
        id={id}
        className="probe-spec__text"
        data-testid={testIds.paramField(name)}
        rows={multiple ? Math.min(4, Math.max(1, value.split('\n').length)) : 1}
        spellCheck={false}
        placeholder={PLACEHOLDERS[specSyntax(tool)]}
        value={value}
        aria-invalid={invalid || (check !== undefined && 'ok' in check && !check.ok) ? true : undefined}
        aria-autocomplete="list"
        aria-controls={`${id}-choices`}
        onChange={(event) => {
          onChange(multiple ? event.target.value : event.target.value.replace(/\n/g, ' '));
          setCursor(event.target.selectionStart);
        }}
        onClick={(event) => setCursor(event.currentTarget.selectionStart)}
        onFocus={onActivate}
        onKeyUp={(event) => {
          // Arrow keys move between lines: the form follows the cursor's line.
          if (event.key.startsWith('Arrow') || event.key === 'Home' || event.key === 'End') setCursor(event.currentTarget.selectionStart);
        }}
        // Choices are clicked without taking the focus (mousedown is held back), so leaving the box closes them.
        onBlur={() => setChoices(undefined)}
        onKeyDown={(event) => {
          if (!choices) {
            // One spec: Enter applies the form.
            if (event.key === 'Enter' && !multiple) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
            return;
          }
          const action = choiceKey(event.key, choices.active, choices.options.length);
          if (action === undefined) return;
          event.preventDefault();
          if (action === 'pick') pick(choices.options[choices.active] as string);
          else if (action === 'close') setChoices(undefined);
          else setChoices({ ...choices, active: action.active });
        }}
      />
      {choices ? (
        <ChoiceList
          id={`${id}-choices`}
          testId={testIds.probeChoices}
          choices={choices.options.map((option) => ({ value: option }))}
          active={choices.active}
          onPick={(choice) => pick(choice.value)}
        />
      ) : null}
      {builder ? (
        <ProbeBuilder
          id={`${id}-form`}
          syntax={specSyntax(tool)}
          spec={lines[line] ?? ''}
          line={line}
          lines={multiple ? lines.length : 1}
          onSpecChange={(spec) => onChange(replaceLine(value, line, spec))}
          {...(onProcessPicked ? { onProcessPicked } : {})}
        />
      ) : null}
      {/* The check is of all the tool's specs: said once, under the spec it names, else under the one being built. */}
      {checkHere ? <ProbeCheckLine check={check} /> : null}
    </div>
  );
}

function ProbeCheckLine({ check }: { check: ProbeCheck | { problem: AgentProblem } | undefined }) {
  if (!check) return null;
  if ('problem' in check) {
    return (
      <p className="probe-spec__check probe-spec__check--bad" data-testid={testIds.probeCheck}>
        {check.problem.message}
      </p>
    );
  }
  if (check.ok) {
    const shown = check.points
      .slice(0, 3)
      .map((point) => point.name)
      .join(', ');
    return (
      <p className="probe-spec__check muted" data-testid={testIds.probeCheck} data-points={check.total}>
        attaches to {check.total === 1 ? 'one place' : `${check.total} places`} ({shown}
        {check.total > 3 ? ', …' : ''}) with {check.attachments} kernel attachment{check.attachments === 1 ? '' : 's'}
      </p>
    );
  }
  const spec = check.spec;
  return (
    <div className="probe-spec__check probe-spec__check--bad" data-testid={testIds.probeCheck} role="alert">
      {spec ? (
        <pre className="probe-spec__caret">
          {spec.spec}
          {'\n'}
          {' '.repeat(Math.max(0, spec.offset))}
          {'^'.repeat(Math.max(1, spec.length))} {spec.reason}
        </pre>
      ) : (
        <p>{check.message}</p>
      )}
      {spec?.suggestion ? <p>Instead: {spec.suggestion}</p> : null}
    </div>
  );
}
