import { z } from 'zod';

/*
 * Who may do what in the admin app, and what it records: operators, their roles and the audit log. The admin app
 * answers with these shapes; the CLI and the console read them.
 */

/**
 * Roles, each including the one before: `read` sees everything (every GET); `operate` also changes state (replay,
 * delete, release a hold, pause/resume, re-drive, retry in the queue dashboard); `admin` also manages operators.
 */
export const OPERATOR_ROLES = ['read', 'operate', 'admin'] as const;
export const OperatorRole = z.enum(OPERATOR_ROLES);
export type OperatorRole = z.infer<typeof OperatorRole>;

/** Whether `role` includes everything `needed` may do. */
export function roleAllows(role: OperatorRole, needed: OperatorRole): boolean {
  return OPERATOR_ROLES.indexOf(role) >= OPERATOR_ROLES.indexOf(needed);
}

/** The identity `ADMIN_TOKEN` signs in as (a reserved operator name, role admin). */
export const BOOTSTRAP_OPERATOR = 'admin';

/** An operator's name: letters, digits, `.`, `_`, `-`, `@` (an e-mail address fits), at most 128 characters. */
export const OperatorName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/, 'letters, digits, ".", "_", "-", "@" (at most 128)');

/** How a request proved who it is. */
const CREDENTIAL_KINDS = ['token', 'session', 'proxy'] as const;
export const CredentialKind = z.enum(CREDENTIAL_KINDS);
export type CredentialKind = z.infer<typeof CredentialKind>;

/** A named operator as `GET /api/operators` lists it (never its token). */
const Operator = z.object({
  name: z.string(),
  role: OperatorRole,
  createdAt: z.string(),
  createdBy: z.string(),
});
export type Operator = z.infer<typeof Operator>;

export const OperatorList = z.object({ operators: z.array(Operator) });
export type OperatorList = z.infer<typeof OperatorList>;

/** `POST /api/operators` (role admin). */
export const CreateOperatorRequest = z.object({ name: OperatorName, role: OperatorRole });
export type CreateOperatorRequest = z.infer<typeof CreateOperatorRequest>;

/** The answer of `POST /api/operators`: the token is shown this once (only its keyed hash is kept). */
export const CreatedOperator = Operator.extend({ token: z.string() });
export type CreatedOperator = z.infer<typeof CreatedOperator>;

/** The answer of `DELETE /api/operators/:name`. */
export const RevokeReport = z.object({ name: z.string(), revoked: z.literal(true) });
export type RevokeReport = z.infer<typeof RevokeReport>;

/** `GET /api/me`: who the request is authenticated as. */
export const WhoAmI = z.object({ operator: z.string(), role: OperatorRole, via: CredentialKind });
export type WhoAmI = z.infer<typeof WhoAmI>;

/**
 * One audit entry: who did what, when, why, to what, and how it ended. `action` is a dotted name
 * (`dead-letter.delete`, `hold.release`, `operator.create`, ...); `target` names what it touched.
 */
export const AuditEntry = z.object({
  /** Its position in the log (a Redis stream id), also the paging cursor. */
  id: z.string(),
  at: z.string(),
  operator: z.string(),
  role: OperatorRole,
  via: CredentialKind,
  action: z.string(),
  target: z.string(),
  reason: z.string().nullable(),
  outcome: z.string(),
  /** Anything else the action reports (a bulk replay's filter and count, say). */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** `GET /api/audit`: newest first; `nextCursor` fetches the next (older) page. */
export const AuditPage = z.object({ entries: z.array(AuditEntry), nextCursor: z.string().optional() });
export type AuditPage = z.infer<typeof AuditPage>;

/** A reason given with a write: required for deletes and releases, optional elsewhere. */
export const Reason = z.string().trim().min(1, 'a reason is required').max(2000);
