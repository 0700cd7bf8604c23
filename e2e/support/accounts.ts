/** The accounts the journeys use; the admin is the server's first admin (ADMIN_EMAIL / ADMIN_PASSWORD). */
export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password-123' };
export const VIEWER = { email: 'viewer@e2e.test', password: 'e2e-viewer-password-123' };
export const ADMIN_STATE = 'test-results/.auth/admin.json';
