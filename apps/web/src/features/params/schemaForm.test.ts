import { describe, expect, it } from 'vitest';
import { enumChoices, fieldLabel, fieldsFromSchema, fieldTitle, formValuesFromParams, paramsFromForm, paramsSummary } from './schemaForm';

// As the agent sends execsnoop's and tcplife's schemas (zod → JSON Schema).
const schema = {
  type: 'object',
  properties: {
    uid: { description: 'only execs by this user id', type: 'integer', minimum: 0, maximum: 4294967294 },
    comm: { type: 'string', minLength: 1, maxLength: 15 },
    includeFailed: { default: false, type: 'boolean' },
    maxArgs: { default: 20, type: 'integer', minimum: 1, maximum: 60 },
    localPorts: { minItems: 1, maxItems: 8, type: 'array', items: { type: 'integer', minimum: 1, maximum: 65535 } },
    mode: { enum: ['a', 'b'] },
  },
  additionalProperties: false,
};

describe('schema form', () => {
  const fields = fieldsFromSchema(schema);

  it('turns each property into a typed field with its bounds', () => {
    expect(fields.map((field) => [field.name, field.kind])).toEqual([
      ['uid', 'integer'],
      ['comm', 'string'],
      ['includeFailed', 'boolean'],
      ['maxArgs', 'integer'],
      ['localPorts', 'integerList'],
      ['mode', 'enum'],
    ]);
    expect(fields[0]).toMatchObject({ minimum: 0, maximum: 4294967294, description: 'only execs by this user id' });
    expect(fields[4]).toMatchObject({ minItems: 1, maxItems: 8, minimum: 1, maximum: 65535 });
  });

  it('parses valid input and omits empty fields and untouched defaults', () => {
    const values = { ...formValuesFromParams(fields, {}), uid: ' 1000 ', localPorts: '80, 443 8080', includeFailed: false };
    expect(paramsFromForm(fields, values)).toEqual({ params: { uid: 1000, localPorts: [80, 443, 8080] }, errors: {} });
  });

  it('says what is wrong with each bad field', () => {
    const { errors } = paramsFromForm(fields, {
      uid: '-1',
      comm: 'a'.repeat(16),
      maxArgs: '2.5',
      localPorts: '80, 70000',
      mode: 'c',
      includeFailed: true,
    });
    expect(errors).toEqual({
      uid: 'at least 0',
      comm: 'at most 15 characters',
      maxArgs: 'a whole number',
      localPorts: '"70000": at most 65535',
      mode: 'one of a, b',
    });
  });

  it('round-trips params through the form', () => {
    const params = { uid: 0, comm: 'bash', includeFailed: true, localPorts: [22, 80], mode: 'b' };
    expect(paramsFromForm(fields, formValuesFromParams(fields, params))).toEqual({ params, errors: {} });
  });

  it('offers an enum with a default its options only, once each, and omits the default', () => {
    // As offcputime's `state`: its default 'any' is also an option.
    const [state] = fieldsFromSchema({ type: 'object', properties: { state: { default: 'any', enum: ['any', 'interruptible', 'uninterruptible'] } } });
    if (!state) throw new Error('no field');
    expect(enumChoices(state).map((choice) => choice.label)).toEqual(['any', 'interruptible', 'uninterruptible']);
    expect(formValuesFromParams([state], {})).toEqual({ state: 'any' });
    expect(paramsFromForm([state], { state: 'any' })).toEqual({ params: {}, errors: {} });
    expect(paramsFromForm([state], { state: 'uninterruptible' })).toEqual({ params: { state: 'uninterruptible' }, errors: {} });
    // Without a default, "(any)" leaves it out.
    const mode = fields[5];
    if (!mode) throw new Error('no field');
    expect(enumChoices(mode)).toEqual([
      { value: '', label: '(any)' },
      { value: 'a', label: 'a' },
      { value: 'b', label: 'b' },
    ]);
    expect(formValuesFromParams([mode], {})).toEqual({ mode: '' });
  });

  it('labels camelCase names in words', () => {
    expect(fieldLabel('nameContains')).toBe('name contains');
  });

  it('labels a number with its unit, from the schema, and sums it up with it', () => {
    // As the agent sends cachestat's interval (zod's .meta({ unit: 's' })).
    const [interval] = fieldsFromSchema({ type: 'object', properties: { interval: { default: 1, type: 'integer', minimum: 1, maximum: 3600, unit: 's' } } });
    expect(interval && fieldTitle(interval)).toBe('interval (s)');
    expect(paramsSummary(interval ? [interval] : [], { interval: 5 }).others).toEqual(['interval 5 s']);
    expect(fieldTitle({ name: 'maxArgs' })).toBe('max args');
  });
});

describe('probe specs in a params form', () => {
  const schema = {
    type: 'object',
    properties: {
      probes: { type: 'array', maxItems: 2, items: { type: 'string', format: 'bcc-probe', maxLength: 20 } },
      pattern: { type: 'string', format: 'bcc-probe', minLength: 1 },
      pid: { type: 'integer', minimum: 1 },
    },
  };

  it('knows a spec, and a list of them, by the format bcc-probe; one spec a line', () => {
    const fields = fieldsFromSchema(schema);
    expect(fields.map((field) => field.kind)).toEqual(['probeSpecList', 'probeSpec', 'integer']);
    const values = formValuesFromParams(fields, { probes: ['t:a:b', 't:c:d'], pattern: 'p:c:malloc' });
    expect(values.probes).toBe('t:a:b\nt:c:d');
    expect(paramsFromForm(fields, { ...values, probes: ' t:a:b \n\n t:c:d ', pid: '' })).toEqual({
      params: { probes: ['t:a:b', 't:c:d'], pattern: 'p:c:malloc' },
      errors: {},
    });
    expect(paramsFromForm(fields, { probes: 't:a\nt:b\nt:c', pattern: 'x', pid: '' }).errors.probes).toBe('at most 2 probes, one a line');
    expect(paramsFromForm(fields, { probes: `t:${'x'.repeat(30)}`, pattern: 'x', pid: '' }).errors.probes).toBe('probe 1: at most 20 characters');
  });

  it('sums up applied params in a line: the specs, then the others set', () => {
    const fields = fieldsFromSchema({ ...schema, properties: { ...schema.properties, verbose: { type: 'boolean', default: false } } });
    expect(paramsSummary(fields, { probes: ['u:/usr/bin/python3:python:gc__start', 't:a:b'], pid: 42, verbose: true })).toEqual({
      specs: ['u:/usr/bin/python3:python:gc__start', 't:a:b'],
      others: ['pid 42', 'verbose'],
    });
    expect(paramsSummary(fields, { pattern: 'p:c:malloc', verbose: false })).toEqual({ specs: ['p:c:malloc'], others: [] });
    // Nothing applied yet: no spec to sum up (the form stays open).
    expect(paramsSummary(fields, {})).toEqual({ specs: [], others: [] });
  });
});
