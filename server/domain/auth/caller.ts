import type { ApiKeyRole } from '../../config/config';

export type Role = ApiKeyRole;

/** Who is calling: an API key, a console session, or nobody in an open development set-up. */
export interface Caller {
  name: string;
  role: Role;
  via: 'api_key' | 'session' | 'open';
}

/** Development with nothing configured: open, as the runbook's curl commands assume. */
export const OPEN_CALLER: Caller = { name: 'anonymous', role: 'admin', via: 'open' };
