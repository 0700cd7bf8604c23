import { describe, expect, it } from 'vitest';
import { Lifecycle } from './lifecycle';

describe('Lifecycle', () => {
  it('is draining from the moment drain() is called, and stopping once the drain is over', async () => {
    const l = new Lifecycle();
    expect(l.state).toBe('serving');
    const drained = l.drain(10);
    expect(l.state).toBe('draining');
    await drained;
    expect(l.state).toBe('stopping');
  });

  it('skipDrain() ends a long drain at once; outside a drain it does nothing', async () => {
    const l = new Lifecycle();
    l.skipDrain();
    expect(l.state).toBe('serving');
    const drained = l.drain(600_000);
    l.skipDrain();
    await drained;
    expect(l.state).toBe('stopping');
  });

  it('a drain of 0 goes straight to stopping, and a second drain() is refused', async () => {
    const l = new Lifecycle();
    await l.drain(0);
    expect(l.state).toBe('stopping');
    await expect(l.drain(0)).rejects.toThrow(/while stopping/);
  });
});
