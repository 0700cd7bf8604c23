import { describe, expect, it } from 'vitest';
import { can } from './session';

describe('role permissions', () => {
  it('lets a viewer read only, an operator also act, an admin also manage users and read the audit log', () => {
    expect(can('viewer', 'read')).toBe(true);
    expect(can('viewer', 'rerun')).toBe(false);
    expect(can('viewer', 'forceSync')).toBe(false);
    expect(can('operator', 'rerun')).toBe(true);
    expect(can('operator', 'replay')).toBe(true);
    expect(can('operator', 'manageUsers')).toBe(false);
    expect(can('viewer', 'replay')).toBe(false);
    expect(can('viewer', 'testConfiguration')).toBe(false);
    expect(can('operator', 'testConfiguration')).toBe(true);
    expect(can('operator', 'cleanup')).toBe(false);
    expect(can('admin', 'cleanup')).toBe(true);
    expect(can('admin', 'manageUsers')).toBe(true);
    expect(can('admin', 'viewAudit')).toBe(true);
    // Acknowledge, silence and lift silence: ACCESS.operate on the server.
    expect(can('viewer', 'manageAlerts')).toBe(false);
    expect(can('operator', 'manageAlerts')).toBe(true);
    expect(can('admin', 'manageAlerts')).toBe(true);
  });

  it('grants nothing to an unknown role or to nobody (API-key roles like client have no console rights)', () => {
    expect(can(null, 'read')).toBe(false);
    expect(can('client', 'read')).toBe(false);
  });
});
