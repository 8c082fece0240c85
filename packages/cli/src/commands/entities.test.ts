import { describe, expect, it } from 'vitest';
import { formatAge } from './entities.js';

describe('formatAge', () => {
  it('shows an age in its largest unit and the next', () => {
    expect(formatAge(40)).toBe('40s');
    expect(formatAge(7 * 60 + 5)).toBe('7m');
    expect(formatAge(2 * 3_600 + 5 * 60 + 9)).toBe('2h 5m');
    expect(formatAge(5 * 3_600 + 3)).toBe('5h');
    expect(formatAge(3 * 86_400 + 4 * 3_600 + 59)).toBe('3d 4h');
  });
});
