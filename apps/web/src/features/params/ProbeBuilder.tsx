// The probe builder's form beside the spec text: a probe's kind, its target (a tracepoint of the host, or a process's
// binary and one of its functions or USDT probes), one filter comparison, and trace's format and arguments or argdist's type and
// expression. Both stay in step: the text, when it parses, sets the form; a form edit rewrites the text's line.
// What the form cannot show leaves it read-only with a note; the text is never rewritten for it.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { clientFor } from '../../api/clients';
import type { UsdtProbe } from '../../api/types';
import { useAppStore } from '../../state/storeContext';
import { useScopeHost } from '../../state/viewScope';
import { testIds } from '../../testIds';
import type { Choice } from './ChoiceList';
import type { ProbeFilter, ProbeForm, ProbeKind, SpecSyntax } from './probeForm';
import {
  BUILTIN_VALUES,
  COMPARE_OPS,
  EMPTY_FORM,
  formFromSpec,
  functionValues,
  hasSignature,
  lastItem,
  PROBE_KINDS,
  replaceLastItem,
  specFromForm,
  usdtArgsText,
} from './probeForm';
import type { SuggestionLoader } from './Suggest';
import { Suggest } from './Suggest';

/** Most suggestions a list shows (the agent says how many matched). */
const SHOWN = 50;
/** argdist's usual types for a value. */
const ARGDIST_TYPES = ['u64', 'u32', 'int', 'size_t', 'char*', 's64', 'u16', 'u8'];

interface ProbeBuilderProps {
  id: string;
  syntax: SpecSyntax;
  /** The spec the form edits: the line the cursor is on. */
  spec: string;
  /** Which line that is, of how many (a list of probes); 0 of 1 for one spec. */
  line: number;
  lines: number;
  onSpecChange(spec: string): void;
  /** A process was picked to list its binaries: the tool's pid filter follows it (bcc's -p), where the tool has one. */
  onProcessPicked?(pid: number): void;
}

interface Shown {
  form: ProbeForm;
  /** Why the form is read-only, when it is. */
  note?: string;
}

interface PickedProcess {
  pid: number;
  comm: string;
  /** Paths of the binaries it maps code from; undefined while asked for. */
  binaries?: string[];
  problem?: string;
}

/** Most USDT probes asked for of one binary (libc has about 60; the agent says how many there are). */
const USDT_LISTED = 1000;
/** How long the library field must rest before its USDT probes are asked for. */
const USDT_LOOKUP_PAUSE_MS = 200;

/** Suggestions from a fixed list: those holding what is typed. */
function fromList(choices: readonly Choice[], item: (text: string) => string = (text) => text): SuggestionLoader {
  return (text) => {
    const query = item(text).toLowerCase();
    return Promise.resolve({ choices: choices.filter((choice) => choice.value.toLowerCase().includes(query)).slice(0, SHOWN) });
  };
}

export function ProbeBuilder({ id, syntax, spec, line, lines, onSpecChange, onProcessPicked }: ProbeBuilderProps) {
  const { address, token } = useScopeHost();
  const kprobes = useAppStore((state) => {
    const status = address ? state.statuses[address] : undefined;
    return status?.state === 'connected' ? status.info.features.kprobe.available : false;
  });
  const [shown, setShown] = useState<Shown>(() => {
    const reading = formFromSpec(syntax, spec);
    return 'form' in reading ? { form: reading.form } : { form: EMPTY_FORM, note: reading.note };
  });
  // The spec the form itself wrote last: the text that comes back from it is not read again (`t:` alone does not parse).
  const written = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (spec === written.current) return;
    written.current = undefined;
    const reading = formFromSpec(syntax, spec);
    // A spec that does not parse (yet) keeps the last form it had, read-only.
    setShown((last) => ('form' in reading ? { form: reading.form } : { form: last.form, note: reading.note }));
  }, [syntax, spec]);
  const { form, note } = shown;
  const readOnly = note !== undefined;

  const edit = (patch: Partial<ProbeForm>) => {
    const next = { ...form, ...patch };
    const text = specFromForm(syntax, next);
    written.current = text;
    setShown({ form: next });
    onSpecChange(text);
  };
  const editFilter = (patch: Partial<ProbeFilter>) => edit({ filter: { left: '', op: '==', value: '', ...form.filter, ...patch } });

  const client = address && token ? clientFor(address, token) : undefined;

  // A tracepoint's fields, for the filter and the values read (none for a glob: which record's?).
  const [fields, setFields] = useState<Choice[]>([]);
  const tracepoint = form.kind === 'tracepoint' && /^\w+:\w+$/.test(form.tracepoint) ? form.tracepoint : undefined;
  useEffect(() => {
    if (!client || !tracepoint) {
      setFields([]);
      return undefined;
    }
    let cancelled = false;
    const [category = '', name = ''] = tracepoint.split(':');
    client.probes.tracepointFields
      .query({ category, name })
      .then((answer) => {
        if (!cancelled) setFields(answer.fields.filter((field) => !field.common).map((field) => ({ value: `args->${field.name}`, detail: field.type })));
      })
      .catch(() => {
        if (!cancelled) setFields([]);
      });
    return () => {
      cancelled = true;
    };
  }, [client, tracepoint]);

  // A binary's USDT probes (its .note.stapsdt), listed beside its functions; the picked one's arguments are arg1..argN.
  const library = form.library.trim();
  const isUser = form.kind === 'uprobe' || form.kind === 'uretprobe' || form.kind === 'usdt';
  const [usdt, setUsdt] = useState<{ library: string; probes: UsdtProbe[]; total: number }>();
  const [picked, setPicked] = useState<PickedProcess>();
  const pid = picked?.pid;
  useEffect(() => {
    if (!client || !isUser || library === '') {
      setUsdt(undefined);
      return undefined;
    }
    let cancelled = false;
    // A path typed by hand changes on every key: ask once the typing pauses, not for each prefix.
    const timer = setTimeout(() => {
      client.probes.usdt
        .query({ path: library, ...(pid !== undefined ? { pid } : {}), limit: USDT_LISTED })
        .then((answer) => {
          if (!cancelled) setUsdt({ library, probes: answer.probes, total: answer.total });
        })
        .catch(() => {
          if (!cancelled) setUsdt(undefined);
        });
    }, USDT_LOOKUP_PAUSE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, isUser, library, pid]);
  const usdtProbes = usdt?.library === library ? usdt.probes : undefined;
  const usdtProbe =
    form.kind === 'usdt'
      ? usdtProbes?.find((probe) => `${probe.provider}:${probe.name}` === form.function.trim() || probe.name === form.function.trim())
      : undefined;

  const values: Choice[] = useMemo(() => {
    if (form.kind === 'tracepoint') return [...fields, ...BUILTIN_VALUES.map((value) => ({ value }))];
    return functionValues(form, syntax, usdtProbe?.args.length).map((value, index) => {
      if (!/^arg\d+$/.test(value)) return { value };
      // A USDT probe's argument: its type and where the note says it is.
      const arg = form.kind === 'usdt' ? usdtProbe?.args[index] : undefined;
      return { value, detail: arg ? `${arg.type ?? '?'} ${arg.text}` : 'by position' };
    });
  }, [fields, form, syntax, usdtProbe]);
  const valueLoader = useMemo(() => fromList(values), [values]);
  const itemLoader = useMemo(() => fromList(values, lastItem), [values]);
  const typeLoader = useMemo(
    () =>
      fromList(
        ARGDIST_TYPES.map((value) => ({ value })),
        lastItem,
      ),
    [],
  );

  const tracepointLoader = useCallback<SuggestionLoader>(
    async (text) => {
      if (!client) return { choices: [] };
      const answer = await client.probes.tracepoints.query({ prefix: text.replace(/[^\w:]/g, ''), limit: SHOWN });
      return { choices: answer.tracepoints.map((point) => ({ value: `${point.category}:${point.name}` })), total: answer.total };
    },
    [client],
  );

  // uprobes: a process, then one of the binaries it maps, then one of that binary's functions or USDT probes.
  const [processQuery, setProcessQuery] = useState('');
  const processLoader = useCallback<SuggestionLoader>(
    async (text) => {
      if (!client) return { choices: [] };
      const answer = await client.probes.processes.query({ query: text.trim().slice(0, 64), limit: SHOWN });
      return { choices: answer.processes.map((found) => ({ value: String(found.pid), detail: found.comm })), total: answer.total };
    },
    [client],
  );
  const pickProcess = (choice: Choice) => {
    const process: PickedProcess = { pid: Number(choice.value), comm: choice.detail ?? '' };
    setPicked(process);
    setProcessQuery(`${process.pid} ${process.comm}`);
    onProcessPicked?.(process.pid);
    client?.probes.binaries
      .query({ pid: process.pid })
      .then((answer) => setPicked({ ...process, binaries: answer.binaries.map((binary) => binary.path) }))
      .catch((error: unknown) => setPicked({ ...process, problem: error instanceof Error ? error.message : String(error) }));
  };
  const symbolLoader = useCallback<SuggestionLoader>(
    async (text) => {
      if (!client || library === '') return { choices: [] };
      const answer = await client.probes.symbols.query({
        path: library,
        ...(pid !== undefined ? { pid } : {}),
        prefix: text.trim().slice(0, 256),
        match: 'contains',
        limit: SHOWN,
      });
      return { choices: answer.symbols.map((value) => ({ value })), total: answer.total };
    },
    [client, library, pid],
  );

  const usdtLoader = useMemo(
    () =>
      fromList(
        (usdtProbes ?? []).map((probe) => ({ value: `${probe.provider}:${probe.name}`, detail: usdtArgsText(probe) })),
        (text) => text.trim(),
      ),
    [usdtProbes],
  );

  const isFunction = form.kind !== 'tracepoint' && form.kind !== 'usdt';
  const binaries = picked?.binaries;
  const binaryChoices = binaries && library !== '' && !binaries.includes(library) ? [library, ...binaries] : binaries;

  /** A comma-separated list (types, values, arguments): a pick completes its last item. */
  const listSuggest = (
    field: 'types' | 'exprs' | 'args',
    options: { testId: string; label: string; placeholder: string; width: number; load: SuggestionLoader },
  ) => (
    <Suggest
      id={`${id}-${field}`}
      testId={options.testId}
      label={options.label}
      placeholder={options.placeholder}
      width={options.width}
      value={form[field]}
      load={options.load}
      onChange={(text) => edit({ [field]: text })}
      onPick={(choice) => edit({ [field]: replaceLastItem(form[field], choice.value) })}
    />
  );
  const valuePlaceholder = form.kind === 'tracepoint' ? 'args->count' : 'arg1';
  // argdist takes a filter only after its types and values.
  const noFilter = syntax === 'argdist' && form.types.trim() === '';

  return (
    <fieldset className="probe-form" data-testid={testIds.probeBuilder} disabled={readOnly} aria-describedby={readOnly ? `${id}-note` : undefined}>
      <legend className="probe-form__legend">form{lines > 1 ? ` (probe ${line + 1} of ${lines})` : ''}</legend>
      <span className="probe-form__group">
        <select
          id={`${id}-kind`}
          aria-label="probe kind"
          data-testid={testIds.probeKind}
          value={form.kind}
          onChange={(event) => {
            const kind = event.target.value as ProbeKind;
            // A function's name is no USDT probe's, nor the other way round.
            edit({ kind, ...((kind === 'usdt') !== (form.kind === 'usdt') ? { function: '' } : {}) });
          }}
        >
          {PROBE_KINDS.map((choice) => {
            const kernel = choice.kind === 'kprobe' || choice.kind === 'kretprobe';
            // kprobes only where this host has them (the current spec's kind is always shown).
            if (kernel && !kprobes && form.kind !== choice.kind) return null;
            return (
              <option key={choice.kind} value={choice.kind}>
                {choice.label}
                {kernel && !kprobes ? ' (none on this host)' : ''}
              </option>
            );
          })}
        </select>
        {form.kind === 'tracepoint' ? (
          <Suggest
            id={`${id}-tracepoint`}
            testId={testIds.probeTracepoint}
            label="tracepoint (category:event)"
            placeholder="category:event"
            width={28}
            value={form.tracepoint}
            load={tracepointLoader}
            onChange={(tracepointName) => edit({ tracepoint: tracepointName })}
          />
        ) : null}
        {isUser ? (
          <>
            <Suggest
              id={`${id}-process`}
              testId={testIds.probeProcess}
              label="a process whose binaries to list (pid or comm)"
              placeholder="process…"
              width={12}
              value={processQuery}
              load={processLoader}
              onChange={(text) => {
                setProcessQuery(text);
                if (picked) setPicked(undefined);
              }}
              onPick={pickProcess}
            />
            {binaryChoices ? (
              <select
                aria-label="binary or library"
                data-testid={testIds.probeBinary}
                className="probe-form__binary"
                value={library}
                onChange={(event) => edit({ library: event.target.value })}
              >
                {library === '' ? <option value="">binary…</option> : null}
                {binaryChoices.map((path) => (
                  // The file's name first: a library's directory is long and much the same for all of them.
                  <option key={path} value={path} title={path}>
                    {path.includes('/') ? `${path.slice(path.lastIndexOf('/') + 1)} · ${path.slice(0, path.lastIndexOf('/') + 1)}` : path}
                  </option>
                ))}
              </select>
            ) : (
              <Suggest
                id={`${id}-library`}
                testId={testIds.probeLibrary}
                label="library or binary (c, pthread, a path)"
                placeholder="c or /path"
                width={16}
                value={form.library}
                load={undefined}
                onChange={(text) => edit({ library: text })}
              />
            )}
          </>
        ) : null}
        {isFunction ? (
          <Suggest
            id={`${id}-function`}
            testId={testIds.probeFunction}
            label={isUser ? "function (type to filter the binary's symbols)" : 'kernel function'}
            placeholder={isUser ? 'function…' : 'kernel function'}
            width={16}
            value={form.function}
            load={isUser && library !== '' ? symbolLoader : undefined}
            onChange={(text) => edit({ function: text })}
          />
        ) : null}
        {hasSignature(form.kind) && syntax !== 'pattern' ? (
          <span className="probe-form__signature">
            (
            <input
              aria-label="signature (its parameters' types and names)"
              title="signature: the parameters' C types and names, e.g. size_t size"
              data-testid={testIds.probeSignature}
              placeholder="size_t size"
              spellCheck={false}
              style={{ width: '12ch' }}
              value={form.signature}
              onChange={(event) => edit({ signature: event.target.value })}
            />
            )
          </span>
        ) : null}
        {isUser && form.kind !== 'usdt' && usdtProbes && usdtProbes.length > 0 ? (
          // Beside the functions: the binary's USDT probes, one click away.
          <button
            type="button"
            className="button button--small"
            data-testid={testIds.probeUsdtCount}
            title={`this binary declares ${usdt?.total ?? usdtProbes.length} USDT probes (.note.stapsdt): list them`}
            onClick={() => edit({ kind: 'usdt', function: '' })}
          >
            {usdt?.total ?? usdtProbes.length} USDT probe{(usdt?.total ?? usdtProbes.length) === 1 ? '' : 's'}
          </button>
        ) : null}
      </span>
      {form.kind === 'usdt' ? (
        // Its own group: it wraps to the next row when the binary's path is long.
        <span className="probe-form__group">
          <Suggest
            id={`${id}-usdt`}
            testId={testIds.probeUsdt}
            label="USDT probe, provider:name (type to filter the binary's probes)"
            placeholder={usdtProbes?.length === 0 ? 'no USDT probes' : 'provider:probe…'}
            width={24}
            value={form.function}
            load={usdtProbes && usdtProbes.length > 0 ? usdtLoader : undefined}
            onChange={(text) => edit({ function: text })}
          />
          {usdtProbe ? (
            <span className="probe-form__word" data-testid={testIds.probeUsdtArgs}>
              {usdtArgsText(usdtProbe)}
            </span>
          ) : null}
        </span>
      ) : null}
      {syntax === 'argdist' ? (
        <span className="probe-form__group">
          <span className="probe-form__word">type</span>
          {listSuggest('types', {
            testId: testIds.probeTypes,
            label: 'types of the values (argdist), comma-separated',
            placeholder: 'u64',
            width: 8,
            load: typeLoader,
          })}
          <span className="probe-form__word">value</span>
          {listSuggest('exprs', {
            testId: testIds.probeExprs,
            label: 'values to count or to make a histogram of, comma-separated',
            placeholder: valuePlaceholder,
            width: 16,
            load: itemLoader,
          })}
        </span>
      ) : null}
      {syntax !== 'pattern' ? (
        <span className="probe-form__group">
          <span className="probe-form__word">if</span>
          <Suggest
            id={`${id}-filter`}
            testId={testIds.probeFilterLeft}
            label="filter: the value compared"
            placeholder={form.kind === 'tracepoint' ? 'args->field' : 'arg1'}
            width={12}
            value={form.filter?.left ?? ''}
            load={valueLoader}
            disabled={noFilter}
            onChange={(left) => editFilter({ left })}
          />
          <select
            aria-label="filter: comparison"
            data-testid={testIds.probeFilterOp}
            value={form.filter?.op ?? '=='}
            onChange={(event) => editFilter({ op: event.target.value as ProbeFilter['op'] })}
            disabled={noFilter}
          >
            {COMPARE_OPS.map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </select>
          <input
            aria-label="filter: a number, or a string"
            title="a number (20000, 0x10) or a string (bash)"
            data-testid={testIds.probeFilterValue}
            placeholder="20000"
            spellCheck={false}
            style={{ width: '8ch' }}
            value={form.filter?.value ?? ''}
            disabled={noFilter}
            onChange={(event) => editFilter({ value: event.target.value })}
          />
        </span>
      ) : null}
      {syntax === 'trace' ? (
        <span className="probe-form__group">
          <span className="probe-form__word">print</span>
          <input
            aria-label="format (printf-style)"
            title="printf-style format: %d %u %x %s %c %p"
            data-testid={testIds.probeFormat}
            placeholder="read %d bytes"
            spellCheck={false}
            style={{ width: '20ch' }}
            value={form.format}
            onChange={(event) => edit({ format: event.target.value })}
          />
          {listSuggest('args', {
            testId: testIds.probeArgs,
            label: 'values the format prints, comma-separated',
            placeholder: valuePlaceholder,
            width: 16,
            load: itemLoader,
          })}
        </span>
      ) : null}
      {readOnly ? (
        <span id={`${id}-note`} className="probe-form__note" data-testid={testIds.probeBuilderNote}>
          {note}
        </span>
      ) : null}
      {picked?.problem ? <span className="probe-form__note">{picked.problem}</span> : null}
    </fieldset>
  );
}
