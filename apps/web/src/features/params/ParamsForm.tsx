// The tool's params as a form generated from its JSON Schema. Applying writes the
// params into the URL (which restarts the session); invalid fields say why. Once a
// custom probe is applied, the form folds to its spec in a line, so its chart shows.
import { useEffect, useMemo, useState } from 'react';
import { testIds } from '../../testIds';
import type { FormValues } from './schemaForm';
import { ProbeSpecInput } from './ProbeSpecInput';
import { enumChoices, fieldsFromSchema, fieldTitle, formValuesFromParams, paramsFromForm, paramsSummary } from './schemaForm';

interface ParamsFormProps {
  schema: Record<string, unknown>;
  /** The tool's name: probe specs are checked and completed against it on the view's host. */
  tool?: string;
  params: Record<string, unknown>;
  onApply(params: Record<string, unknown>): void;
  /** Problem the agent found with the params it was given, if any. */
  serverError?: string;
}

export function ParamsForm({ schema, tool, params, onApply, serverError }: ParamsFormProps) {
  const fields = useMemo(() => fieldsFromSchema(schema), [schema]);
  const paramsKey = JSON.stringify(params);
  const [values, setValues] = useState<FormValues>(() => formValuesFromParams(fields, params));
  const [errors, setErrors] = useState<Record<string, string>>({});
  // The spec field the probe builder's form is for: the first, until the user goes to another.
  const [builderField, setBuilderField] = useState<string>();
  const shownBuilder = builderField ?? fields.find((field) => field.kind === 'probeSpec' || field.kind === 'probeSpecList')?.name;
  // Folded while an applied spec runs: the builder takes half a 720-pixel screen, the chart is what is watched.
  const [folded, setFolded] = useState(() => paramsSummary(fields, params).specs.length > 0);
  // A link or another tool changes the params from outside (or they were applied): show those.
  useEffect(() => {
    const applied = JSON.parse(paramsKey) as Record<string, unknown>;
    setValues(formValuesFromParams(fields, applied));
    setErrors({});
    setFolded(paramsSummary(fields, applied).specs.length > 0);
  }, [fields, paramsKey]);

  if (fields.length === 0) return null;
  const summary = paramsSummary(fields, params);
  // A spec the agent refused stays open, with why.
  if (folded && summary.specs.length > 0 && !serverError) {
    return (
      <div className="params-form params-form--folded" data-testid={testIds.paramsSummary}>
        <code className="params-form__summary" title={summary.specs.join('\n')}>
          {summary.specs.join('  ·  ')}
        </code>
        {summary.others.length > 0 ? <span className="params-form__others">{summary.others.join(' · ')}</span> : null}
        <button type="button" className="button button--small" data-testid={testIds.paramsEdit} onClick={() => setFolded(false)}>
          Edit
        </button>
      </div>
    );
  }
  // The params as typed so far, for a probe builder's check (only when the form reads as valid).
  const typed = paramsFromForm(fields, values);
  const liveParams = Object.keys(typed.errors).length === 0 ? typed.params : undefined;
  const apply = () => {
    const parsed = paramsFromForm(fields, values);
    setErrors(parsed.errors);
    if (Object.keys(parsed.errors).length > 0) return;
    onApply(parsed.params);
    // Applied as it was (the URL does not change): fold all the same.
    setFolded(paramsSummary(fields, parsed.params).specs.length > 0);
  };
  return (
    <form
      className="params-form"
      data-testid={testIds.paramsForm}
      onSubmit={(event) => {
        event.preventDefault();
        apply();
      }}
    >
      {fields.map((field) => {
        const id = `param-${field.name}`;
        const error = errors[field.name];
        const hint = [
          field.description,
          field.minimum !== undefined || field.maximum !== undefined ? `${field.minimum ?? '…'}–${field.maximum ?? '…'}` : '',
          field.kind === 'integerList' ? `comma-separated, up to ${field.maxItems ?? '…'}` : '',
        ]
          .filter(Boolean)
          .join('; ');
        return (
          <div key={field.name} className={`params-form__field ${error ? 'params-form__field--invalid' : ''}`} title={hint}>
            <label htmlFor={id}>{fieldTitle(field)}</label>
            {field.kind === 'boolean' ? (
              <input
                id={id}
                type="checkbox"
                data-testid={testIds.paramField(field.name)}
                checked={values[field.name] === true}
                onChange={(event) => setValues({ ...values, [field.name]: event.target.checked })}
              />
            ) : (field.kind === 'probeSpec' || field.kind === 'probeSpecList') && tool ? (
              <ProbeSpecInput
                id={id}
                name={field.name}
                tool={tool}
                multiple={field.kind === 'probeSpecList'}
                value={String(values[field.name] ?? '')}
                onChange={(text) => setValues({ ...values, [field.name]: text })}
                params={liveParams}
                invalid={error !== undefined}
                builder={shownBuilder === field.name}
                onActivate={() => setBuilderField(field.name)}
                {...(fields.some((other) => other.name === 'pid')
                  ? { onProcessPicked: (pid: number) => setValues((now) => ({ ...now, pid: String(pid) })) }
                  : {})}
              />
            ) : field.kind === 'enum' ? (
              <select
                id={id}
                data-testid={testIds.paramField(field.name)}
                value={String(values[field.name] ?? '')}
                onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
              >
                {enumChoices(field).map((choice) => (
                  <option key={choice.value} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                data-testid={testIds.paramField(field.name)}
                inputMode={field.kind === 'integer' || field.kind === 'number' ? 'numeric' : undefined}
                placeholder={field.defaultValue !== undefined ? String(field.defaultValue) : 'any'}
                value={String(values[field.name] ?? '')}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                maxLength={1024}
                onChange={(event) => setValues({ ...values, [field.name]: event.target.value })}
              />
            )}
            {error ? (
              <span id={`${id}-error`} className="params-form__error" data-testid={testIds.paramError(field.name)} role="alert">
                {error}
              </span>
            ) : null}
          </div>
        );
      })}
      <button type="submit" data-testid={testIds.paramsApply} className="button button--primary">
        Apply
      </button>
      {serverError ? (
        <span className="params-form__error" role="alert">
          {serverError}
        </span>
      ) : null}
    </form>
  );
}
