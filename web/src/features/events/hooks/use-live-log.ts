import { useEffect, useRef, useState } from 'react';
import { logNotices } from '../../../lib/live-status';

/** Further down than this and the operator is reading: new rows wait behind the banner. */
const READING_BELOW_PX = 120;

/**
 * What a pushed change does to the open events log. On the newest page
 * with the operator at its top, the page refetches at once (new rows appear
 * above, nothing being read moves). Scrolled down, or on an older page, the
 * rows stay put and the new events are counted for the banner: the page
 * never shifts under the operator. `show` takes the banner's offer.
 */
export function useLiveLog(opts: { newestPage: boolean; refetch: () => void; toNewest: () => void }) {
  const [waiting, setWaiting] = useState(0);
  const latest = useRef(opts);
  latest.current = opts;
  useEffect(
    () =>
      logNotices.subscribe((n) => {
        const { newestPage, refetch } = latest.current;
        if (newestPage && window.scrollY < READING_BELOW_PX) return refetch();
        if (n.kind === 'events') setWaiting((w) => w + n.count);
      }),
    [],
  );
  return {
    waiting,
    show: () => {
      setWaiting(0);
      window.scrollTo(0, 0);
      if (latest.current.newestPage) latest.current.refetch();
      else latest.current.toNewest();
    },
  };
}
