import {
  type AuditPage,
  BOOTSTRAP_OPERATOR,
  CreateOperatorRequest,
  OperatorName,
  type CreatedOperator,
  type OperatorList,
  type RevokeReport,
  type WhoAmI,
} from '@ripio-webhooks/contracts';
import type { OperatorRecord } from '@ripio-webhooks/store';
import type { Request, Router } from 'express';
import { z } from 'zod';
import { audit } from './audit.js';
import { requireRole } from './auth.js';
import { HttpError, parse } from './http-error.js';
import { contextOf, type AccessSettings, type AccessStores } from './identity.js';
import { newOperatorToken } from './operator-tokens.js';

const isoDate = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^\d{1,15}-\d{1,20}$/, 'cursor must come from a previous page')
    .optional(),
  operator: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(200).optional(),
  since: isoDate.optional(),
  until: isoDate.optional(),
});

function queryOf(req: Request): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query)) if (value !== '') query[key] = value;
  return query;
}

const listed = ({ name, role, createdAt, createdBy }: OperatorRecord) => ({
  name,
  role,
  createdAt,
  createdBy,
});

/** `GET /me`, `GET /audit` (any role) and `/operators` (role admin): who is signed in, the audit log, operators. */
export function accessRoutes(router: Router, stores: AccessStores, settings: AccessSettings): void {
  router.get('/me', (req, res) => {
    const { identity } = contextOf(req);
    res.json({ operator: identity.operator, role: identity.role, via: identity.via } satisfies WhoAmI);
  });

  router.get('/audit', async (req, res) => {
    const { limit, cursor, operator, action, since, until } = parse(AuditQuery, queryOf(req), 'query');
    const page = await stores.audit.list({
      limit,
      ...(cursor === undefined ? {} : { cursor }),
      ...(operator === undefined ? {} : { operator }),
      ...(action === undefined ? {} : { action }),
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
    });
    res.json(page satisfies AuditPage);
  });

  // Registered on the API router itself (not a sub-router), so the write routes can be listed from its stack.
  const admin = requireRole('admin');
  router.get('/operators', admin, async (_req, res) => {
    res.json({ operators: (await stores.operators.list()).map(listed) } satisfies OperatorList);
  });
  router.post('/operators', admin, async (req, res) => {
    const { name, role } = parse(CreateOperatorRequest, req.body ?? {}, 'operator');
    if (name === BOOTSTRAP_OPERATOR) {
      throw new HttpError(400, `"${BOOTSTRAP_OPERATOR}" is the ADMIN_TOKEN identity`);
    }
    const token = newOperatorToken();
    const record: OperatorRecord = {
      name,
      role,
      createdAt: new Date().toISOString(),
      createdBy: contextOf(req).identity.operator,
      tokenHash: settings.hashToken(token),
    };
    const created = await stores.operators.create(record);
    await audit(req, { action: 'operator.create', target: name, outcome: created, details: { role } });
    if (created === 'exists') throw new HttpError(409, `operator ${name} exists (revoke it first)`);
    res.status(201).json({ ...listed(record), token } satisfies CreatedOperator);
  });
  router.delete('/operators/:name', admin, async (req, res) => {
    const name = parse(OperatorName, req.params.name, 'name');
    const revoked = await stores.operators.revoke(name);
    await audit(req, { action: 'operator.revoke', target: name, outcome: revoked ? 'revoked' : 'missing' });
    if (!revoked) throw new HttpError(404, `no operator ${name}`);
    res.json({ name, revoked: true } satisfies RevokeReport);
  });
}
