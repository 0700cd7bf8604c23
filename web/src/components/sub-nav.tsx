import { Link, useLocation } from 'wouter';

/** Tabs that are links: each view has its own URL. */
export function SubNav({ label, items }: { label: string; items: { href: string; label: string }[] }) {
  const [location] = useLocation();
  return (
    <nav aria-label={label} className="subnav">
      {items.map((item) => (
        <Link key={item.href} href={item.href} className="subnav-link" aria-current={location === item.href ? 'page' : undefined}>
          {item.label}
        </Link>
      ))}
    </nav>
  );
}
