import { describe, expect, it } from 'vitest';
import { choiceKey } from './ChoiceList';

describe('choiceKey', () => {
  it('moves the active choice round the list, picks on Enter or Tab, closes on Escape, leaves other keys to the input', () => {
    expect(choiceKey('ArrowDown', 0, 3)).toEqual({ active: 1 });
    expect(choiceKey('ArrowDown', 2, 3)).toEqual({ active: 0 });
    expect(choiceKey('ArrowUp', 0, 3)).toEqual({ active: 2 });
    expect(choiceKey('Enter', 1, 3)).toBe('pick');
    expect(choiceKey('Tab', 1, 3)).toBe('pick');
    expect(choiceKey('Escape', 1, 3)).toBe('close');
    expect(choiceKey('a', 1, 3)).toBeUndefined();
  });
});
