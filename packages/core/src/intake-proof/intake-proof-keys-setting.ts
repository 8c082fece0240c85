import { z } from 'zod';
import { MIN_INTAKE_PROOF_KEY_LENGTH } from './intake-proof.js';

/**
 * `INTAKE_PROOF_KEYS`, the same in the receiver and the worker: comma-separated keys (blanks around commas
 * ignored), each at least 32 characters. The first signs every job a receiver enqueues; all of them verify.
 */
export const intakeProofKeysSetting = z
  .string({
    error: `INTAKE_PROOF_KEYS is required (one or more comma-separated keys of ${MIN_INTAKE_PROOF_KEY_LENGTH}+ characters)`,
  })
  .transform((value) =>
    value
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== ''),
  )
  .refine((keys) => keys.length > 0, 'INTAKE_PROOF_KEYS must hold at least one key')
  .refine(
    (keys) => keys.every((key) => key.length >= MIN_INTAKE_PROOF_KEY_LENGTH),
    `every INTAKE_PROOF_KEYS key must be at least ${MIN_INTAKE_PROOF_KEY_LENGTH} characters`,
  );
